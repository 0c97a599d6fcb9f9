/* doc_writer: not yet written */

/* doc_reader: not yet written */

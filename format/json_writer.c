/* json_writer: not yet written */

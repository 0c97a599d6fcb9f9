/* json_reader: not yet written */

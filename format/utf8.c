/* utf8: not yet written */

/* stream: not yet written */

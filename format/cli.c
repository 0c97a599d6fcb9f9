/* cli: not yet written */

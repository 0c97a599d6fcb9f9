/* number: not yet written */

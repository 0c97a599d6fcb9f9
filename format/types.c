/* types: not yet written */

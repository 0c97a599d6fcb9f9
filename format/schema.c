/* schema: not yet written */

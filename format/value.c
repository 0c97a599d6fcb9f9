/* value: not yet written */

/* base64: not yet written */

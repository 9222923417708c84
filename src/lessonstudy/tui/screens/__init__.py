"""One screen per workflow step."""

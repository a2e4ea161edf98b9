"""Register, start and control workflows on a Conductor server."""

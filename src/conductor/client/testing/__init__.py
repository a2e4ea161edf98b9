"""A local, in-memory Conductor server for developing and testing workers."""

"""Client side of the Conductor worker SDK: HTTP client, workers, runtime, local test server."""

__version__ = "1.1.10"

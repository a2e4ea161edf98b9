"""Client side of the Conductor worker SDK: HTTP client, workers, runtime, local test server."""

import logging

__version__ = "1.1.10"

# The library never configures logging itself; applications decide where records go.
logging.getLogger("conductor").addHandler(logging.NullHandler())

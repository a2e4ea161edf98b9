"""Worker metrics in Prometheus text format (install the ``metrics`` extra)."""

"""Settings objects that a :class:`Configuration` or the worker runtime takes."""

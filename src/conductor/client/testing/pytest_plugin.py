"""pytest plugin: the ``conductor_server`` fixture."""

"""swift-conductor name for ``conductor.client.configuration.configuration``.

Unlike swift-conductor's own class, this ``Configuration`` also reads ``CONDUCTOR_SERVER_URL``
and the ``CONDUCTOR_AUTH_*`` variables; with neither set it talks to
``http://localhost:8080/api`` as before.
"""

from __future__ import annotations

from conductor.client.configuration.configuration import Configuration

__all__ = ["Configuration"]

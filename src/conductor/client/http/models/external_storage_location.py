"""Where a payload too large for the task record is stored."""

from __future__ import annotations

from typing import ClassVar

from conductor.client.http.models._base import Model


class ExternalStorageLocation(Model):
    """Where a payload too large for the task record is stored."""

    swagger_types: ClassVar[dict[str, str]] = {
        "uri": "str",
        "path": "str",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "uri": "uri",
        "path": "path",
    }

    uri: str | None
    path: str | None

    def __init__(
        self,
        uri: str | None = None,
        path: str | None = None,
    ) -> None:
        self._init_fields(locals())

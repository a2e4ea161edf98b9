"""An access token issued by ``POST /token``; never printed in full."""

from __future__ import annotations

import pprint
from typing import ClassVar

from conductor.client.http.models._base import Model


class Token(Model):
    """An access token issued by ``POST /token``; never printed in full."""

    swagger_types: ClassVar[dict[str, str]] = {
        "token": "str",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "token": "token",
    }

    token: str | None

    def __init__(
        self,
        token: str | None = None,
    ) -> None:
        self._init_fields(locals())

    def to_str(self) -> str:
        """Return the pretty-printed fields with the token masked."""
        values = self.to_dict()
        if values["token"] is not None:
            values["token"] = "***"
        return pprint.pformat(values)

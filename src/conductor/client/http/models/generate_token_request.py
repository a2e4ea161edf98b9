"""The body of ``POST /token``: an application key id and secret; the secret is never printed."""

from __future__ import annotations

import pprint
from typing import ClassVar

from conductor.client.http.models._base import Model


class GenerateTokenRequest(Model):
    """The body of ``POST /token``: an application key id and secret; the secret is never printed."""

    swagger_types: ClassVar[dict[str, str]] = {
        "key_id": "str",
        "key_secret": "str",
    }
    attribute_map: ClassVar[dict[str, str]] = {
        "key_id": "keyId",
        "key_secret": "keySecret",
    }

    key_id: str | None
    key_secret: str | None

    def __init__(
        self,
        key_id: str | None = None,
        key_secret: str | None = None,
    ) -> None:
        self._init_fields(locals())

    def to_str(self) -> str:
        """Return the pretty-printed fields with the secret masked."""
        values = self.to_dict()
        if values["key_secret"] is not None:
            values["key_secret"] = "***"
        return pprint.pformat(values)

"""The body of ``POST /token``: an application key id and secret; the secret is never printed."""

from __future__ import annotations

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
    _secret_fields: ClassVar[tuple[str, ...]] = ("key_secret",)

    key_id: str | None
    key_secret: str | None

    def __init__(
        self,
        key_id: str | None = None,
        key_secret: str | None = None,
    ) -> None:
        self._init_fields(locals())

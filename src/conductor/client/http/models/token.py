"""An access token issued by ``POST /token``; never printed in full."""

from __future__ import annotations

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
    _secret_fields: ClassVar[tuple[str, ...]] = ("token",)

    token: str | None

    def __init__(
        self,
        token: str | None = None,
    ) -> None:
        self._init_fields(locals())

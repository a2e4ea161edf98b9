"""Credentials for a Conductor server that requires authentication (Orkes)."""

from __future__ import annotations


class AuthenticationSettings:
    """An application key id and secret, exchanged for a token at ``POST /token``.

    The secret never appears in ``repr``/``str``, so printing a configuration is safe.

    Args:
        key_id: The application key id (not secret; shown in error messages).
        key_secret: The application key secret.
    """

    def __init__(self, key_id: str, key_secret: str) -> None:
        self.key_id = key_id
        self.key_secret = key_secret

    def __repr__(self) -> str:
        secret = "'***'" if self.key_secret else repr(self.key_secret)
        return f"AuthenticationSettings(key_id={self.key_id!r}, key_secret={secret})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, AuthenticationSettings)
            and self.key_id == other.key_id
            and self.key_secret == other.key_secret
        )

    def __hash__(self) -> int:
        return hash((self.key_id, self.key_secret))

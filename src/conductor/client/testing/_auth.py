"""Orkes-style token auth: ``POST /token`` issues tokens, other calls need ``X-Authorization``."""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any

from conductor.client.testing._errors import ApiError

TOKEN_HEADER = "x-authorization"


def _unauthorized(error: str, message: str) -> ApiError:
    return ApiError(401, message, body={"error": error, "message": message})


class TokenAuth:
    """Issues opaque tokens for one key id/secret pair and checks them.

    Args:
        key_id: the accepted ``keyId``.
        key_secret: the accepted ``keySecret``.
        ttl_s: token lifetime in seconds.
    """

    def __init__(self, key_id: str, key_secret: str, ttl_s: float) -> None:
        self._key_id = key_id
        self._key_secret = key_secret
        self._ttl_s = ttl_s
        self._expiry: dict[str, float] = {}
        self._lock = threading.Lock()

    def issue(self, body: Any) -> str:
        """A new token for a ``{keyId, keySecret}`` body; 401 for wrong credentials."""
        if not isinstance(body, dict):
            raise _unauthorized("INVALID_CREDENTIALS", "keyId and keySecret are required")
        key_id, secret = body.get("keyId"), body.get("keySecret")
        valid = isinstance(key_id, str) and isinstance(secret, str)
        if not valid or not (
            secrets.compare_digest(str(key_id), self._key_id)
            and secrets.compare_digest(str(secret), self._key_secret)
        ):
            raise _unauthorized("INVALID_CREDENTIALS", "Invalid keyId or keySecret")
        token = "local." + secrets.token_urlsafe(24)
        with self._lock:
            self._expiry[token] = time.monotonic() + self._ttl_s
        return token

    def check(self, token: str | None) -> None:
        """Raise 401 ``INVALID_TOKEN`` or ``EXPIRED_TOKEN`` unless ``token`` is valid now."""
        if not token:
            raise _unauthorized("INVALID_TOKEN", "Missing X-Authorization token")
        with self._lock:
            expiry = self._expiry.get(token)
        if expiry is None:
            raise _unauthorized("INVALID_TOKEN", "Invalid token")
        if time.monotonic() >= expiry:
            raise _unauthorized("EXPIRED_TOKEN", "Token expired")

    def expire_all(self) -> None:
        """Make every issued token expired (tests of the refresh path)."""
        with self._lock:
            now = time.monotonic()
            self._expiry = {token: min(expiry, now) for token, expiry in self._expiry.items()}

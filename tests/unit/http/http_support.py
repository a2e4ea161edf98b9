"""Helpers shared by the HTTP-layer tests (the fixtures live in conftest.py)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

import responses
from responses import matchers

BASE = "http://conductor.test"
HOST = BASE + "/api"
JSON = "application/json"


Handler = Callable[["Received"], "tuple[int, dict[str, str], bytes]"]


@dataclass
class Received:
    """One request the local server got."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class LocalServer:
    """A real HTTP server on 127.0.0.1 whose routes the test sets."""

    url: str
    routes: dict[tuple[str, str], Handler] = field(default_factory=dict)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def route(self, method: str, path: str, handler: Handler) -> None:
        self.routes[(method, path)] = handler

    def json(self, method: str, path: str, payload: Any, status: int = 200) -> None:
        body = json.dumps(payload).encode()
        self.route(method, path, lambda _: (status, {"Content-Type": "application/json"}, body))

    def count(self, method: str, path: str) -> int:
        with self.lock:
            return sum(1 for r in self.received if r.method == method and r.path == path)


def expect(
    rsps: responses.RequestsMock,
    method: str,
    path: str,
    *,
    query: dict[str, Any] | None = None,
    accept: str = JSON,
    sent_json: Any = None,
    sent_text: str | None = None,
    sent_type: str | None = None,
    **reply: Any,
) -> None:
    """Register the one request an API call must make: exact query, Accept and body."""
    match: list[Callable[..., Any]] = [
        matchers.query_param_matcher(query or {}, strict_match=True),
        matchers.header_matcher({"Accept": accept}),
    ]
    if sent_json is not None:
        match.append(matchers.json_params_matcher(sent_json, strict_match=True))
        match.append(matchers.header_matcher({"Content-Type": JSON}))
    if sent_text is not None:
        match.append(matchers.body_matcher(sent_text))
    if sent_type is not None:
        match.append(matchers.header_matcher({"Content-Type": sent_type}))
    rsps.add(method, HOST + path, match=match, **reply)

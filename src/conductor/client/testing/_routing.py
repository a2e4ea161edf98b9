"""Route table and dispatch: counting, fault injection, auth, then the handler."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Iterable
from typing import Callable, Union

from conductor.client.testing._auth import TOKEN_HEADER, TokenAuth
from conductor.client.testing._errors import ApiError
from conductor.client.testing._faults import Failure, Faults, RequestCounts
from conductor.client.testing._http import Request, Response
from conductor.client.testing._responses import error_response, json_response

logger = logging.getLogger(__name__)

API_PREFIX = "api"
Params = dict[str, str]
RouteHandler = Callable[[Request, Params], Awaitable[Response]]


class Route:
    """``METHOD /pattern/{var}`` (relative to ``/api``) served by ``handler``."""

    __slots__ = ("endpoint", "handler", "literals", "method", "parts", "public")

    def __init__(
        self,
        method: str,
        pattern: str,
        endpoint: str,
        handler: RouteHandler,
        *,
        public: bool = False,
    ) -> None:
        self.method = method
        self.endpoint = endpoint
        self.handler = handler
        self.public = public
        self.parts = [
            (part[1:-1], True) if part.startswith("{") else (part, False)
            for part in pattern.strip("/").split("/")
        ]
        if self.parts[0][1]:
            raise ValueError(f"route patterns must start with a literal segment: {pattern}")
        self.literals = sum(1 for _, is_var in self.parts if not is_var)

    def match(self, segments: list[str]) -> Params | None:
        """Path variables when ``segments`` fit the pattern."""
        params: Params = {}
        for (text, is_var), segment in zip(self.parts, segments):
            if is_var:
                if not segment:
                    return None
                params[text] = segment
            elif text != segment:
                return None
        return params


_Match = Union[tuple[Route, Params], str]


class Router:
    """Finds the route, applies faults and auth, runs the handler, maps errors to bodies."""

    def __init__(
        self,
        routes: Iterable[Route],
        *,
        faults: Faults,
        counts: RequestCounts,
        auth: TokenAuth | None,
    ) -> None:
        # Indexed by (segment count, first segment): every pattern starts with a literal.
        self._index: dict[tuple[int, str], list[Route]] = {}
        for route in routes:
            self._index.setdefault((len(route.parts), route.parts[0][0]), []).append(route)
        for candidates in self._index.values():
            candidates.sort(key=lambda route: -route.literals)  # Spring: literals win
        self._faults = faults
        self._counts = counts
        self._auth = auth

    def _match(self, method: str, segments: list[str]) -> _Match:
        if method == "HEAD":
            method = "GET"
        allowed = False
        if not segments:
            return "404"
        for route in self._index.get((len(segments), segments[0]), ()):
            params = route.match(segments)
            if params is None:
                continue
            if route.method == method:
                return route, params
            allowed = True
        return "405" if allowed else "404"

    async def handle(self, request: Request) -> Response:
        """Answer one request."""
        segments = request.segments
        match: _Match = "404"
        if segments and segments[0] == API_PREFIX:
            match = self._match(request.method, segments[1:])
        if isinstance(match, str):
            self._counts.increment("unknown")
            return _routing_error(match, request)
        route, params = match
        self._counts.increment(route.endpoint)
        delay_s, failure = self._faults.take(route.endpoint)
        if delay_s > 0:
            await asyncio.sleep(delay_s)
        if failure is not None and not failure.after_processing:
            return _failure_response(failure)
        response = await self._run(route, request, params)
        if failure is not None:
            return _failure_response(failure)
        return response

    async def _run(self, route: Route, request: Request, params: Params) -> Response:
        try:
            if self._auth is not None and not route.public:
                self._auth.check(request.headers.get(TOKEN_HEADER))
            return await route.handler(request, params)
        except ApiError as error:
            return error_response(error)
        except Exception as exc:
            logger.exception("%s %s failed", request.method, request.path)
            return error_response(ApiError(500, f"Internal error: {exc!r}", retryable=True))


def _routing_error(kind: str, request: Request) -> Response:
    if kind == "405":
        message = f"Request method '{request.method}' is not supported"
        return error_response(ApiError(405, message))
    return error_response(ApiError(404, f"No static resource {request.path.lstrip('/')}."))


def _failure_response(failure: Failure) -> Response:
    if failure.drop:
        return Response(0, drop=True)
    body = failure.body
    if body is None:
        body = ApiError(
            failure.status, "Injected failure", retryable=failure.status >= 500
        ).to_body()
    return json_response(body, failure.status)

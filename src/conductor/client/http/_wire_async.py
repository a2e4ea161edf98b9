"""The lean transport of ``_wire`` on a running event loop: a request waits without a thread.

Connections come from, and go back to, the same :class:`~._wire.OriginPool` the blocking
calls use. A new connection is opened in the loop's default executor (name resolution and
``connect`` block); the request is written with the loop's non-blocking ``sock_sendall`` and
the response read by a reader callback, with one future per response and no extra task.
Kept apart from ``_wire`` so that a process without async workers never imports asyncio.
"""

from __future__ import annotations

import asyncio
import functools
import socket
from typing import TYPE_CHECKING, Any, Callable

from urllib3.exceptions import ConnectTimeoutError, ProtocolError, ReadTimeoutError

from conductor.client.http._wire import (
    RECV_BYTES,
    OriginPool,
    Parser,
    WireResponse,
    retry_for_status,
)

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from urllib3.util.retry import Retry


async def aurlopen(
    pool: OriginPool,
    method: str,
    url: str,
    target: str,
    headers: dict[str, str],
    body: bytes | None,
    timeout: tuple[float, float],
    retries: Retry,
    run_blocking: Callable[[Callable[[], Any]], Awaitable[Any]] | None = None,
) -> WireResponse:
    """:meth:`OriginPool.urlopen` awaited on the running loop (same arguments and errors).

    ``run_blocking`` runs a callable in a thread, to open a connection; the loop's default
    executor when None.
    """
    request = pool.encode(method, target, headers, body)
    while True:
        try:
            response = await _exchange(pool, method, url, request, timeout, run_blocking)
        except (ConnectTimeoutError, ReadTimeoutError, ProtocolError) as exc:
            retries = retries.increment(method, url, error=exc)
            await asyncio.sleep(retries.get_backoff_time())
            continue
        following = retry_for_status(retries, method, url, response)
        if following is None:
            return response
        retries = following
        await asyncio.sleep(retries.get_backoff_time())


async def _exchange(
    pool: OriginPool,
    method: str,
    url: str,
    request: bytes,
    timeout: tuple[float, float],
    run_blocking: Callable[[Callable[[], Any]], Awaitable[Any]] | None,
) -> WireResponse:
    loop = asyncio.get_running_loop()
    sock = pool.take_idle() or await _connect(loop, pool, timeout[0], run_blocking)
    parser = Parser(method)
    reusable = False
    try:
        try:
            response = await _Exchange(loop, sock, parser).run(request, timeout[1])
        except asyncio.TimeoutError as exc:
            message = f"Read timed out. (read timeout={timeout[1]})"
            raise ReadTimeoutError(None, url, message) from exc  # type: ignore[arg-type]
        except OSError as exc:
            raise ProtocolError("Connection aborted.", exc) from exc
        reusable = parser.reusable
        return response
    finally:
        pool.release(sock, reusable=reusable)


async def _connect(
    loop: asyncio.AbstractEventLoop,
    pool: OriginPool,
    timeout_s: float,
    run_blocking: Callable[[Callable[[], Any]], Awaitable[Any]] | None,
) -> socket.socket:
    """A new connection, opened in a thread; closed if the caller is cancelled meanwhile."""
    connect = functools.partial(pool.connect, timeout_s)
    opening = asyncio.ensure_future(
        run_blocking(connect) if run_blocking else loop.run_in_executor(None, connect)
    )
    try:
        sock: socket.socket = await asyncio.shield(opening)
    except asyncio.CancelledError:
        opening.add_done_callback(_close_opened)
        raise
    return sock


def _close_opened(opening: asyncio.Future[socket.socket]) -> None:
    if not opening.cancelled() and opening.exception() is None:
        opening.result().close()


class _Exchange:
    """One request and its response on a non-blocking socket, read by a loop reader callback."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, sock: socket.socket, parser: Parser
    ) -> None:
        self._loop = loop
        self._sock = sock
        self._parser = parser
        self._waiter: asyncio.Future[WireResponse] = loop.create_future()

    async def run(self, request: bytes, timeout_s: float) -> WireResponse:
        """Send ``request``; wait up to ``timeout_s`` for the whole response."""
        loop, sock = self._loop, self._sock
        sock.setblocking(False)
        await loop.sock_sendall(sock, request)  # at once when the request fits the buffer
        fd = sock.fileno()
        loop.add_reader(fd, self._readable)
        timer = loop.call_later(timeout_s, self._timed_out)
        try:
            return await self._waiter
        finally:
            timer.cancel()
            loop.remove_reader(fd)

    def _readable(self) -> None:
        waiter = self._waiter
        if waiter.done():
            return
        try:
            chunk = self._sock.recv(RECV_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as exc:
            waiter.set_exception(ProtocolError("Connection aborted.", exc))
            return
        self._parser.feed(chunk)
        try:
            response = self._parser.parse()
        except ProtocolError as exc:
            waiter.set_exception(exc)
            return
        if response is not None:
            waiter.set_result(response)

    def _timed_out(self) -> None:
        if not self._waiter.done():
            self._waiter.set_exception(asyncio.TimeoutError())

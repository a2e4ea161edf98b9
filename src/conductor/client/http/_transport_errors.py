"""Names a transport failure (refused, reset, timed out, TLS, proxy): what, where and why.

requests wraps urllib3, which wraps the socket error; the message says what the innermost
error was and which kind of failure it amounts to, with the timeout that expired.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import requests
import urllib3

if TYPE_CHECKING:
    from conductor.client.http.rest import Timeout

# urllib3 < 2 has no NameResolutionError (it reports a NewConnectionError instead).
_NAME_RESOLUTION: tuple[type[BaseException], ...] = (
    (urllib3.exceptions.NameResolutionError,)
    if hasattr(urllib3.exceptions, "NameResolutionError")
    else ()
)

# (kind, what failed) by the first matching error anywhere in the chain. Order matters:
# a proxy failure wraps a connection error, urllib3's NewConnectionError subclasses its
# ConnectTimeoutError, and requests reports a read timeout as ConnectionError after retries.
_FAILURES: tuple[tuple[tuple[type[BaseException], ...], str, str], ...] = (
    (
        (requests.exceptions.ProxyError, urllib3.exceptions.ProxyError),
        "ProxyError",
        "the proxy failed to reach {origin}",
    ),
    (_NAME_RESOLUTION, "ConnectionError", "could not resolve the host of {origin}"),
    (
        (urllib3.exceptions.NewConnectionError, ConnectionRefusedError),
        "ConnectionError",
        "could not connect to {origin}",
    ),
    (
        (requests.exceptions.ConnectTimeout, urllib3.exceptions.ConnectTimeoutError),
        "ConnectTimeout",
        "timed out after {connect:g} s connecting to {origin}",
    ),
    (
        (requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError, TimeoutError),
        "ReadTimeout",
        "no response from {origin} within {read:g} s",
    ),
    (
        (requests.exceptions.SSLError, urllib3.exceptions.SSLError),
        "SSLError",
        "TLS handshake with {origin} failed",
    ),
    (
        (requests.exceptions.ContentDecodingError, urllib3.exceptions.DecodeError),
        "ContentDecodingError",
        "the response from {origin} could not be decoded (its Content-Encoding is corrupt)",
    ),
    (
        (urllib3.exceptions.ProtocolError, ConnectionError),
        "ConnectionError",
        "the connection to {origin} broke before a complete response",
    ),
)


def describe_transport_failure(method: str, url: str, exc: BaseException, timeout: Timeout) -> str:
    """Return ``"<Kind>: <what failed> (<METHOD> <path>): <innermost cause>"``.

    Args:
        method: HTTP method of the request.
        url: Its URL, without credentials.
        exc: What requests or urllib3 raised.
        timeout: The timeout the request was sent with.
    """
    chain = _causes(exc)
    kind, what = type(exc).__name__, "request to {origin} failed"
    for types, label, template in _FAILURES:
        if any(isinstance(error, types) for error in chain):
            kind, what = label, template
            break
    connect, read = timeout if isinstance(timeout, tuple) else (timeout, timeout)
    parts = urlsplit(url)
    where = what.format(origin=f"{parts.scheme}://{parts.netloc}", connect=connect, read=read)
    cause = str(chain[-1]) or type(chain[-1]).__name__
    return f"{kind}: {where} ({method} {parts.path}): {cause}"


def _causes(exc: BaseException) -> list[BaseException]:
    """Return ``exc`` and the errors it wraps (requests -> urllib3 -> socket), outermost first."""
    chain = [exc]
    while len(chain) < 16:
        current = chain[-1]
        reason = getattr(current, "reason", None)
        first_arg = current.args[0] if current.args else None
        if isinstance(reason, BaseException):
            nxt: BaseException | None = reason
        elif isinstance(first_arg, BaseException):
            nxt = first_arg
        else:
            context = None if current.__suppress_context__ else current.__context__
            nxt = current.__cause__ or context
        if nxt is None or any(nxt is seen for seen in chain):
            break
        chain.append(nxt)
    return chain

"""``python -m conductor.client.testing``: run the in-memory server until Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any

from conductor.client.testing.server import InMemoryConductorServer


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m conductor.client.testing",
        description="Run a local in-memory Conductor server (for development and tests).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8080, help="TCP port, 0 for any (default 8080)")
    parser.add_argument("--auth-key", help="require token auth with this key id")
    parser.add_argument("--auth-secret", help="the key secret that goes with --auth-key")
    parser.add_argument(
        "--token-ttl", type=float, default=3600, help="token lifetime in seconds (default 3600)"
    )
    parser.add_argument("--log-level", default="WARNING", help="logging level (default WARNING)")
    args = parser.parse_args(argv)
    if (args.auth_key is None) != (args.auth_secret is None):
        parser.error("--auth-key and --auth-secret must be given together")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Start the server, print its URL, and serve until interrupted."""
    args = _parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(message)s"
    )
    server = InMemoryConductorServer(
        args.port,
        args.host,
        auth_key_id=args.auth_key,
        auth_key_secret=args.auth_secret,
        token_ttl_seconds=args.token_ttl,
    )
    stop = threading.Event()

    def request_stop(*_: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)  # Ctrl-C: stop cleanly, no traceback
    try:
        server.start()
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    auth = " (token auth on)" if args.auth_key else ""
    print(f"Conductor in-memory server listening on {server.url}{auth}", flush=True)
    print("Press Ctrl-C to stop.", flush=True)
    try:
        while not stop.wait(0.5):
            continue
    finally:
        server.stop()
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

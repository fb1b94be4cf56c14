"""A real HTTP server on 127.0.0.1 that answers with real payloads or injected faults.

Each request takes the next behaviour of the plan (the last one repeats). Behaviours write
straight to the socket, so the client sees exactly what a misbehaving server would send:
a reset connection, a body cut short, a stall, a trickle, bad gzip, a redirect loop.
"""

from __future__ import annotations

import hashlib
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import duckdb
import pandas as pd

Behaviour = Callable[[BaseHTTPRequestHandler], None]

CHALLENGE = (
    b"<!DOCTYPE html><html lang='en-US'><head><title>Just a moment...</title></head>"
    b"<body><div id='challenge-running'>Checking if the site connection is secure</div>"
    b"<noscript>Enable JavaScript and cookies to continue</noscript></body></html>"
)


def send(
    h: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    *,
    ctype: str = "text/csv",
    headers: dict[str, str] | None = None,
    length: int | None = None,
) -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body) if length is None else length))
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.end_headers()
    h.wfile.write(body)
    h.wfile.flush()


def query(h: BaseHTTPRequestHandler) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(h.path).query).items()}


def status(code: int, headers: dict[str, str] | None = None) -> Behaviour:
    return lambda h: send(h, code, f"error {code}".encode(), ctype="text/plain", headers=headers)


def reset(h: BaseHTTPRequestHandler) -> None:
    """Abort the connection (TCP RST) before answering."""
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()
    h.close_connection = True


def stall(seconds: float) -> Behaviour:
    def run(h: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        h.close_connection = True

    return run


def trickle(h: BaseHTTPRequestHandler) -> None:
    """Headers, then one byte every 20 ms, never finishing (stops when the client leaves)."""
    h.send_response(200)
    h.send_header("Content-Type", "text/csv")
    h.send_header("Content-Length", "100000000")
    h.end_headers()
    end = time.monotonic() + 10
    try:
        while time.monotonic() < end:
            h.wfile.write(b"1")
            h.wfile.flush()
            time.sleep(0.02)
    except OSError:
        pass
    h.close_connection = True


def truncated(body: bytes) -> Behaviour:
    def run(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, body[: len(body) // 3], length=len(body))
        h.close_connection = True

    return run


def bad_gzip(h: BaseHTTPRequestHandler) -> None:
    send(h, 200, b"\x1f\x8b\x08\x00not really gzip at all", headers={"Content-Encoding": "gzip"})


def redirect_loop(h: BaseHTTPRequestHandler) -> None:
    send(h, 302, b"", ctype="text/plain", headers={"Location": h.path})


def challenge(code: int) -> Behaviour:
    return lambda h: send(h, code, CHALLENGE, ctype="text/html; charset=UTF-8")


class FaultServer:
    """The server; ``plan`` is replaced per test, ``requests`` counts what it answered."""

    def __init__(self) -> None:
        self.plan: list[Behaviour] = []
        self.requests = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                i = outer.requests
                outer.requests += 1
                outer.plan[min(i, len(outer.plan) - 1)](self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @contextmanager
    def running(self) -> Iterator[FaultServer]:
        t = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        t.start()
        try:
            yield self
        finally:
            self.httpd.shutdown()
            self.httpd.server_close()


def fredgraph(long_csv: Path) -> Callable[[dict[str, str]], bytes]:
    """A fredgraph.csv answer (``observation_date`` + one column per id, the shape of the
    recorded WALCL payload) built from FRED's real policy-rate observations."""
    long = pd.read_csv(long_csv, dtype={"value": str})

    def answer(q: dict[str, str]) -> bytes:
        ids = q["id"].split(",")
        rows = long[long["series_id"].isin(ids)]
        if "cosd" in q:
            rows = rows[rows["date"] >= q["cosd"]]
        if "coed" in q:
            rows = rows[rows["date"] <= q["coed"]]
        wide = rows.pivot(index="date", columns="series_id", values="value")
        wide = wide.reindex(columns=ids).fillna("")
        wide.index.name = "observation_date"
        return wide.reset_index().to_csv(index=False).encode()

    return answer


def checksums(db: Path) -> dict[str, tuple[int, str]]:
    """Rows and a SHA-256 of the sorted contents of every table of the store."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        ]
        out = {}
        for t in sorted(tables):
            rows = con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            out[t] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        return out
    finally:
        con.close()

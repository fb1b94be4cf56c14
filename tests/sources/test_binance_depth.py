"""Binance REST depth collector: a local HTTP server serves the recorded ``/api/v3/depth`` body."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from flowscope.config import Settings
from flowscope.errors import SchemaDriftError
from flowscope.sources.binance_depth import (
    BinanceDepthSource,
    SnapshotDataset,
    binance_symbol,
    collect,
)

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
PAYLOAD = SHARED / "http_payloads" / "binance_depth_btcusdt_limit2__ccxt.json"


class DepthServer:
    """Serves the recorded depth body; ``lastUpdateId`` advances per request (``ids`` given)."""

    def __init__(self, ids: list[int] | None = None) -> None:
        self.base = json.loads(PAYLOAD.read_text())
        self.ids = ids
        self.served: list[int] = []
        self.queries: list[str] = []
        lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with lock:
                    n = len(outer.served)
                    lid = (
                        outer.ids[min(n, len(outer.ids) - 1)]
                        if outer.ids
                        else int(outer.base["lastUpdateId"]) + n
                    )
                    outer.served.append(lid)
                    outer.queries.append(self.path)
                body = json.dumps({**outer.base, "lastUpdateId": lid}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> DepthServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[DepthServer]:
    with DepthServer() as s:
        yield s


def test_parse_real_payload() -> None:
    snap = BinanceDepthSource.parse(
        PAYLOAD.read_bytes(), "BTCUSDT", pd.Timestamp("2024-12-24", tz="UTC")
    )
    assert snap.last_update_id == 25445101  # ccxt stored it as a string
    np.testing.assert_array_equal(snap.bids, [[42574.3, 0.0107], [42574.2, 0.00646]])
    np.testing.assert_array_equal(snap.asks, [[42574.31, 0.0087], [42574.8, 0.00893]])
    assert snap.n_rejected == 0


def test_parse_sets_impossible_levels_aside() -> None:
    doc = json.loads(PAYLOAD.read_text())
    doc["bids"][1][1] = "-1"
    doc["asks"][0][0] = "inf"
    snap = BinanceDepthSource.parse(json.dumps(doc).encode(), "BTCUSDT", pd.Timestamp.now(tz="UTC"))
    assert snap.n_rejected == 2
    assert snap.bids.shape == (1, 2) and snap.asks[0, 0] == 42574.8


def test_parse_rejects_other_bodies() -> None:
    with pytest.raises(SchemaDriftError, match="lastUpdateId"):
        BinanceDepthSource.parse(
            b'{"code":-1121,"msg":"Invalid symbol."}', "X", pd.Timestamp.now(tz="UTC")
        )


def test_symbol_spelling() -> None:
    assert binance_symbol("btc/usdt") == "BTCUSDT"


def test_collect_writes_n_snapshots_and_a_duckdb_view(server: DepthServer, tmp_path: Path) -> None:
    src = BinanceDepthSource(Settings(binance_base_url=server.url, http_retries=0))
    ds = SnapshotDataset(tmp_path / "books")
    summary = collect(src, ds, "BTCUSDT", every_s=0.01, limit=5, max_snapshots=4)
    src.close()
    assert summary.n_written == 4
    assert "symbol=BTCUSDT" in server.queries[0] and "limit=5" in server.queries[0]
    files = sorted((tmp_path / "books").glob("date=*/venue=binance/*.parquet"))
    assert [f.stem for f in files] == [f"BTCUSDT-{25445101 + i}" for i in range(4)]

    from flowscope.queries.books import create_snapshot_view, read_snapshot_levels

    levels = read_snapshot_levels(tmp_path / "books")
    assert len(levels) == 4 * 4
    assert set(levels["venue"]) == {"binance"}
    first = levels[levels["last_update_id"] == 25445101].sort_values(["side", "level"])
    assert first["price"].tolist() == [42574.31, 42574.8, 42574.3, 42574.2]
    con = duckdb.connect(str(tmp_path / "s.duckdb"))
    create_snapshot_view(con, tmp_path / "books")
    n = con.execute("select count(distinct last_update_id) from book_snapshots_parquet").fetchone()
    assert n == (4,)


def test_unchanged_book_is_not_written_twice(tmp_path: Path) -> None:
    with DepthServer(ids=[7, 7, 8, 8, 9]) as srv:
        src = BinanceDepthSource(Settings(binance_base_url=srv.url, http_retries=0))
        ds = SnapshotDataset(tmp_path)
        summary = collect(src, ds, "BTCUSDT", every_s=0.01, limit=5, max_snapshots=3)
        # a restart reads what is held: the same ids are not written again
        again = collect(
            src,
            SnapshotDataset(tmp_path),
            "BTCUSDT",
            every_s=0.01,
            max_snapshots=1,
            duration_s=0.05,
        )
        src.close()
    assert (summary.n_written, summary.n_unchanged) == (3, 2)
    assert again.n_written == 0 and again.n_held_at_start == 3
    assert len(list(tmp_path.rglob("*.parquet"))) == 3


def test_leftover_temp_file_is_removed(tmp_path: Path) -> None:
    part = tmp_path / "date=2024-12-24" / "venue=binance"
    part.mkdir(parents=True)
    (part / ".tmp-BTCUSDT-1.123.parquet").write_bytes(b"PAR1 cut")
    ds = SnapshotDataset(tmp_path)
    assert ds.n_tmp_removed == 1 and len(ds) == 0
    assert not list(part.iterdir())

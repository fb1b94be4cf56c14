"""Binance spot REST depth snapshots, collected into a resumable partitioned Parquet dataset.

``GET {binance_base_url}/api/v3/depth?symbol=BTCUSDT&limit=1000`` answers
``{"lastUpdateId": 123, "bids": [["price", "qty"], ...], "asks": [...]}`` (prices in USDT,
treated as USD; sizes in BTC). Spot answers carry no exchange time: each snapshot is stamped
with its UTC receive time.

Layout of the dataset (``DIR``)::

    DIR/date=YYYY-MM-DD/venue=binance/BTCUSDT-<lastUpdateId>.parquet

one file per snapshot, long format: ``ts`` (UTC receive time), ``symbol``,
``last_update_id``, ``side`` (``bid``/``ask``), ``level`` (0 = best), ``price`` (USD),
``size`` (base units). ``date`` (UTC day of ``ts``) and ``venue`` come from the path (hive
partitioning). A file is written to a hidden temporary name, flushed to disk and renamed:
a snapshot is either whole or absent. The file name is the snapshot's key (venue, symbol,
``lastUpdateId``), so a restarted collector never writes a snapshot twice; leftover
temporary files of a killed run are removed when the dataset is opened.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd

from flowscope.config import Settings
from flowscope.errors import OfflineError, SchemaDriftError, SourceError, UsageError
from flowscope.sources._http import FlowscopeClient, get_bytes, make_client

__all__ = [
    "BINANCE_DEPTH_LIMITS",
    "BinanceDepthSource",
    "CollectSummary",
    "DepthSnapshot",
    "SnapshotDataset",
    "binance_symbol",
    "collect",
]

#: ``limit`` values Binance accepts on ``/api/v3/depth``.
BINANCE_DEPTH_LIMITS = (5, 10, 20, 50, 100, 500, 1000, 5000)
_TMP_PREFIX = ".tmp-"


def binance_symbol(symbol: str) -> str:
    """``"BTC/USDT"`` → ``"BTCUSDT"`` (Binance's spelling); bad input is a usage error."""
    s = symbol.replace("/", "").replace("-", "").strip().upper()
    if not s.isalnum() or len(s) < 5:
        msg = f"--symbol: not a Binance pair: {symbol!r} (e.g. BTC/USDT)"
        raise UsageError(msg, param_name="symbol", received=symbol)
    return s


@dataclass(frozen=True)
class DepthSnapshot:
    """One REST depth snapshot: levels best first; prices USD, sizes base units; ``ts`` UTC."""

    venue: str
    symbol: str
    last_update_id: int
    ts: pd.Timestamp
    bids: np.ndarray  # (L, 2): price, size
    asks: np.ndarray
    n_rejected: int = 0

    @property
    def key(self) -> str:
        """File stem naming the snapshot uniquely within a venue: ``SYMBOL-lastUpdateId``."""
        return f"{self.symbol}-{self.last_update_id}"

    def frame(self) -> pd.DataFrame:
        """Long-format rows (``ts``, ``symbol``, ``last_update_id``, ``side``, ``level``, …)."""
        parts = []
        for side, lv in (("bid", self.bids), ("ask", self.asks)):
            parts.append(
                pd.DataFrame(
                    {
                        "side": side,
                        "level": np.arange(len(lv), dtype=np.int32),
                        "price": lv[:, 0],
                        "size": lv[:, 1],
                    }
                )
            )
        out = pd.concat(parts, ignore_index=True)
        out.insert(0, "last_update_id", np.int64(self.last_update_id))
        out.insert(0, "symbol", self.symbol)
        out.insert(0, "ts", pd.Series(self.ts, index=out.index, dtype="datetime64[ns, UTC]"))
        return out


def _levels(raw: object, what: str) -> tuple[np.ndarray, int]:
    if not isinstance(raw, list):
        msg = f"binance-depth: `{what}` is not a list of [price, qty] pairs"
        raise SchemaDriftError(msg, source="binance-depth")
    try:
        arr = np.array([[float(p), float(q)] for p, q, *_ in raw], dtype=np.float64)
    except (TypeError, ValueError):
        msg = f"binance-depth: `{what}` holds a level that is not [price, qty] numbers"
        raise SchemaDriftError(msg, source="binance-depth") from None
    arr = arr.reshape(-1, 2)
    ok = np.isfinite(arr).all(axis=1) & (arr[:, 0] > 0) & (arr[:, 1] > 0)
    return arr[ok], int((~ok).sum())


class BinanceDepthSource:
    """Binance spot ``/api/v3/depth`` snapshots through the shared HTTP layer.

    Parameters
    ----------
    settings
        ``binance_base_url`` (default ``https://api.binance.com``), timeouts and retries.
    client
        An HTTP client to use instead of one made from ``settings`` (tests).
    """

    name: ClassVar[str] = "binance-depth"
    venue: ClassVar[str] = "binance"
    #: The host the connector talks to (overridden by ``binance_base_url``).
    host: ClassVar[str] = "api.binance.com"
    path: ClassVar[str] = "/api/v3/depth"
    #: Requests per second; ``limit=1000`` weighs 10 of Binance's 6,000 per minute.
    rate_limit: ClassVar[float] = 5.0

    def __init__(
        self, settings: Settings | None = None, client: FlowscopeClient | None = None
    ) -> None:
        self.settings = settings or Settings()
        self.client = client or make_client(self.settings)
        self.url = self.settings.binance_base_url.rstrip("/") + self.path

    def close(self) -> None:
        """Close the HTTP client."""
        self.client.close()

    def fetch(self, symbol: str, limit: int = 1000) -> DepthSnapshot:
        """GET one snapshot of ``symbol`` (Binance spelling) with ``limit`` levels a side."""
        body = get_bytes(
            self.client,
            self.url,
            source=self.name,
            params={"symbol": symbol, "limit": str(limit)},
            rate_limit=self.rate_limit,
        )
        return self.parse(body, symbol, pd.Timestamp.now(tz="UTC"))

    @classmethod
    def parse(cls, body: bytes, symbol: str, ts: pd.Timestamp) -> DepthSnapshot:
        """A :class:`DepthSnapshot` from an answer body; impossible levels are counted, not kept.

        Raises
        ------
        SchemaDriftError
            The body is not a depth snapshot (``lastUpdateId``, ``bids``, ``asks``).
        """
        try:
            doc = json.loads(body)
            lid = int(doc["lastUpdateId"])
            raw_b, raw_a = doc["bids"], doc["asks"]
        except (ValueError, KeyError, TypeError):
            msg = (
                "binance-depth: the /api/v3/depth answer is not a snapshot with "
                f"lastUpdateId, bids and asks: {body[:120]!r}"
            )
            raise SchemaDriftError(msg, source=cls.name) from None
        bids, nb = _levels(raw_b, "bids")
        asks, na = _levels(raw_a, "asks")
        bids = bids[np.argsort(-bids[:, 0], kind="stable")]
        asks = asks[np.argsort(asks[:, 0], kind="stable")]
        return DepthSnapshot(cls.venue, symbol, lid, ts, bids, asks, nb + na)


class SnapshotDataset:
    """The partitioned Parquet dataset of snapshots under ``root`` (see the module docstring).

    Opening it removes temporary files left by a killed writer and reads the keys held.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser()
        self.n_tmp_removed = 0
        self.keys: set[tuple[str, str]] = set()
        if self.root.exists() and not self.root.is_dir():
            msg = f"--out: {self.root} is a file, not a directory"
            raise UsageError(msg, param_name="out", received=str(self.root))
        for tmp in self.root.glob(f"date=*/venue=*/{_TMP_PREFIX}*"):
            tmp.unlink(missing_ok=True)
            self.n_tmp_removed += 1
        for f in self.root.glob("date=*/venue=*/*.parquet"):
            self.keys.add((f.parent.name.removeprefix("venue="), f.stem))

    def __len__(self) -> int:
        return len(self.keys)

    def has(self, snap: DepthSnapshot) -> bool:
        """Whether a snapshot with the same venue, symbol and ``lastUpdateId`` is held."""
        return (snap.venue, snap.key) in self.keys

    def write(self, snap: DepthSnapshot) -> Path:
        """Write ``snap`` atomically (temporary file, fsync, rename, fsync of the directory)."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        part = self.root / f"date={snap.ts:%Y-%m-%d}" / f"venue={snap.venue}"
        part.mkdir(parents=True, exist_ok=True)
        final = part / f"{snap.key}.parquet"
        tmp = part / f"{_TMP_PREFIX}{snap.key}.{os.getpid()}.parquet"
        table = pa.Table.from_pandas(snap.frame(), preserve_index=False)
        with tmp.open("wb") as fh:
            pq.write_table(table, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, final)
        dir_fd = os.open(part, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self.keys.add((snap.venue, snap.key))
        return final


@dataclass
class CollectSummary:
    """What a collection run did (counts of snapshots; times UTC)."""

    out: str
    venue: str
    symbol: str
    n_held_at_start: int = 0
    n_tmp_removed: int = 0
    n_written: int = 0
    n_unchanged: int = 0
    n_failed: int = 0
    n_levels_rejected: int = 0
    stopped_by: str = "max-snapshots"
    first_written_utc: str | None = None
    last_written_utc: str | None = None
    errors: list[str] = field(default_factory=list)


#: Failed polls in a row after which collection stops with the last error.
MAX_CONSECUTIVE_FAILURES = 5


def collect(
    source: BinanceDepthSource,
    dataset: SnapshotDataset,
    symbol: str,
    *,
    every_s: float,
    limit: int = 1000,
    max_snapshots: int | None = None,
    duration_s: float | None = None,
    stop: threading.Event | None = None,
    on_event: Callable[[str, DepthSnapshot | None], None] | None = None,
) -> CollectSummary:
    """Poll ``symbol`` every ``every_s`` seconds and write each new snapshot to ``dataset``.

    A snapshot whose key is already held (``lastUpdateId`` unchanged, or written by an
    earlier run) is not written again. Stops after ``max_snapshots`` new snapshots, after
    ``duration_s`` seconds, when ``stop`` is set (the current write is finished first), or
    after :data:`MAX_CONSECUTIVE_FAILURES` failed polls in a row (the error is raised). An
    :class:`~flowscope.errors.OfflineError` before anything was written is raised at once.
    ``on_event(kind, snapshot)`` is called with ``"written"``, ``"unchanged"`` or ``"failed"``.
    """
    stop = stop or threading.Event()
    summary = CollectSummary(
        out=str(dataset.root),
        venue=source.venue,
        symbol=symbol,
        n_held_at_start=len(dataset),
        n_tmp_removed=dataset.n_tmp_removed,
    )
    t0 = time.monotonic()
    next_t = t0
    failures = 0
    while not stop.is_set():
        try:
            snap = source.fetch(symbol, limit)
        except SourceError as exc:
            if isinstance(exc, OfflineError) and summary.n_written == 0:
                raise
            failures += 1
            summary.n_failed += 1
            summary.errors.append(str(exc))
            if on_event is not None:
                on_event("failed", None)
            if failures >= MAX_CONSECUTIVE_FAILURES:
                raise
        else:
            failures = 0
            summary.n_levels_rejected += snap.n_rejected
            if dataset.has(snap):
                summary.n_unchanged += 1
                kind = "unchanged"
            else:
                dataset.write(snap)
                summary.n_written += 1
                stamp = f"{snap.ts:%Y-%m-%dT%H:%M:%S.%f}Z"
                summary.first_written_utc = summary.first_written_utc or stamp
                summary.last_written_utc = stamp
                kind = "written"
            if on_event is not None:
                on_event(kind, snap)
            if max_snapshots is not None and summary.n_written >= max_snapshots:
                summary.stopped_by = "max-snapshots"
                return summary
        next_t += every_s
        now = time.monotonic()
        if duration_s is not None and next_t - t0 > duration_s:
            summary.stopped_by = "duration"
            return summary
        next_t = max(next_t, now)
        if stop.wait(next_t - now):
            break
    summary.stopped_by = "interrupt"
    return summary

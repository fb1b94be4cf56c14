"""Snapshot datasets built from the real Hyperliquid l2Book sample, written by the collector's writer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from flowscope.sources.binance_depth import DepthSnapshot, SnapshotDataset
from flowscope.sources.formats.orderbook import BID, read_book

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data"
HYPERLIQUID = SHARED / "orderbook" / "hftbacktest_hyperliquid_btc_l2book_raw_feed_20250126.gz"


def hyperliquid_levels() -> pd.DataFrame:
    """Long levels of the 46 real 20-level books: ts (exchange time, UTC), side, level, …"""
    feed = read_book(HYPERLIQUID)
    counts = np.diff(feed.msg_offsets)
    msg = np.repeat(np.arange(len(counts)), counts)
    df = pd.DataFrame(
        {
            "msg": msg,
            "ts": pd.to_datetime(feed.msg_ts_exchange_ns[msg], utc=True),
            "side": np.where(feed.lvl_side == BID, "bid", "ask"),
            "price": feed.lvl_price,
            "size": feed.lvl_size,
        }
    )
    return df


def write_dataset(
    root: Path,
    shifts: list[pd.Timedelta],
    venue: str = "hyperliquid",
    size_factors: list[float] | None = None,
) -> int:
    """Write every sample book once per shift (times moved by it, sizes times the factor)."""
    lv = hyperliquid_levels()
    ds = SnapshotDataset(root)
    n = 0
    factors = size_factors or [1.0] * len(shifts)
    for k, (shift, f) in enumerate(zip(shifts, factors, strict=True)):
        for m, g in lv.groupby("msg"):
            bids = g[g["side"] == "bid"].sort_values("price", ascending=False)
            asks = g[g["side"] == "ask"].sort_values("price")
            snap = DepthSnapshot(
                venue=venue,
                symbol="BTC",
                last_update_id=int(m) + 1000 * k,
                ts=g["ts"].iloc[0] + shift,
                bids=bids[["price", "size"]].to_numpy() * [1.0, f],
                asks=asks[["price", "size"]].to_numpy() * [1.0, f],
            )
            ds.write(snap)
            n += 1
    return n

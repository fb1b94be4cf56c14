"""Benchmark: order-book replay and liquidity metrics on one core.

(a) Metrics over N sampled books x L levels a side, against the memory-bandwidth floor: one
    ``np.sum`` over each of the four (N, L) arrays (bid/ask price/size), i.e. reading the same
    bytes once. Target: metrics throughput >= 0.5 of that floor. A plain-numpy version of the
    depth bands (one masked sum per band) is timed too, for comparison.
(b) Incremental replay of diffs (Binance spot rules), in level updates per second. Target:
    >= 7 M updates/s.

Streams come from ``flowscope.analytics.liquidity.synthetic`` (seeded block bootstrap of the
real Binance spot capture in shared/data/orderbook); the kernels' correctness is tested on
the real captures (tests/analytics/liquidity). Run:

    PYTHONPATH=src .venv/bin/python benchmarks/bench_book.py [--updates 3000000] [--n 4000] [--levels 1000]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from flowscope.analytics.liquidity import metrics_from_arrays, replay_book
from flowscope.analytics.liquidity.synthetic import synthetic_feed
from flowscope.sources.formats.orderbook import read_book

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FLOWSCOPE_SHARED_DATA", ROOT.parent / "shared" / "data"))
CAPTURE = SHARED / "orderbook" / "hftbacktest_binance_spot_btcusdt_raw_feed_20240808.gz"
PCTS = (0.1, 0.5, 1.0, 2.0, 5.0, 10.0)
SIZES = (1e5, 1e6)


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def numpy_depth(bp, bs, ap, as_):
    """Depth bands with numpy only: one masked pass per band and side (mid reference)."""
    mid = 0.5 * (bp[:, 0] + ap[:, 0])
    out = []
    for x in PCTS:
        lo = (mid * (1 - x / 100))[:, None]
        hi = (mid * (1 + x / 100))[:, None]
        out.append(np.where(bp >= lo, bs, 0.0).sum(axis=1))
        out.append(np.where(ap <= hi, as_, 0.0).sum(axis=1))
    return out


def main() -> None:
    ap_ = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap_.add_argument("--updates", type=int, default=3_000_000, help="level updates to replay")
    ap_.add_argument("--n", type=int, default=4000, help="sampled books for the metrics")
    ap_.add_argument("--levels", type=int, default=1000, help="levels per side (L)")
    ap_.add_argument("--seed", type=int, default=0)
    args = ap_.parse_args()

    real = read_book(CAPTURE)
    per_msg = np.diff(real.msg_offsets)[real.msg_kind == 0].mean()
    feed = synthetic_feed(real, int(args.updates / per_msg), seed=args.seed)
    print(f"synthetic stream: {feed.msg_kind.size:,} messages, {feed.n_updates:,} level updates")

    # warm-up (numba compiles or loads its cache)
    replay_book(real, every="10s", n_levels=10)
    none = np.empty(0, np.int64)
    t_replay = best_of(lambda: replay_book(feed, times_ns=none, n_levels=1), 3)
    rate = feed.n_updates / t_replay
    print(
        f"(b) replay: {t_replay:.3f} s for {feed.n_updates:,} updates = {rate / 1e6:.2f} M updates/s "
        f"(target >= 7; ratio {rate / 7e6:.2f})"
    )

    ts = feed.msg_ts_local_ns
    times = np.linspace(ts[1], ts[-1], args.n).astype(np.int64)
    s = replay_book(feed, times_ns=times, n_levels=args.levels)
    arrays = (s.bid_px, s.bid_sz, s.ask_px, s.ask_sz)
    filled = float(np.mean(~np.isnan(s.bid_px)))
    mb = sum(a.nbytes for a in arrays) / 1e6
    print(
        f"books: N={args.n:,} x L={args.levels:,} a side, {mb:,.0f} MB, {filled:.0%} of cells held"
    )
    metrics_from_arrays(*(a[:10] for a in arrays), ref="mid", pcts=PCTS, sizes_usd=SIZES)
    t_floor = best_of(lambda: [float(np.sum(a)) for a in arrays], 5)
    t_metrics = best_of(
        lambda: metrics_from_arrays(*arrays, ref="mid", pcts=PCTS, sizes_usd=SIZES), 5
    )
    t_numpy = best_of(lambda: numpy_depth(*arrays), 3)
    ratio = t_floor / t_metrics
    print(
        f"(a) metrics: {t_metrics * 1e3:.1f} ms; np.sum floor {t_floor * 1e3:.1f} ms "
        f"({mb / t_floor / 1e3:.1f} GB/s); throughput ratio {ratio:.2f} (target >= 0.5); "
        f"numpy depth bands alone {t_numpy * 1e3:.1f} ms"
    )
    print(f"RESULT metrics_vs_floor={ratio:.2f} replay_mups={rate / 1e6:.2f}")


if __name__ == "__main__":
    main()

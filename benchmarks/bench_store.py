"""Store write throughput: idempotent upsert vs a plain INSERT baseline, in the same run.

Run with ``make bench`` (or ``python benchmarks/bench_store.py`` for a plain printout).
The batch is the real CryptoQuant BTC daily file (6,033 bars) repeated under 100 instrument names
(~600k rows), so the figures reflect real value distributions.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from flowscope.sources import read_file
from flowscope.storage import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def _batch(copies: int = 100) -> pd.DataFrame:
    bars = read_file(
        SHARED / "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv", "prices"
    ).frame
    return pd.concat([bars.assign(symbol=f"BTC-{i:03d}") for i in range(copies)], ignore_index=True)


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def measure(copies: int = 100) -> dict[str, float]:
    """Seconds for: baseline INSERT, first upsert, re-upsert (no change), upsert with 1 % changed."""
    frame = _batch(copies)
    with tempfile.TemporaryDirectory() as tmp:
        base = Store(Path(tmp) / "base.duckdb")
        staged = frame.assign(source="cryptoquant", ts_ingested=pd.Timestamp.now(tz="UTC"))
        cols = ", ".join(staged.columns)

        def baseline() -> None:
            base.connection.register("f", staged)
            base.connection.execute(f"INSERT INTO prices ({cols}) SELECT {cols} FROM f")

        out = {"rows": float(len(frame)), "baseline_insert_s": _timed(baseline)}
        store = Store(Path(tmp) / "s.duckdb")
        out["upsert_new_s"] = _timed(lambda: store.upsert("prices", frame, source="cryptoquant"))
        out["upsert_same_s"] = _timed(lambda: store.upsert("prices", frame, source="cryptoquant"))
        changed = frame.copy()
        changed.loc[changed.index[::100], "close"] *= 1.01
        out["upsert_1pct_changed_s"] = _timed(
            lambda: store.upsert("prices", changed, source="cryptoquant")
        )
        base.close()
        store.close()
    return out


def test_bench_upsert_vs_insert(benchmark):
    res = benchmark.pedantic(measure, rounds=1, iterations=1)
    for k in ("upsert_new_s", "upsert_same_s", "upsert_1pct_changed_s"):
        benchmark.extra_info[f"{k}_over_baseline"] = res[k] / res["baseline_insert_s"]
    benchmark.extra_info.update(res)


if __name__ == "__main__":
    r = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
    b = r["baseline_insert_s"]
    print(f"rows: {r['rows']:,.0f}")
    print(f"baseline INSERT         {b:7.3f} s   1.00x")
    for k in ("upsert_new_s", "upsert_same_s", "upsert_1pct_changed_s"):
        print(f"{k:<23} {r[k]:7.3f} s  {r[k] / b:5.2f}x baseline  ({r['rows'] / r[k]:,.0f} rows/s)")

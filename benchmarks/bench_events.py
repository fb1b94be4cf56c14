"""Benchmark: event study of BTC around FOMC decision days on the bundled data.

Target: well under a second for the whole study (all FOMC decisions since BTC prices begin,
window [-5, +10], constant-mean model with a [-120, -11] estimation window, 2,000 bootstrap
draws). The baseline, measured in the same run, is a straightforward per-event pandas loop
computing the same CARs (and the same bootstrap), so the printed ratio is machine-independent.

Run: ``.venv/bin/python benchmarks/bench_events.py``
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from flowscope._bundle import load_bundle
from flowscope.analytics.align import close_series
from flowscope.analytics.events import event_study, fomc_events
from flowscope.storage import Store

WINDOW = (-5, 10)
ESTIMATION = (-120, -11)
N_BOOT = 2000


def naive_event_study(r: pd.Series, dates: pd.Series) -> pd.DataFrame:
    """Per-event loop: the reference the engine must match."""
    k, m = WINDOW
    e0, e1 = ESTIMATION
    cars = []
    for d in dates:
        p = r.index.searchsorted(d)
        if p + e0 < 0 or p + m >= len(r):
            continue
        mu = r.iloc[p + e0 : p + e1 + 1].mean()
        ar = r.iloc[p + k : p + m + 1] - mu
        cars.append(ar.cumsum().to_numpy())
    car = np.array(cars)
    rng = np.random.default_rng(0)
    boot = np.array([car[rng.integers(0, len(car), len(car))].mean(axis=0) for _ in range(N_BOOT)])
    lo, hi = np.quantile(boot, [0.025, 0.975], axis=0)
    return pd.DataFrame({"caar": car.mean(axis=0), "ci_low": lo, "ci_high": hi})


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.duckdb")
        load_bundle(store)
        t_load, (r, events) = timed(
            lambda: (
                np.log(close_series(store.prices("BTC-USD", source="cryptoquant"))).diff().iloc[1:],
                fomc_events(store.fomc_meetings()),
            ),
            3,
        )
        store.close()
    frame = r.to_frame("BTC-USD")
    event_study(frame, events, window=WINDOW, estimation=ESTIMATION, n_boot=N_BOOT)  # warm-up
    t_engine, res = timed(
        lambda: event_study(frame, events, window=WINDOW, estimation=ESTIMATION, n_boot=N_BOOT), 20
    )
    t_naive, ref = timed(lambda: naive_event_study(r, events["date"]), 3)
    np.testing.assert_allclose(res.caar["caar"].to_numpy(), ref["caar"].to_numpy(), rtol=1e-10)
    print(
        f"BTC daily returns: {len(r):,} days; FOMC decision events: {len(events)}, used {res.n_events}"
    )
    print(f"read prices + meetings from the store : {t_load * 1e3:8.1f} ms")
    print(f"event_study (engine, median of 20)    : {t_engine * 1e3:8.1f} ms")
    print(f"per-event pandas loop (baseline)      : {t_naive * 1e3:8.1f} ms")
    print(f"speed-up vs baseline                  : {t_naive / t_engine:8.1f} x")
    total = t_load + t_engine
    verdict = "under" if total < 1.0 else "OVER"
    print(f"store read + study                    : {total * 1e3:8.1f} ms ({verdict} one second)")


if __name__ == "__main__":
    main()

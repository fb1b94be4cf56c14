"""Benchmark: ETF-flow analytics and the Farside parser on the real bundled series.

Input: the real Farside per-fund daily table (bundled snapshot), tiled end to end to a long
history (``REPEAT`` copies, ~560 sessions each) so timings are measurable; no value is made up.
Each vectorised function is timed against a straightforward per-row Python reference measured in
the same run, so the printed ratio (reference time / flowscope time) is machine-independent.

Run as a script: ``.venv/bin/python benchmarks/bench_flows.py``;
or with pytest-benchmark: ``make bench``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from flowscope._bundle import load_bundle
from flowscope.analytics import flows as fa
from flowscope.sources import read_file
from flowscope.sources.formats.farside import parse_farside_number
from flowscope.storage import Store

REPEAT = 40
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def real_wide() -> pd.DataFrame:
    """The bundled Farside date x fund frame (USD)."""
    with Store(":memory:") as s:
        load_bundle(s)
        return fa.flows_wide(s.etf_flows(source="farside"))


def long_series(wide: pd.DataFrame, repeat: int = REPEAT) -> pd.Series:
    """The real all-fund Total tiled ``repeat`` times on a business-day index."""
    vals = np.tile(wide["Total"].to_numpy(), repeat)
    return pd.Series(vals, index=pd.bdate_range("1990-01-01", periods=len(vals)))


# -- per-row references ------------------------------------------------------------------------
def naive_rolling(xs: list[float], w: int) -> list[float]:
    out = []
    for i in range(len(xs)):
        if i + 1 < w:
            out.append(math.nan)
            continue
        out.append(sum(xs[i - w + 1 : i + 1]))
    return out


def naive_streaks(xs: list[float]) -> list[int]:
    out: list[int] = []
    for i, v in enumerate(xs):
        s = 0 if v == 0 or math.isnan(v) else (1 if v > 0 else -1)
        if s and i and out[-1] and (out[-1] > 0) == (s > 0):
            out.append(out[-1] + s)
        else:
            out.append(s)
    return out


def naive_reversals(xs: list[float], w: int, band: float) -> list[int]:
    roll = naive_rolling(xs, w)
    state, flips = 0, []
    for i, r in enumerate(roll):
        new = 1 if r > band else -1 if r < -band else state
        if state and new != state:
            flips.append(i)
        state = new
    return flips


def naive_zscore(xs: list[float], w: int) -> list[float]:
    out = []
    for i in range(len(xs)):
        base = xs[max(0, i - w) : i]
        if len(base) < 20:
            out.append(math.nan)
            continue
        m = sum(base) / len(base)
        sd = math.sqrt(sum((b - m) ** 2 for b in base) / (len(base) - 1))
        out.append((xs[i] - m) / sd if sd else math.nan)
    return out


def _best(fn: Callable[[], Any], n: int = 3) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    wide = real_wide()
    s = long_series(wide)
    xs = s.tolist()
    print(f"series: real Farside Total tiled x{REPEAT} = {len(s):,} sessions")
    cases = [
        ("rolling 20d sum", lambda: fa.rolling_flows(s, (20,)), lambda: naive_rolling(xs, 20)),
        ("streaks", lambda: fa.flow_streaks(s), lambda: naive_streaks(xs)),
        (
            "reversals (5d, 250 $M band)",
            lambda: fa.detect_reversals(s, window=5, band_usd=250e6),
            lambda: naive_reversals(xs, 5, 250e6),
        ),
        ("z-score 60d", lambda: fa.flow_zscore(s, window=60), lambda: naive_zscore(xs, 60)),
    ]
    # same answers first
    np.testing.assert_allclose(
        fa.rolling_flows(s, (20,))["sum_20d"].to_numpy(), naive_rolling(xs, 20), atol=1.0
    )
    assert fa.flow_streaks(s).tolist() == naive_streaks(xs)
    got = fa.detect_reversals(s, window=5, band_usd=250e6)["date"]
    assert [s.index.get_loc(d) for d in got] == naive_reversals(xs, 5, 250e6)
    print(f"{'function':<30}{'flowscope ms':>14}{'reference ms':>14}{'ratio':>9}")
    for name, fast, slow in cases:
        tf, ts = _best(fast), _best(slow, 1)
        print(f"{name:<30}{tf * 1e3:>14.2f}{ts * 1e3:>14.1f}{ts / tf:>8.0f}x")
    csv = SHARED / "etf_flows" / "moltovy_farside_btc_etf_flows_daily.csv"
    if csv.is_file():
        read_file(csv, "etf_flows", format="farside-wide-csv")  # build the NYSE calendar once
        tf = _best(lambda: read_file(csv, "etf_flows", format="farside-wide-csv"), 5)
        ts = _best(lambda: naive_parse(csv), 1)
        print(f"{'parse farside-wide-csv':<30}{tf * 1e3:>14.2f}{ts * 1e3:>14.1f}{ts / tf:>8.0f}x")


def naive_parse(path: Path) -> list[tuple[pd.Timestamp, str, float]]:
    """Per-cell reference parse (no calendar check): dates one by one, cells one by one."""
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    out = []
    for line in lines[1:]:
        cells = line.split(",")
        day = pd.Timestamp(pd.to_datetime(cells[0], format="%Y-%m-%d"))
        for name, cell in zip(header[1:], cells[1:], strict=True):
            v = parse_farside_number(cell)
            if v is not None:
                out.append((day, name, round(v * 1e6)))
    return out


# -- pytest-benchmark entry points (``make bench``) ---------------------------------------------
def test_bench_rolling(benchmark: Any) -> None:
    s = long_series(real_wide())
    out = benchmark(fa.rolling_flows, s, (5, 10, 20))
    assert len(out) == len(s)


def test_bench_streaks_and_reversals(benchmark: Any) -> None:
    s = long_series(real_wide())

    def run() -> int:
        return int(fa.flow_streaks(s).abs().max()) + len(fa.detect_reversals(s))

    assert benchmark(run) > 0


if __name__ == "__main__":
    main()

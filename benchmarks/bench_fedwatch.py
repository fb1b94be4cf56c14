"""FedWatch as-of panel: vectorised engine vs a naive per-watch-date loop, same run, same data.

10 years of daily watch dates (2013-09-16 .. 2023-09-15, every ZQ settlement day) x 8
upcoming meetings, on the real ZQ settlements in ``../shared/data/fed_futures``. The naive
baseline prices one watch date at a time with plain Python (dicts, bisect, loops over months
and tree nodes), as a per-date tool such as pyfedwatch does; both give the same numbers
(checked here). Run:

    .venv/bin/python benchmarks/bench_fedwatch.py          # prints timings and the ratio
    .venv/bin/python -m pytest benchmarks/bench_fedwatch.py  # pytest-benchmark form
"""

from __future__ import annotations

import bisect
import calendar
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd

from flowscope.analytics.fedwatch import fedwatch_panel
from flowscope.sources import read_file

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("FLOWSCOPE_SHARED_DATA", ROOT.parent / "shared" / "data"))
START, END, MEETINGS = "2013-09-16", "2023-09-15", 8


def load() -> tuple[pd.DataFrame, pd.Series, np.ndarray]:
    zq = read_file(DATA / "fed_futures" / "pyfedwatch_zq_daily_long.csv.gz").frame
    fomc = pd.to_datetime(
        pd.read_csv(DATA / "fed_futures" / "pyfedwatch_fomc_data.csv")["FOMCDate"]
    )
    watch = np.sort(zq.loc[(zq.date >= START) & (zq.date <= END), "date"].unique())
    return zq, fomc, watch


def vectorised(zq: pd.DataFrame, fomc: pd.Series, watch: np.ndarray) -> pd.DataFrame:
    return fedwatch_panel(
        zq, fomc, watch_dates=watch, max_meetings=MEETINGS, floor_at_zero=False,
        new_rate_from="day_after",
    )  # fmt: skip


def naive(zq: pd.DataFrame, fomc: pd.Series, watch: np.ndarray) -> pd.DataFrame:
    """Plain-Python CME method, one watch date at a time (same conventions as the engine)."""
    series: dict[tuple[int, int], tuple[list, list]] = {}
    for (y, m), g in zq.groupby([zq.contract_month.dt.year, zq.contract_month.dt.month]):
        g = g.sort_values("date")
        series[(y, m)] = (list(g["date"]), list(g["settle"]))
    meetings = sorted(pd.Timestamp(d) for d in fomc.unique())
    by_month: dict[tuple[int, int], list[pd.Timestamp]] = defaultdict(list)
    for d in meetings:
        by_month[(d.year, d.month)].append(d)

    def price(ym, on):
        if ym not in series:
            return None
        dates, values = series[ym]
        i = bisect.bisect_right(dates, on) - 1
        return values[i] if i >= 0 else None

    def add(ym, k):
        y, m = ym
        m += k
        return (y + (m - 1) // 12, (m - 1) % 12 + 1)

    rows = []
    for w in pd.to_datetime(watch):
        upcoming = [d for d in meetings if d > w]
        seen, ups = set(), []
        for d in upcoming:
            if (d.year, d.month) not in seen:
                seen.add((d.year, d.month))
                ups.append(d)
        if not ups:
            continue
        last = add(
            (ups[min(MEETINGS, len(ups)) - 1].year, ups[min(MEETINGS, len(ups)) - 1].month), 1
        )
        while last in by_month:
            last = add(last, 1)
        months = [add((ups[0].year, ups[0].month), -1)]
        while months[-1] != last:
            months.append(add(months[-1], 1))
        day = {(d.year, d.month): d.day for d in ups if (d.year, d.month) < last}
        wm = (w.year, w.month)
        avg = []
        for ym in months:
            end_day = pd.Timestamp(ym[0], ym[1], calendar.monthrange(*ym)[1])
            p = price(ym, end_day if ym < wm else w)
            avg.append(None if p is None else 100.0 - p)
        n = len(months)
        meet = [months[j] in day for j in range(n)]
        anchor = [not meet[j] and months[j] not in by_month for j in range(n)]
        start, end = [None] * n, [None] * n
        for j in range(n):
            if anchor[j]:
                start[j] = end[j] = avg[j]
        j = 0
        while j < n:
            if not meet[j]:
                j += 1
                continue
            a = b = j
            while b < n and meet[b]:
                b += 1
            left = avg[a - 1] if a >= 1 and anchor[a - 1] else None
            right = avg[b] if b < n and anchor[b] else None
            if right is not None:
                nxt = right
                for i in range(b - 1, a - 1, -1):
                    end[i] = nxt
                    nd = calendar.monthrange(*months[i])[1]
                    mpre = day[months[i]]
                    if i == a and left is not None:
                        s = left
                    elif nxt is None or avg[i] is None:
                        s = None
                    else:
                        s = (nd * avg[i] - (nd - mpre) * nxt) / mpre
                    start[i] = s
                    nxt = s
            else:
                prev = left
                for i in range(a, b):
                    start[i] = prev
                    nd = calendar.monthrange(*months[i])[1]
                    mpre = day[months[i]]
                    if prev is None or avg[i] is None or nd == mpre:
                        e = None
                    else:
                        e = (nd * avg[i] - mpre * prev) / (nd - mpre)
                    end[i] = e
                    prev = e
            j = b
        dist = {0: 1.0}
        for k, j in enumerate(j for j in range(n) if meet[j]):
            if k >= MEETINGS or start[j] is None or end[j] is None:
                break
            x = (end[j] - start[j]) / 0.25
            lo = int(np.trunc(x))
            sg = int(np.sign(x))
            f = abs(x) - abs(lo)
            new: dict[int, float] = defaultdict(float)
            for c, p in dist.items():
                new[c + lo] += p * (1 - f)
                new[c + lo + sg] += p * f
            dist = dict(new)
            md = pd.Timestamp(months[j][0], months[j][1], day[months[j]])
            rows.extend((w, md, 25 * c, p) for c, p in sorted(dist.items()) if p > 1e-12)
    return pd.DataFrame(rows, columns=["watch_date", "meeting_date", "change_bp", "probability"])


def check_same(a: pd.DataFrame, b: pd.DataFrame) -> float:
    key = ["watch_date", "meeting_date", "change_bp"]
    m = a[[*key, "probability"]].merge(b, on=key, how="outer").fillna(0.0)
    return float((m.probability_x - m.probability_y).abs().max())


def main() -> None:
    zq, fomc, watch = load()
    print(f"{len(watch)} watch dates ({START} .. {END}) x {MEETINGS} meetings")
    vectorised(zq, fomc, watch[:50])  # warm-up
    t0 = time.perf_counter()
    fast = vectorised(zq, fomc, watch)
    t_fast = time.perf_counter() - t0
    t0 = time.perf_counter()
    slow = naive(zq, fomc, watch)
    t_slow = time.perf_counter() - t0
    gap = check_same(fast, slow)
    print(f"vectorised engine : {t_fast:8.3f} s  ({len(fast):,} rows)")
    print(f"naive per-date    : {t_slow:8.3f} s  ({len(slow):,} rows)")
    print(f"speed-up          : {t_slow / t_fast:8.1f} x   (max probability gap {gap:.1e})")
    if gap > 1e-9:
        sys.exit("the two implementations disagree")


def test_bench_fedwatch_panel(benchmark):  # pytest-benchmark
    zq, fomc, watch = load()
    fast = benchmark(vectorised, zq, fomc, watch)
    sample = watch[::25]
    assert check_same(fast[fast.watch_date.isin(sample)], naive(zq, fomc, sample)) < 1e-9


if __name__ == "__main__":
    main()

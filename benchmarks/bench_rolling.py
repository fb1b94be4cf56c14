"""Rolling statistics: NumPy (``flowscope.analytics._rolling``) against the numba kernels it replaced.

Real sizes: log returns of the real CryptoQuant BTC daily closes (about 5,500 days, more than
any pair of NYSE series flowscope aligns), windows 60 and 250. Three figures:

* ``numpy_call_ms``: one ``rolling_corr`` + ``rolling_std`` call pair in NumPy (best of 20);
* ``numba_call_ms``: the same with the numba kernels, warm (compiled, best of 20);
* ``numba_process_s``: CPU seconds that a fresh process spends importing numba and loading
  (or compiling) the two kernels from its on-disk cache before the first call, which is what
  every CLI run paid.

A CLI run makes about 60 rolling calls, so numba wins only if
``60 * (numpy_call_ms - numba_call_ms) / 1000 > numba_process_s``; the printout gives both
sides. Run ``python benchmarks/bench_rolling.py`` (numba must be installed for its side).
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from flowscope.analytics import _rolling

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
CSV = SHARED / "btc_prices" / "moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"
CALLS_PER_BRIEF = 60

_NUMBA_KERNELS = """
import numpy as np, numba

@numba.njit(cache=True, nogil=True)
def mean_std(x, w, ddof):
    n = x.shape[0]
    mean = np.full(n, np.nan)
    std = np.full(n, np.nan)
    for i in range(w - 1, n):
        s = 0.0
        ok = True
        for j in range(i - w + 1, i + 1):
            if np.isnan(x[j]):
                ok = False
                break
            s += x[j]
        if not ok:
            continue
        m = s / w
        ss = 0.0
        for j in range(i - w + 1, i + 1):
            d = x[j] - m
            ss += d * d
        mean[i] = m
        std[i] = np.sqrt(ss / (w - ddof))
    return mean, std

@numba.njit(cache=True, nogil=True)
def pair(x, y, w):
    n = x.shape[0]
    corr = np.full(n, np.nan)
    for i in range(w - 1, n):
        sx = 0.0
        sy = 0.0
        ok = True
        for j in range(i - w + 1, i + 1):
            if np.isnan(x[j]) or np.isnan(y[j]):
                ok = False
                break
            sx += x[j]
            sy += y[j]
        if not ok:
            continue
        mx = sx / w
        my = sy / w
        cxy = 0.0
        vx = 0.0
        vy = 0.0
        for j in range(i - w + 1, i + 1):
            dx = x[j] - mx
            dy = y[j] - my
            cxy += dx * dy
            vx += dx * dx
            vy += dy * dy
        if vx > 0.0 and vy > 0.0:
            corr[i] = cxy / np.sqrt(vx * vy)
    return corr
"""


def _returns() -> tuple[np.ndarray, np.ndarray]:
    close = pd.read_csv(CSV, usecols=["Close"])["Close"].dropna().to_numpy(np.float64)
    r = np.diff(np.log(close))
    return np.ascontiguousarray(r), np.ascontiguousarray(np.roll(r, 7))


def _best_ms(fn, repeat: int = 20) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best * 1000


def measure() -> dict[str, float]:
    """Per-call milliseconds of NumPy and warm numba, and numba's per-process start-up CPU."""
    x, y = _returns()
    out: dict[str, float] = {"n_rows": float(len(x))}
    out["numpy_call_ms"] = (
        _best_ms(
            lambda: [
                (_rolling.rolling_corr(x, y, w), _rolling.rolling_std(x, w)) for w in (60, 250)
            ]
        )
        / 2
    )
    try:
        import numba  # noqa: F401
    except ImportError:
        return out
    with tempfile.TemporaryDirectory() as t:
        mod = Path(t) / "nbk.py"
        mod.write_text(_NUMBA_KERNELS)
        sys.path.insert(0, t)
        import nbk  # type: ignore[import-not-found]

        nbk.pair(x, y, 60), nbk.mean_std(x, 60, 1)  # compile and write the on-disk cache
        out["numba_call_ms"] = (
            _best_ms(lambda: [(nbk.pair(x, y, w), nbk.mean_std(x, w, 1)) for w in (60, 250)]) / 2
        )
        code = (
            "import numpy as np, nbk; x = np.random.default_rng(0).normal(size=5000); "
            "nbk.pair(x, x, 60); nbk.mean_std(x, 60, 1)"
        )
        env = {**os.environ, "PYTHONPATH": t}
        base = ["-c", "import numpy as np; x = np.random.default_rng(0).normal(size=5000)"]
        cpu = []
        for args in (["-c", code], base):
            best = float("inf")
            for _ in range(3):
                b = resource.getrusage(resource.RUSAGE_CHILDREN)
                subprocess.run([sys.executable, *args], env=env, check=True)
                a = resource.getrusage(resource.RUSAGE_CHILDREN)
                best = min(best, a.ru_utime - b.ru_utime + a.ru_stime - b.ru_stime)
            cpu.append(best)
        out["numba_process_s"] = cpu[0] - cpu[1]
    out["numpy_per_brief_s"] = CALLS_PER_BRIEF * out["numpy_call_ms"] / 1000
    out["numba_per_brief_s"] = (
        CALLS_PER_BRIEF * out["numba_call_ms"] / 1000 + out["numba_process_s"]
    )
    out["numba_over_numpy_per_brief"] = out["numba_per_brief_s"] / out["numpy_per_brief_s"]
    return out


def test_bench_rolling(benchmark):
    res = benchmark.pedantic(measure, rounds=1, iterations=1)
    benchmark.extra_info.update(res)


if __name__ == "__main__":
    for k, v in measure().items():
        print(f"{k:<28} {v:10.4f}")

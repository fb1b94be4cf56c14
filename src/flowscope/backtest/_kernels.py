"""numba kernels behind :mod:`flowscope.backtest` (arrays in, arrays out).

Conventions shared by every kernel: ``w[t]`` is the weight (fraction of equity, signed) set at
the close of bar ``t`` and held over bar ``t + 1``; ``k[t]`` is the cost rate (fees plus
slippage, as a fraction of traded notional) paid on the trade at the close of bar ``t``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit, prange

from flowscope.backtest._numba_cache import use_user_cache_dir

# The cache location is fixed when each decorator below runs: set it first.
CACHE_DIR = use_user_cache_dir()

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

# Per-cell statistics accumulated by the sweep kernel (columns of its output).
STAT_NAMES = (
    "final_equity",
    "n_returns",
    "sum_ret",
    "sum_ret2",
    "sum_ret3",
    "sum_ret4",
    "sum_down2",
    "max_drawdown",
    "bars_exposed",
    "bars_hit",
    "turnover",
    "n_trades",
)


@njit(cache=True, inline="always")
def _rebalance(
    equity: float, held: float, r: float, target: float, k: float
) -> tuple[float, float, float]:
    # Equity and drifted weight after the bar's move, then the trade to ``target`` paying
    # ``k`` on the notional traded; the cost is solved so that ``target`` is a fraction of the
    # equity left after paying it (as a broker fills an all-in order).
    pre = equity * (1.0 + held * r)
    drift = held * (1.0 + r) / (1.0 + held * r) if pre != 0.0 else 0.0
    if target >= drift:
        post = pre * (1.0 + k * drift) / (1.0 + k * target)
    else:
        post = pre * (1.0 - k * drift) / (1.0 - k * target)
    return post, drift, pre


@njit(cache=True)
def simulate(
    ret: F64, w: F64, k: F64, capital: float
) -> tuple[F64, F64, F64, F64]:  # pragma: no cover - compiled
    # Returns equity (capital at bar 0, post-trade after), drifted weight, equity before
    # each trade and the post-trade equity at each close (bar 0 included).
    n = ret.shape[0]
    equity = np.empty(n)
    drift = np.zeros(n)
    pre = np.empty(n)
    post = np.empty(n)
    equity[0] = capital
    pre[0] = capital
    e, _, _ = _rebalance(capital, 0.0, 0.0, w[0], k[0])
    post[0] = e
    for t in range(1, n):
        e, d, p = _rebalance(e, w[t - 1], ret[t], w[t], k[t])
        drift[t] = d
        pre[t] = p
        post[t] = e
        equity[t] = e
    return equity, drift, pre, post


@njit(cache=True)
def rolling_mean(x: F64, window: int) -> F64:  # pragma: no cover - compiled
    n = x.shape[0]
    out = np.full(n, np.nan)
    s = 0.0
    for t in range(n):
        s += x[t]
        if t >= window:
            s -= x[t - window]
        if t >= window - 1:
            out[t] = s / window
    return out


@njit(cache=True)
def crossover_positions(
    fast_ma: F64, slow_ma: F64, threshold: float, short: bool
) -> F64:  # pragma: no cover - compiled
    n = fast_ma.shape[0]
    pos = np.zeros(n)
    state = 0.0
    for t in range(n):
        f = fast_ma[t]
        s = slow_ma[t]
        if f == f and s == s:  # both defined
            if f > s * (1.0 + threshold):
                state = 1.0
            elif f < s * (1.0 - threshold):
                state = -1.0 if short else 0.0
        pos[t] = state
    return pos


@njit(cache=True, parallel=True)
def sweep_crossover(
    close: F64,
    ma: F64,
    fast_idx: I64,
    slow_idx: I64,
    thresholds: F64,
    short: bool,
    size: float,
    k: float,
    start: int,
    stop: int,
    keep_equity: bool,
) -> tuple[F64, F64]:  # pragma: no cover - compiled
    # ``ma`` holds one moving average per row; cell ``j`` uses rows fast_idx[j], slow_idx[j].
    # Positions are decided on every bar from 0 (moving averages only look back); returns are
    # booked for bars start + 1 .. stop - 1, starting flat with ``capital`` 1 at bar ``start``.
    n_cells = fast_idx.shape[0]
    stats = np.zeros((n_cells, len(STAT_NAMES)))
    n_eq = stop - start if keep_equity else 0
    curves = np.empty((n_cells, n_eq))
    for j in prange(n_cells):
        f_row = fast_idx[j]
        s_row = slow_idx[j]
        th = thresholds[j]
        state = 0.0
        for t in range(start + 1):  # the position standing at the close of bar ``start``
            f = ma[f_row, t]
            s = ma[s_row, t]
            if f == f and s == s:
                if f > s * (1.0 + th):
                    state = 1.0
                elif f < s * (1.0 - th):
                    state = -1.0 if short else 0.0
        w_prev = state * size
        e = 1.0
        e, _, _ = _rebalance(1.0, 0.0, 0.0, w_prev, k)
        turnover = abs(w_prev * e)
        n_trades = 1.0 if w_prev != 0.0 else 0.0
        if keep_equity:
            curves[j, 0] = 1.0
        peak = 1.0
        prev_e = 1.0
        mdd = 0.0
        s1 = 0.0
        s2 = 0.0
        s3 = 0.0
        s4 = 0.0
        sd = 0.0
        exposed = 0.0
        hits = 0.0
        for t in range(start + 1, stop):
            f = ma[f_row, t]
            s = ma[s_row, t]
            if f == f and s == s:
                if f > s * (1.0 + th):
                    state = 1.0
                elif f < s * (1.0 - th):
                    state = -1.0 if short else 0.0
            w = state * size
            r_bar = close[t] / close[t - 1] - 1.0
            e, d, pre = _rebalance(e, w_prev, r_bar, w, k)
            tr = abs(w * e - d * pre) / pre if pre != 0.0 else 0.0
            if tr > 1e-12:
                turnover += tr
                n_trades += 1.0
            r = e / prev_e - 1.0
            s1 += r
            s2 += r * r
            s3 += r * r * r
            s4 += r * r * r * r
            if r < 0.0:
                sd += r * r
            if w_prev != 0.0:
                exposed += 1.0
                if r > 0.0:
                    hits += 1.0
            if e > peak:
                peak = e
            dd = e / peak - 1.0
            if dd < mdd:
                mdd = dd
            if keep_equity:
                curves[j, t - start] = e
            prev_e = e
            w_prev = w
        stats[j, 0] = e
        stats[j, 1] = stop - start - 1
        stats[j, 2] = s1
        stats[j, 3] = s2
        stats[j, 4] = s3
        stats[j, 5] = s4
        stats[j, 6] = sd
        stats[j, 7] = mdd
        stats[j, 8] = exposed
        stats[j, 9] = hits
        stats[j, 10] = turnover
        stats[j, 11] = n_trades
    return stats, curves

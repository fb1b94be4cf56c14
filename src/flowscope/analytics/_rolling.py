"""Rolling statistics over fixed-length windows (vectorised NumPy).

Every kernel takes 1-D ``float64`` arrays and returns an array of the same length. The value
at position ``i`` uses the ``window`` observations ending at ``i`` (inclusive); it is NaN when
fewer than ``window`` observations precede it or when any value in the window is NaN (no
silent shrinking of windows). Each window is recomputed with a two-pass formula, so the
results match a naive reference to floating-point rounding, whatever the series' level.

The sums loop over the offsets in the window (at most a few hundred), each step vectorised
over all windows, and add in the same order as a plain loop, so the figures are those of the
numba kernels this module once held, bit for bit. At the sizes flowscope handles NumPy is
about as fast a call as numba was, and it spares each CLI run the second or more that loading
numba and its compiled kernels cost (``benchmarks/bench_rolling.py``).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from flowscope._typing import Float64Array
from flowscope.errors import ValidationError

__all__ = [
    "rolling_beta",
    "rolling_corr",
    "rolling_corr_beta",
    "rolling_mean",
    "rolling_mean_std",
    "rolling_std",
    "rolling_sum",
    "running_drawdown",
]


_BoolArray = np.ndarray[tuple[int, ...], np.dtype[np.bool_]]

#: Deviations smaller than this fraction of the window mean are rounding noise.
_REL_NOISE = 1e-12


def _prepare(x: Float64Array, w: int) -> tuple[Float64Array, _BoolArray]:
    """``x`` with NaN as 0, and which of the ``n - w + 1`` full windows hold a NaN."""
    bad = np.isnan(x)
    has_nan: _BoolArray = np.asarray(sliding_window_view(bad, w).any(axis=1), dtype=np.bool_)
    return np.where(bad, 0.0, x).astype(np.float64, copy=False), has_nan


def _window_sum(x: Float64Array, w: int) -> Float64Array:
    """Sum of each full window, adding its values in order (as a plain loop would)."""
    m = x.shape[0] - w + 1
    s = x[:m].copy()
    for k in range(1, w):  # over offsets in the window (vectorised over all windows)
        s += x[k : k + m]
    return s


def _mean_std(
    x: Float64Array, w: int, ddof: int, *, with_std: bool = True
) -> tuple[Float64Array, Float64Array]:
    n = x.shape[0]
    mean = np.full(n, np.nan)
    std = np.full(n, np.nan)
    if n < w:
        return mean, std
    xz, has_nan = _prepare(x, w)
    m = n - w + 1
    mu = _window_sum(xz, w) / w
    if not with_std:
        mu[has_nan] = np.nan
        mean[w - 1 :] = mu
        return mean, std
    ss = np.zeros(m)
    d = np.empty(m)
    for k in range(w):
        np.subtract(xz[k : k + m], mu, out=d)
        ss += d * d
    mu[has_nan] = np.nan
    mean[w - 1 :] = mu
    if w - ddof > 0:
        sd = np.sqrt(ss / (w - ddof))
        sd[has_nan] = np.nan
        std[w - 1 :] = sd
    return mean, std


def _pair(x: Float64Array, y: Float64Array, w: int) -> tuple[Float64Array, Float64Array]:
    n = x.shape[0]
    corr = np.full(n, np.nan)
    beta = np.full(n, np.nan)
    if n < w:
        return corr, beta
    xz, nan_x = _prepare(x, w)
    yz, nan_y = _prepare(y, w)
    m = n - w + 1
    mx = _window_sum(xz, w) / w
    my = _window_sum(yz, w) / w
    cxy, vx, vy = np.zeros(m), np.zeros(m), np.zeros(m)
    dx, dy = np.empty(m), np.empty(m)
    for k in range(w):
        np.subtract(xz[k : k + m], mx, out=dx)
        np.subtract(yz[k : k + m], my, out=dy)
        cxy += dx * dy
        vx += dx * dx
        vy += dy * dy
    # A window whose deviations are at the level of rounding noise (relative to its mean) is
    # constant: its variance is 0 and beta / correlation are undefined (NaN).
    x_ok = (vx > w * (_REL_NOISE * mx) ** 2) & (vx > 0.0) & ~(nan_x | nan_y)
    y_ok = (vy > w * (_REL_NOISE * my) ** 2) & (vy > 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        beta[w - 1 :] = np.where(x_ok, cxy / vx, np.nan)
        corr[w - 1 :] = np.where(x_ok & y_ok, cxy / np.sqrt(vx * vy), np.nan)
    return corr, beta


def _as_f64(a: object, name: str) -> Float64Array:
    arr = np.ascontiguousarray(np.asarray(a, dtype=np.float64))
    if arr.ndim != 1:
        msg = f"`{name}` must be one-dimensional, got shape {arr.shape}"
        raise ValidationError(msg, param_name=name, received=arr.shape)
    return arr


def _check_window(window: int) -> int:
    if int(window) != window or window < 2:
        msg = f"`window` must be an integer >= 2, got {window!r}"
        raise ValidationError(msg, param_name="window", received=window)
    return int(window)


def rolling_mean(x: object, window: int) -> Float64Array:
    """Rolling mean over the last ``window`` observations (NaN until the window is full)."""
    return _mean_std(_as_f64(x, "x"), _check_window(window), 1, with_std=False)[0]


def rolling_mean_std(x: object, window: int, *, ddof: int = 1) -> tuple[Float64Array, Float64Array]:
    """Rolling mean and standard deviation in one pass over the windows.

    The same figures as :func:`rolling_mean` and :func:`rolling_std`, bit for bit.
    """
    return _mean_std(_as_f64(x, "x"), _check_window(window), int(ddof))


def rolling_sum(x: object, window: int) -> Float64Array:
    """Rolling sum over the last ``window`` observations (NaN until the window is full)."""
    w = _check_window(window)
    return rolling_mean(x, w) * w


def rolling_std(x: object, window: int, *, ddof: int = 1) -> Float64Array:
    """Rolling standard deviation (``ddof`` 1 = sample) over the last ``window`` observations."""
    return _mean_std(_as_f64(x, "x"), _check_window(window), int(ddof))[1]


def rolling_corr(x: object, y: object, window: int) -> Float64Array:
    """Rolling Pearson correlation of ``x`` and ``y`` (NaN when either is constant)."""
    xa, ya = _as_f64(x, "x"), _as_f64(y, "y")
    if xa.shape != ya.shape:
        msg = f"`x` and `y` must have the same length, got {xa.shape[0]} and {ya.shape[0]}"
        raise ValidationError(msg, param_name="y", received=ya.shape)
    return _pair(xa, ya, _check_window(window))[0]


def rolling_corr_beta(y: object, x: object, window: int) -> tuple[Float64Array, Float64Array]:
    """Rolling correlation of ``x`` and ``y`` and OLS slope of ``y`` on ``x``, in one pass.

    The same figures as :func:`rolling_corr` and :func:`rolling_beta`, bit for bit.
    """
    xa, ya = _as_f64(x, "x"), _as_f64(y, "y")
    if xa.shape != ya.shape:
        msg = f"`x` and `y` must have the same length, got {xa.shape[0]} and {ya.shape[0]}"
        raise ValidationError(msg, param_name="y", received=ya.shape)
    return _pair(xa, ya, _check_window(window))


def rolling_beta(y: object, x: object, window: int) -> Float64Array:
    """Rolling OLS slope of ``y`` on ``x``: cov(x, y) / var(x) over the window."""
    xa, ya = _as_f64(x, "x"), _as_f64(y, "y")
    if xa.shape != ya.shape:
        msg = f"`x` and `y` must have the same length, got {xa.shape[0]} and {ya.shape[0]}"
        raise ValidationError(msg, param_name="y", received=ya.shape)
    return _pair(xa, ya, _check_window(window))[1]


def running_drawdown(price: object) -> Float64Array:
    """Drawdown from the running high, as a fraction (0 at a new high, -0.25 = 25 % below).

    NaN prices give NaN and do not move the running high.
    """
    p = _as_f64(price, "price")
    filled = np.where(np.isnan(p), -np.inf, p)
    high = np.maximum.accumulate(filled) if p.size else filled
    with np.errstate(invalid="ignore", divide="ignore"):
        out = p / high - 1.0
    out[np.isnan(p) | ~np.isfinite(high)] = np.nan
    return out

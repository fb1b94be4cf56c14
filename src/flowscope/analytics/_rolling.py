"""Numba kernels for rolling statistics over fixed-length windows.

Every kernel takes 1-D ``float64`` arrays and returns an array of the same length. The value
at position ``i`` uses the ``window`` observations ending at ``i`` (inclusive); it is NaN when
fewer than ``window`` observations precede it or when any value in the window is NaN (no
silent shrinking of windows). Each window is recomputed with a two-pass formula, so the
results match a naive reference to floating-point rounding, whatever the series' level.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np

from flowscope._typing import Float64Array
from flowscope.errors import ValidationError

__all__ = [
    "rolling_beta",
    "rolling_corr",
    "rolling_mean",
    "rolling_std",
    "rolling_sum",
    "running_drawdown",
]


_F = TypeVar("_F", bound=Callable[..., Any])


def _lazy_njit(fn: _F) -> _F:
    """Compile ``fn`` with numba on first call (keeps numba out of import time)."""
    compiled: Callable[..., Any] | None = None

    @functools.wraps(fn)
    def call(*args: Any) -> Any:
        nonlocal compiled
        if compiled is None:
            import numba

            compiled = numba.njit(cache=True, nogil=True)(fn)
        return compiled(*args)

    return cast(_F, call)


@_lazy_njit
def _mean_std_kernel(
    x: np.ndarray, w: int, ddof: int
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    n = x.shape[0]
    mean = np.full(n, np.nan)
    std = np.full(n, np.nan)
    for i in range(w - 1, n):
        s = 0.0
        ok = True
        for j in range(i - w + 1, i + 1):
            v = x[j]
            if np.isnan(v):
                ok = False
                break
            s += v
        if not ok:
            continue
        m = s / w
        ss = 0.0
        for j in range(i - w + 1, i + 1):
            d = x[j] - m
            ss += d * d
        mean[i] = m
        if w - ddof > 0:
            std[i] = np.sqrt(ss / (w - ddof))
    return mean, std


#: Deviations smaller than this fraction of the window mean are rounding noise.
_REL_NOISE = 1e-12


@_lazy_njit
def _pair_kernel(
    x: np.ndarray, y: np.ndarray, w: int
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    n = x.shape[0]
    corr = np.full(n, np.nan)
    beta = np.full(n, np.nan)
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
        # A window whose deviations are at the level of rounding noise (relative to its mean)
        # is constant: its variance is 0 and beta / correlation are undefined (NaN).
        x_ok = vx > w * (_REL_NOISE * mx) ** 2 and vx > 0.0
        y_ok = vy > w * (_REL_NOISE * my) ** 2 and vy > 0.0
        if x_ok:
            beta[i] = cxy / vx
        if x_ok and y_ok:
            corr[i] = cxy / np.sqrt(vx * vy)
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
    return _mean_std_kernel(_as_f64(x, "x"), _check_window(window), 1)[0]


def rolling_sum(x: object, window: int) -> Float64Array:
    """Rolling sum over the last ``window`` observations (NaN until the window is full)."""
    w = _check_window(window)
    return rolling_mean(x, w) * w


def rolling_std(x: object, window: int, *, ddof: int = 1) -> Float64Array:
    """Rolling standard deviation (``ddof`` 1 = sample) over the last ``window`` observations."""
    return _mean_std_kernel(_as_f64(x, "x"), _check_window(window), int(ddof))[1]


def rolling_corr(x: object, y: object, window: int) -> Float64Array:
    """Rolling Pearson correlation of ``x`` and ``y`` (NaN when either is constant)."""
    xa, ya = _as_f64(x, "x"), _as_f64(y, "y")
    if xa.shape != ya.shape:
        msg = f"`x` and `y` must have the same length, got {xa.shape[0]} and {ya.shape[0]}"
        raise ValidationError(msg, param_name="y", received=ya.shape)
    return _pair_kernel(xa, ya, _check_window(window))[0]


def rolling_beta(y: object, x: object, window: int) -> Float64Array:
    """Rolling OLS slope of ``y`` on ``x``: cov(x, y) / var(x) over the window."""
    xa, ya = _as_f64(x, "x"), _as_f64(y, "y")
    if xa.shape != ya.shape:
        msg = f"`x` and `y` must have the same length, got {xa.shape[0]} and {ya.shape[0]}"
        raise ValidationError(msg, param_name="y", received=ya.shape)
    return _pair_kernel(xa, ya, _check_window(window))[1]


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

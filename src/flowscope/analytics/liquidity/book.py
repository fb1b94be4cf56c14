"""Order-book reconstruction: replay snapshots and diffs, check sequence ids, sample the book.

Input is any object with the columnar arrays of a feed (see :class:`BookMessages`; the
order-book parsers in ``flowscope.sources.formats.orderbook`` return one). Messages are
replayed in file (receive) order with Binance's rules:

* **spot** (``U``/``u``): after a snapshot with ``lastUpdateId`` L, diffs with ``u <= L`` are
  dropped as stale; the first diff applied must have ``U <= L + 1 <= u``; then each diff's
  ``U`` must equal the previous ``u + 1``.
* **futures** (``pu``): diffs with ``u < L`` are dropped; the first must have
  ``U <= L <= u``; then each diff's ``pu`` must equal the previous ``u``.
* **none**: no ids (Tardis, Hyperliquid, ccxt); every diff is applied.

Diffs received *before* a snapshot but newer than it (a capture starts the stream, then asks
for the snapshot) are applied again after it. A broken rule is a *gap*: it is reported (message
position, line, expected and received id) and the book is marked unsynced until the next
snapshot (diffs still apply, so the book stays approximately right). Before the first snapshot
the book holds only the levels touched since the capture began: it is labelled approximate.
The book is held on a dense grid of price ticks (the tick is the smallest power of ten that
makes every price whole), ``window_ticks`` wide and centred on each snapshot's best bid; an
update outside the window is counted (``n_outside``) and not held. A snapshot covers a limited depth (Binance: up to 5,000 levels): levels beyond its deepest bid
and ask stay unknown even when a later diff touches some of them, so samples stop there.

Samples are taken on a fixed clock (receive time when every message has one, else exchange
time): the sample at ``t`` is the book after every message received at or before ``t``. Each
sample holds the top ``n_levels`` of each side, best first, NaN-padded; prices in the quote
currency, sizes in base units, times UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np
import pandas as pd

from flowscope.errors import InsufficientDataError, ValidationError

__all__ = ["BookMessages", "BookSamples", "price_ticks", "replay_book", "sample_times"]

_NAT = np.iinfo(np.int64).min
_SEQ = {"none": 0, "spot": 1, "futures": 2}


class BookMessages(Protocol):
    """The columnar arrays replay needs (a parsed order-book feed has them)."""

    @property
    def sequence(self) -> str:
        """Sequence rules: ``"spot"``, ``"futures"`` or ``"none"``."""

    msg_kind: np.ndarray
    msg_first_id: np.ndarray
    msg_last_id: np.ndarray
    msg_prev_id: np.ndarray
    msg_ts_exchange_ns: np.ndarray
    msg_ts_local_ns: np.ndarray
    msg_line: np.ndarray
    msg_offsets: np.ndarray
    lvl_side: np.ndarray
    lvl_price: np.ndarray
    lvl_size: np.ndarray


@dataclass(frozen=True)
class BookSamples:
    """Books sampled at fixed times: N samples x L levels a side.

    Attributes
    ----------
    ts : DatetimeIndex, length N (UTC)
        Sample times.
    bid_px, bid_sz, ask_px, ask_sz : float64 arrays, shape (N, L)
        Best level first; NaN past the last level held. Prices in quote currency, sizes in
        base units.
    synced : bool array, shape (N,)
        True when the book rests on a snapshot with no gap since.
    approximate : bool array, shape (N,)
        True before the first snapshot (only levels touched since the start are known).
    gaps : DataFrame
        One row per broken sequence rule: ``message`` (0-based position), ``line`` (in the
        file), ``expected_id``, ``received_id``, ``ts`` (UTC).
    n_stale : int
        Diffs dropped as older than the snapshot they follow.
    n_updates : int
        Level updates applied from diffs.
    n_outside : int
        Level updates dropped because their price lies outside the price window held
        (``window_ticks`` ticks centred on the best bid of the last snapshot).
    clock : {"local", "exchange"}
        Which timestamp the samples follow.
    """

    ts: pd.DatetimeIndex
    bid_px: np.ndarray
    bid_sz: np.ndarray
    ask_px: np.ndarray
    ask_sz: np.ndarray
    synced: np.ndarray
    approximate: np.ndarray
    gaps: pd.DataFrame
    n_stale: int
    n_updates: int
    n_outside: int
    clock: Literal["local", "exchange"]


def _clock(feed: BookMessages) -> tuple[np.ndarray, Literal["local", "exchange"]]:
    loc = np.asarray(feed.msg_ts_local_ns, dtype=np.int64)
    if loc.size and (loc != _NAT).all():
        return loc, "local"
    ex = np.asarray(feed.msg_ts_exchange_ns, dtype=np.int64)
    if ex.size and (ex != _NAT).all():
        return ex, "exchange"
    msg = "the book has messages without any timestamp: cannot sample it on a clock"
    raise ValidationError(msg, param_name="every")


def price_ticks(price: np.ndarray) -> tuple[np.ndarray, int]:
    """Prices as int64 ticks of the smallest power of ten ``s`` (1 .. 10⁸) that makes them whole.

    Prices are decimal strings on the wire, so ``price * s`` is within rounding of an integer;
    ``tick / s`` gives the original float back exactly.
    """
    from flowscope.analytics.liquidity import _kernels

    kernel: Any = _kernels.to_ticks
    head = price[:4096]
    for d in range(9):
        s = 10**d
        x = head * s
        if not (np.abs(x - np.rint(x)) <= 1e-9 * np.abs(x) + 1e-9).all():
            continue
        ticks, ok = kernel(price, float(s))
        if ok:
            return ticks, s
    msg = "prices have more than 8 decimals: cannot place them on a tick grid"
    raise ValidationError(msg, param_name="price")


def sample_times(ts_ns: np.ndarray, every: pd.Timedelta) -> np.ndarray:
    """Grid of multiples of ``every`` (ns, UTC) from the first to the last of ``ts_ns``.

    A feed of full snapshots shorter than one step yields its last time as the one sample.
    """
    step = int(every.value)
    if step <= 0:
        msg = f"the sampling interval must be positive, got {every}"
        raise ValidationError(msg, param_name="every", received=str(every))
    lo, hi = int(ts_ns.min()), int(ts_ns.max())
    start = -(-lo // step) * step
    grid = np.arange(start, hi + 1, step, dtype=np.int64)
    return grid if grid.size else np.array([hi], dtype=np.int64)


def replay_book(
    feed: BookMessages,
    *,
    every: pd.Timedelta | str = "1s",
    n_levels: int = 1000,
    times_ns: np.ndarray | None = None,
    window_ticks: int = 2**21,
) -> BookSamples:
    """Rebuild the book from snapshots and diffs and sample it at a fixed interval.

    Parameters
    ----------
    feed : BookMessages
        Columnar messages and levels (sizes in base units, timestamps in ns UTC).
    every : Timedelta or str
        Sampling interval (``"1s"``, ``"100ms"``); samples fall on multiples of it.
    n_levels : int
        Levels kept per side in each sample (L).
    times_ns : ndarray, optional
        Explicit sample times (ns UTC, ascending) instead of the ``every`` grid.
    window_ticks : int
        Width of the price window held, in ticks (default 2²¹: ±10,485 USD at a 0.01 tick);
        updates outside it are counted in ``n_outside``, not held.

    Returns
    -------
    BookSamples
        N x L bid/ask price and size arrays with sync flags and the gaps found.
    """
    from flowscope.analytics.liquidity import _kernels

    if feed.msg_kind.size == 0:
        msg = "the book file holds no snapshot or diff"
        raise InsufficientDataError(msg)
    if n_levels < 1:
        msg = f"n_levels must be at least 1, got {n_levels}"
        raise ValidationError(msg, param_name="n_levels", received=n_levels)
    ts, clock = _clock(feed)
    grid = (
        np.asarray(times_ns, dtype=np.int64)
        if times_ns is not None
        else sample_times(ts, pd.Timedelta(every))
    )
    seq = _SEQ.get(feed.sequence)
    if seq is None:
        msg = f"unknown sequence rule {feed.sequence!r}; use spot, futures or none"
        raise ValidationError(msg, param_name="sequence", received=feed.sequence)
    price = np.ascontiguousarray(feed.lvl_price, dtype=np.float64)
    ticks, scale = price_ticks(price)
    kernel: Any = _kernels.replay_kernel
    (bp, bs, ap, as_, synced, approx, g_msg, g_exp, g_got, n_stale, n_upd, n_out) = kernel(
        np.ascontiguousarray(feed.msg_kind, dtype=np.int8),
        np.ascontiguousarray(feed.msg_first_id, dtype=np.int64),
        np.ascontiguousarray(feed.msg_last_id, dtype=np.int64),
        np.ascontiguousarray(feed.msg_prev_id, dtype=np.int64),
        ts,
        np.ascontiguousarray(feed.msg_offsets, dtype=np.int64),
        np.ascontiguousarray(feed.lvl_side, dtype=np.int8),
        ticks,
        np.ascontiguousarray(feed.lvl_size, dtype=np.float64),
        seq,
        grid,
        int(n_levels),
        float(scale),
        int(window_ticks),
    )
    gaps = pd.DataFrame(
        {
            "message": g_msg,
            "line": np.asarray(feed.msg_line, dtype=np.int64)[g_msg],
            "expected_id": g_exp,
            "received_id": g_got,
            "ts": pd.to_datetime(ts[g_msg], utc=True),
        }
    )
    return BookSamples(
        ts=pd.DatetimeIndex(pd.to_datetime(grid, utc=True), name="ts"),
        bid_px=bp,
        bid_sz=bs,
        ask_px=ap,
        ask_sz=as_,
        synced=synced,
        approximate=approx,
        gaps=gaps,
        n_stale=int(n_stale),
        n_updates=int(n_upd),
        n_outside=int(n_out),
        clock=clock,
    )

"""Seeded synthetic order-book streams for benchmarks, calibrated on a real capture.

A block bootstrap of a real feed: the stream opens with the capture's first snapshot, then
draws blocks of ``block`` consecutive real diff messages (after that snapshot) at random. Each
block's prices move by a random walk of whole ticks (``drift_ticks`` standard deviation per
block), so the book wanders as a real one does; prices are rounded to the tick so the same
level always has the same float. Update ids are renumbered to follow Binance spot's rule
(``U`` = previous ``u`` + 1) and receive times advance by the capture's own inter-arrival times.

Everything a replay spends its time on (levels per message, share of deletions, where in the
book updates land, bid/ask mix) is therefore the real capture's. This is test and benchmark
data, never market data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from flowscope.analytics.liquidity.book import BookMessages
from flowscope.errors import ValidationError

__all__ = ["SyntheticFeed", "synthetic_feed"]


@dataclass(frozen=True)
class SyntheticFeed:
    """Columnar messages with the same arrays as a parsed feed (``sequence`` is ``"spot"``)."""

    sequence: str
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

    @property
    def n_updates(self) -> int:
        """Level updates in the diff messages."""
        return int(self.msg_offsets[-1] - self.msg_offsets[1])


def synthetic_feed(
    template: BookMessages,
    n_messages: int,
    *,
    seed: int = 0,
    block: int = 100,
    tick: float = 0.01,
    drift_ticks: float = 200.0,
) -> SyntheticFeed:
    """A seeded stream of one snapshot and ``n_messages`` diffs resampled from ``template``.

    Parameters
    ----------
    template : BookMessages
        A real capture holding a snapshot followed by at least ``block`` diffs.
    n_messages : int
        Diff messages to draw (rounded up to whole blocks).
    seed : int
        Seed of :func:`numpy.random.default_rng`.
    block : int
        Consecutive real messages per drawn block.
    tick : float
        Price tick (USD) for the drift and the rounding.
    drift_ticks : float
        Standard deviation of the price shift between blocks, in ticks.

    Returns
    -------
    SyntheticFeed
        Messages and levels (first message the snapshot), ready for ``replay_book``.
    """
    kind = np.asarray(template.msg_kind)
    snaps = np.flatnonzero(kind == 1)
    if snaps.size == 0:
        msg = "the template capture holds no snapshot"
        raise ValidationError(msg, param_name="template")
    s0 = int(snaps[0])
    diffs = np.arange(s0 + 1, kind.size)
    diffs = diffs[kind[diffs] == 0]
    if diffs.size < block:
        msg = f"the template has {diffs.size} diffs after its snapshot; need at least {block}"
        raise ValidationError(msg, param_name="template")
    rng = np.random.default_rng(seed)
    n_blocks = -(-n_messages // block)
    starts = rng.integers(0, diffs.size - block + 1, n_blocks)
    pick = diffs[(starts[:, None] + np.arange(block)).ravel()]
    shift = np.repeat(np.cumsum(np.round(rng.normal(0.0, drift_ticks, n_blocks))), block)
    msgs = np.concatenate([[s0], pick])
    off = np.asarray(template.msg_offsets, dtype=np.int64)
    counts = off[msgs + 1] - off[msgs]
    offsets = np.zeros(msgs.size + 1, np.int64)
    np.cumsum(counts, out=offsets[1:])
    rows = np.repeat(off[msgs] - offsets[:-1], counts) + np.arange(offsets[-1])
    lvl_shift = np.repeat(np.concatenate([[0.0], shift]), counts)
    price = np.round(np.asarray(template.lvl_price)[rows] / tick + lvl_shift) * tick
    n_upd = counts.copy()
    n_upd[0] = 0
    last = np.asarray(template.msg_last_id)[s0] + np.cumsum(n_upd)
    first = last - n_upd + 1
    first[0] = last[0]
    t_real = np.asarray(template.msg_ts_local_ns, dtype=np.int64)
    step = np.diff(t_real[diffs])
    step = step[step > 0]
    ts = t_real[s0] + np.concatenate([[0], np.cumsum(rng.choice(step, msgs.size - 1))])
    return SyntheticFeed(
        sequence="spot",
        msg_kind=np.asarray(kind[msgs], dtype=np.int8),
        msg_first_id=first.astype(np.int64),
        msg_last_id=last.astype(np.int64),
        msg_prev_id=np.full(msgs.size, -1, np.int64),
        msg_ts_exchange_ns=ts.astype(np.int64),
        msg_ts_local_ns=ts.astype(np.int64),
        msg_line=np.arange(1, msgs.size + 1, dtype=np.int64),
        msg_offsets=offsets,
        lvl_side=np.asarray(template.lvl_side, dtype=np.int8)[rows],
        lvl_price=price,
        lvl_size=np.asarray(template.lvl_size, dtype=np.float64)[rows],
    )

"""Liquidity metrics of sampled order books, with Kaiko's definitions.

Books are N x L arrays, best level first, NaN-padded (prices in quote currency, treated as
USD; sizes in base units). The reference price ``ref`` is a parameter:

* ``"best"``: best bid for the sell side, best ask for the buy side (as Kaiko's API does);
* ``"mid"``: the mid price for both sides (as Kaiko's research does).

Per sample (x in :data:`DEPTH_PCTS`, in percent; Q in USD):

* ``mid_usd`` = (best bid + best ask) / 2; ``spread_usd`` = best ask − best bid;
  ``spread_bps`` = spread / mid × 10⁴.
* ``depth_bid_{x}pct_base`` / ``_usd``: Σ size (Σ price × size) of bids priced at or above
  ref_bid × (1 − x/100); asks likewise at or below ref_ask × (1 + x/100).
* ``move_down_{x}pct_usd`` / ``move_up_{x}pct_usd``: USD of the levels strictly inside the
  band, i.e. what a market order must consume before the best price is x% away.
* ``slippage_buy_{Q}usd_bps``: a market buy of Q USD fills at the volume-weighted price
  P̄ = Q / (base bought); slippage = (P̄ − ref_ask) / ref_ask × 10⁴. Sells: (ref_bid − P̄) /
  ref_bid × 10⁴. Positive is a cost.
* ``imbalance_{x}pct`` = (bid depth − ask depth) / (bid depth + ask depth) in base units, at
  ``imbalance_pct``; in [−1, 1].

Missing is not zero: a depth or move cost is NaN when the levels held stop inside the band
(the book beyond is unknown), slippage is NaN when the levels held cannot fill Q, and every
figure is NaN when a side is empty.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from flowscope.analytics.liquidity.book import BookSamples
from flowscope.errors import ValidationError

__all__ = ["DEPTH_PCTS", "book_metrics", "metrics_from_arrays", "pct_label"]

#: Depth bands in percent of the reference price.
DEPTH_PCTS: tuple[float, ...] = (0.1, 0.5, 1.0, 2.0, 5.0, 10.0)
RefPrice = Literal["best", "mid"]


def pct_label(x: float) -> str:
    """``0.1`` → ``"0p1pct"``, ``2.0`` → ``"2pct"`` (for column names)."""
    return f"{x:g}".replace(".", "p") + "pct"


def _usd_label(q: float) -> str:
    return f"{q:.0f}usd" if float(q).is_integer() else f"{q:g}".replace(".", "p") + "usd"


def metrics_from_arrays(
    bid_px: np.ndarray,
    bid_sz: np.ndarray,
    ask_px: np.ndarray,
    ask_sz: np.ndarray,
    *,
    ref: RefPrice = "mid",
    pcts: Sequence[float] = DEPTH_PCTS,
    sizes_usd: Sequence[float] = (100_000.0, 1_000_000.0),
    imbalance_pct: float = 1.0,
) -> pd.DataFrame:
    """Spread, depth, move cost, slippage and imbalance for each of N books.

    Parameters
    ----------
    bid_px, bid_sz, ask_px, ask_sz : ndarray, shape (N, L)
        Books, best level first, NaN-padded; prices in USD, sizes in base units.
    ref : {"best", "mid"}
        Reference price for depth bands and slippage (see the module docstring).
    pcts : sequence of float
        Depth bands in percent (0.1 = 0.1 %).
    sizes_usd : sequence of float
        Market-order sizes for slippage, USD.
    imbalance_pct : float
        Band (percent, one of ``pcts``) for the imbalance.

    Returns
    -------
    DataFrame
        N rows, RangeIndex; columns ``best_bid_usd``, ``best_ask_usd``, ``mid_usd``,
        ``spread_usd``, ``spread_bps``, ``depth_{bid,ask}_{x}pct_{base,usd}``,
        ``move_{down,up}_{x}pct_usd``, ``slippage_{buy,sell}_{Q}usd_bps``,
        ``imbalance_{x}pct``.

    Examples
    --------
    >>> import numpy as np
    >>> bp = np.array([[99.0, 98.0, 90.0]]); bs = np.array([[1.0, 2.0, 5.0]])
    >>> ap = np.array([[101.0, 102.0, 110.0]]); asz = np.array([[1.0, 3.0, 1.0]])
    >>> m = metrics_from_arrays(bp, bs, ap, asz, ref="mid", pcts=(1.0, 2.0), sizes_usd=(200.0,))
    >>> float(m.loc[0, "spread_bps"]), float(m.loc[0, "depth_bid_2pct_base"])
    (200.0, 3.0)
    >>> round(float(m.loc[0, "slippage_buy_200usd_bps"]), 2)  # 101 USD at 101, 99 at 102
    149.25
    """
    from flowscope.analytics.liquidity import _kernels

    if ref not in ("best", "mid"):
        msg = f"ref must be 'best' or 'mid', got {ref!r}"
        raise ValidationError(msg, param_name="ref", received=ref)
    p = np.asarray(sorted(float(x) for x in pcts), dtype=np.float64)
    q = np.asarray(sorted(float(x) for x in sizes_usd), dtype=np.float64)
    if (p <= 0).any() or (q <= 0).any() or not (np.isfinite(p).all() and np.isfinite(q).all()):
        msg = "depth bands and order sizes must be positive numbers"
        raise ValidationError(msg, param_name="sizes_usd", received=list(sizes_usd))
    if imbalance_pct not in p:
        msg = f"imbalance_pct {imbalance_pct} is not one of the depth bands {list(p)}"
        raise ValidationError(msg, param_name="imbalance_pct", received=imbalance_pct)
    arrs = [np.ascontiguousarray(a, dtype=np.float64) for a in (bid_px, bid_sz, ask_px, ask_sz)]
    shape = arrs[0].shape
    if arrs[0].ndim != 2 or any(a.shape != shape for a in arrs):
        msg = f"book arrays must share one (N, L) shape, got {[a.shape for a in arrs]}"
        raise ValidationError(msg, param_name="bid_px")
    kernel: Any = _kernels.metrics_kernel
    db_b, db_u, da_b, da_u, mv_dn, mv_up, sl_buy, sl_sell = kernel(
        *arrs, ref == "mid", p / 100.0, q
    )
    bb, ba = arrs[0][:, 0], arrs[2][:, 0]
    mid = 0.5 * (bb + ba)
    cols: dict[str, np.ndarray] = {
        "best_bid_usd": bb,
        "best_ask_usd": ba,
        "mid_usd": mid,
        "spread_usd": ba - bb,
        "spread_bps": (ba - bb) / mid * 1e4,
    }
    for k, x in enumerate(p):
        lab = pct_label(x)
        cols[f"depth_bid_{lab}_base"] = db_b[:, k]
        cols[f"depth_ask_{lab}_base"] = da_b[:, k]
        cols[f"depth_bid_{lab}_usd"] = db_u[:, k]
        cols[f"depth_ask_{lab}_usd"] = da_u[:, k]
    for k, x in enumerate(p):
        lab = pct_label(x)
        cols[f"move_down_{lab}_usd"] = mv_dn[:, k]
        cols[f"move_up_{lab}_usd"] = mv_up[:, k]
    for j, size in enumerate(q):
        lab = _usd_label(size)
        cols[f"slippage_buy_{lab}_bps"] = sl_buy[:, j]
        cols[f"slippage_sell_{lab}_bps"] = sl_sell[:, j]
    k_imb = int(np.flatnonzero(p == imbalance_pct)[0])
    b, a = db_b[:, k_imb], da_b[:, k_imb]
    with np.errstate(invalid="ignore", divide="ignore"):
        cols[f"imbalance_{pct_label(imbalance_pct)}"] = (b - a) / (b + a)
    return pd.DataFrame(cols)


def book_metrics(
    samples: BookSamples,
    *,
    ref: RefPrice = "mid",
    pcts: Sequence[float] = DEPTH_PCTS,
    sizes_usd: Sequence[float] = (100_000.0, 1_000_000.0),
    imbalance_pct: float = 1.0,
) -> pd.DataFrame:
    """:func:`metrics_from_arrays` over sampled books, with their times and sync flags.

    Returns
    -------
    DataFrame
        One row per sample: ``ts`` (UTC), ``synced``, ``approximate``, then the metric columns.
    """
    out = metrics_from_arrays(
        samples.bid_px,
        samples.bid_sz,
        samples.ask_px,
        samples.ask_sz,
        ref=ref,
        pcts=pcts,
        sizes_usd=sizes_usd,
        imbalance_pct=imbalance_pct,
    )
    out.insert(0, "approximate", samples.approximate)
    out.insert(0, "synced", samples.synced)
    out.insert(0, "ts", samples.ts)
    return out

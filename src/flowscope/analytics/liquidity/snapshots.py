"""Liquidity metrics of stored book snapshots (long format: one row per level).

Input rows: ``ts`` (UTC), ``side`` (``bid``/``ask``), ``price`` (USD), ``size`` (base units);
optional ``venue``, ``symbol`` and ``last_update_id`` identify the snapshot with ``ts``. The
levels of each snapshot are laid out best first in N x L arrays (NaN-padded) and passed to
the same numba kernels as :func:`~flowscope.analytics.liquidity.metrics.metrics_from_arrays`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from flowscope.analytics.liquidity.metrics import DEPTH_PCTS, RefPrice, metrics_from_arrays
from flowscope.errors import ValidationError

__all__ = ["SNAPSHOT_KEYS", "snapshot_metrics"]

#: Columns that identify one snapshot, when present (in this order).
SNAPSHOT_KEYS = ("venue", "symbol", "ts", "last_update_id")


def snapshot_metrics(
    levels: pd.DataFrame,
    *,
    ref: RefPrice = "mid",
    pcts: Sequence[float] = DEPTH_PCTS,
    sizes_usd: Sequence[float] = (100_000.0, 1_000_000.0),
    imbalance_pct: float = 1.0,
    n_levels: int | None = None,
) -> pd.DataFrame:
    """One row of Kaiko-style metrics per snapshot held in ``levels``.

    Parameters
    ----------
    levels
        Long-format levels (see the module docstring). Levels with a size of zero or less
        are left out.
    ref, pcts, sizes_usd, imbalance_pct
        As in :func:`~flowscope.analytics.liquidity.metrics.metrics_from_arrays`.
    n_levels
        Keep at most this many levels a side (default: all).

    Returns
    -------
    DataFrame
        The key columns present (``venue``, ``symbol``, ``ts``, ``last_update_id``), sorted,
        then the metric columns.
    """
    need = {"ts", "side", "price", "size"}
    if not need <= set(levels.columns):
        msg = f"book levels need columns {sorted(need)}; got {list(levels.columns)}"
        raise ValidationError(msg, param_name="levels", received=list(levels.columns))
    keys = [k for k in SNAPSHOT_KEYS if k in levels.columns]
    lv = levels.loc[levels["size"] > 0, [*keys, "side", "price", "size"]]
    is_bid = (lv["side"] == "bid").to_numpy()
    # best first on each side: bids by price descending, asks ascending
    lv = lv.assign(_o=np.where(is_bid, -lv["price"].to_numpy(), lv["price"].to_numpy()))
    lv = lv.sort_values([*keys, "side", "_o"], kind="stable")
    snap = lv.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    rank = lv.groupby([*keys, "side"], sort=False, dropna=False).cumcount().to_numpy()
    if n_levels is not None:
        keep = rank < n_levels
        lv, snap, rank = lv[keep], snap[keep], rank[keep]
    ids = lv[keys].drop_duplicates().reset_index(drop=True)
    n = len(ids)
    width = int(rank.max()) + 1 if len(rank) else 1
    arrs = {}
    for side in ("bid", "ask"):
        m = (lv["side"] == side).to_numpy()
        px = np.full((n, width), np.nan)
        sz = np.full((n, width), np.nan)
        px[snap[m], rank[m]] = lv["price"].to_numpy()[m]
        sz[snap[m], rank[m]] = lv["size"].to_numpy()[m]
        arrs[side] = (px, sz)
    out = metrics_from_arrays(
        *arrs["bid"],
        *arrs["ask"],
        ref=ref,
        pcts=pcts,
        sizes_usd=sizes_usd,
        imbalance_pct=imbalance_pct,
    )
    return pd.concat([ids, out], axis=1)

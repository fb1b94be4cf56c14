"""Brief section for the macro-liquidity front, and its pure helpers (``flowscope macro``).

:func:`indicators` computes the weekly indicators from the FRED observations; :func:`snapshot`
turns one as-of week into one row per indicator with the inputs used and a loud stale flag.
The store-reading wrappers live in :mod:`flowscope.report.macro`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flowscope.analytics.macro import (
    INDICATOR_INPUTS,
    INDICATOR_UNITS,
    friday_grid,
    macro_indicators,
    stale_inputs,
)
from flowscope.errors import InsufficientDataError
from flowscope.report._brief_model import BriefContext, BriefSection

__all__ = ["build", "indicators", "snapshot"]


def indicators(
    obs: pd.DataFrame, *, asof: pd.Timestamp | None = None, drop_stale: bool = False
) -> pd.DataFrame:
    """Weekly (Friday) indicators from macro observations up to ``asof`` (default: a week
    past the newest observation); ``attrs["warnings"]`` lists fallbacks.

    Parameters
    ----------
    obs
        Declared FRED macro series in long form (``series``, ``date``, ``value``; FRED units).

    Raises
    ------
    InsufficientDataError
        No macro series held, or none before ``asof``.
    """
    if obs.empty:
        msg = (
            "no macro series held (WALCL, RRPONTSYD, M2SL, DGS10 ...): run `flowscope init` "
            "or `flowscope import` FRED files"
        )
        raise InsufficientDataError(msg)
    end = asof if asof is not None else obs["date"].max()
    grid = friday_grid(obs["date"].min(), end)
    if asof is not None and (len(grid) == 0 or grid[-1] != asof):
        grid = grid.append(pd.DatetimeIndex([asof]))
    return macro_indicators(obs, grid, drop_stale=drop_stale)


def snapshot(ind: pd.DataFrame, asof: pd.Timestamp | None = None) -> pd.DataFrame:
    """One row per indicator on the as-of week: value, unit, inputs used, stale inputs."""
    day = ind.index[-1] if asof is None else ind.index[ind.index <= asof][-1]
    row = ind.loc[day]
    rows = []
    for name, unit in INDICATOR_UNITS.items():
        inputs = INDICATOR_INPUTS[name]
        used = {
            s: row[f"{s}__date"]
            for s in inputs
            if f"{s}__date" in row.index and pd.notna(row[f"{s}__date"])
        }
        stale = stale_inputs(pd.Series({f"{s}__date": d for s, d in used.items()}), day)
        rows.append(
            {
                "indicator": name,
                "value": float(row[name]) if pd.notna(row[name]) else np.nan,
                "unit": unit,
                "inputs": ", ".join(f"{s} {pd.Timestamp(d):%Y-%m-%d}" for s, d in used.items()),
                "stale": "; ".join(stale) if stale else "",
            }
        )
    out = pd.DataFrame(rows)
    out.attrs["asof"] = day
    return out


def _fmt(name: str, v: float) -> str:
    if name.endswith("_usd"):
        return f"${v / 1e9:,.0f} bn"
    if name.endswith("_bp"):
        return f"{v:+.0f} bp"
    if name == "liquidity_score":
        return f"{v:+.2f} z"
    return f"{v:.2f}%"


def build(ctx: BriefContext) -> BriefSection | None:
    """Macro liquidity on the brief's day: net liquidity and its 13-week change, M2 growth,
    curve slope, real policy rate, dollar momentum, funding stress, composite score; stale
    inputs named. None when no macro series is held."""
    try:
        ind = indicators(ctx.frames.macro, asof=ctx.asof)
    except InsufficientDataError:
        return None
    snap = snapshot(ind)
    bullets = [
        f"{r.indicator}: {_fmt(r.indicator, r.value)}"
        + (f" — STALE input: {r.stale}" if r.stale else "")
        for r in snap.itertuples()
        if pd.notna(r.value)
    ]
    bullets += [f"note: {w}" for w in ind.attrs.get("warnings", [])]
    facts = {
        str(r.indicator): (None if pd.isna(r.value) else float(r.value)) for r in snap.itertuples()
    }
    return BriefSection(
        key="macro",
        title="Macro liquidity",
        bullets=bullets,
        table=snap,
        facts=facts,
        provenance=[
            "rates: FRED (WALCL, RRPONTSYD, M2SL, DGS2/DGS10, DTWEXBGS, EFFR, SOFR, IORB, NFCI)"
        ],
        asof=pd.Timestamp(snap.attrs["asof"]),
    )

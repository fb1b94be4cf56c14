"""Compare a wide per-fund table about to be stored with what the store already holds.

A page or file whose fund columns were renamed, dropped or swapped (IBIT <-> FBTC), or whose
past sessions changed, would silently rewrite history if stored. :func:`compare_with_held`
finds these changes; the import and update commands refuse them unless told to accept them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

__all__ = ["HeldComparison", "compare_with_held"]


@dataclass
class HeldComparison:
    """What an incoming per-fund frame changes in the held history.

    Attributes
    ----------
    swapped
        ``(fund, fund it now matches, sessions)``: the incoming values of ``fund`` equal what
        is held for another fund on the shared sessions (a column swap or rename).
    missing_funds
        Funds held on the shared sessions that the incoming frame no longer has.
    new_funds
        Funds the incoming frame has on sessions already held without them.
    revised
        Held values changed beyond the tolerance on sessions older than the recent window:
        columns ``date``, ``fund``, ``held_usd``, ``new_usd``.
    recent_revised
        The same for the recent sessions, where revisions are expected.
    """

    swapped: list[tuple[str, str, int]] = field(default_factory=list)
    missing_funds: list[str] = field(default_factory=list)
    new_funds: list[str] = field(default_factory=list)
    revised: pd.DataFrame = field(default_factory=pd.DataFrame)
    recent_revised: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def drift(self) -> bool:
        """Whether the fund set or column order changed."""
        return bool(self.swapped or self.missing_funds or self.new_funds)

    @property
    def blocking(self) -> bool:
        """Whether storing would rewrite history (drift or revisions of past sessions)."""
        return self.drift or not self.revised.empty

    def describe(self, limit: int = 8) -> str:
        """One paragraph naming the funds and dates concerned."""
        parts = []
        for fund, other, n in self.swapped:
            parts.append(
                f"{fund}'s values equal what is held for {other} on {n} shared session(s) "
                "(columns swapped or renamed?)"
            )
        if self.missing_funds:
            parts.append(f"fund(s) no longer present: {', '.join(self.missing_funds)}")
        if self.new_funds:
            parts.append(f"fund(s) new on sessions already held: {', '.join(self.new_funds)}")
        if not self.revised.empty:
            rows = self.revised.head(limit)
            shown = "; ".join(
                f"{d:%Y-%m-%d} {f}: {h / 1e6:,.1f} -> {v / 1e6:,.1f} M USD"
                for d, f, h, v in rows[["date", "fund", "held_usd", "new_usd"]].itertuples(
                    index=False
                )
            )
            more = f" (and {len(self.revised) - limit} more)" if len(self.revised) > limit else ""
            parts.append(f"{len(self.revised)} past value(s) revised: {shown}{more}")
        return "; ".join(parts)


def compare_with_held(
    held: pd.DataFrame,
    new: pd.DataFrame,
    *,
    value: str = "flow_usd",
    tolerance_usd: float = 0.1e6,
    recent_sessions: int = 5,
) -> HeldComparison:
    """Compare incoming per-fund rows with the held ones of the same source.

    Parameters
    ----------
    held, new
        Rows with columns ``date``, ``fund`` and ``value`` (USD); ``held`` is what the store
        holds from the same source over (at least) ``new``'s dates. The all-fund ``Total``
        is compared as a value but not as a fund column.
    value
        Value column compared.
    tolerance_usd
        Largest change not counted as a revision (Farside rounds to 0.1 M USD).
    recent_sessions
        The newest sessions held that may be revised freely (late reports).

    Returns
    -------
    HeldComparison
    """
    out = HeldComparison()
    if held.empty or new.empty:
        return out
    h = held.assign(date=pd.to_datetime(held["date"])).pivot_table(
        index="date", columns="fund", values=value, aggfunc="last", dropna=False
    )
    n = new.assign(date=pd.to_datetime(new["date"])).pivot_table(
        index="date", columns="fund", values=value, aggfunc="last", dropna=False
    )
    dates = h.index.intersection(n.index)
    if dates.empty:
        return out
    h, n = h.loc[dates], n.loc[dates]
    held_funds = [f for f in h.columns if f != "Total" and h[f].notna().any()]
    new_funds = [f for f in n.columns if f != "Total" and n[f].notna().any()]
    out.missing_funds = sorted(set(held_funds) - set(new_funds))
    out.new_funds = sorted(
        f for f in set(new_funds) - set(held_funds) if (n[f].fillna(0) != 0).any()
    )
    shared = sorted(set(held_funds) & set(new_funds))
    if shared:
        hv = h[shared].to_numpy(dtype="float64")
        nv = n[shared].to_numpy(dtype="float64")
        changed = np.abs(nv - hv) > tolerance_usd
        for j, fund in enumerate(shared):
            rows = changed[:, j]
            if rows.sum() < 2:
                continue
            # does the incoming column match another held column on the changed sessions?
            diff = np.abs(nv[rows, j][:, None] - hv[rows, :]) <= tolerance_usd
            both = ~np.isnan(nv[rows, j])[:, None] & ~np.isnan(hv[rows, :])
            share = (diff & both).sum(axis=0) / np.maximum(both.sum(axis=0), 1)
            share[j] = 0.0
            k = int(np.argmax(share))
            if share[k] >= 0.9:
                out.swapped.append((fund, shared[k], int(rows.sum())))
    long_h = held.assign(date=pd.to_datetime(held["date"]))[["date", "fund", value]]
    long_n = new.assign(date=pd.to_datetime(new["date"]))[["date", "fund", value]]
    both = long_h.merge(long_n, on=["date", "fund"], suffixes=("_held", "_new"))
    a, b = both[f"{value}_held"], both[f"{value}_new"]
    rev = both[a.notna() & (b.isna() | ((a - b).abs() > tolerance_usd))]
    rev = rev.rename(columns={f"{value}_held": "held_usd", f"{value}_new": "new_usd"})
    rev = rev.sort_values(["date", "fund"]).reset_index(drop=True)
    held_dates = np.sort(pd.to_datetime(held["date"]).unique())
    cutoff = pd.Timestamp(held_dates[max(0, len(held_dates) - recent_sessions)])
    out.recent_revised = rev[rev["date"] >= cutoff].reset_index(drop=True)
    out.revised = rev[rev["date"] < cutoff].reset_index(drop=True)
    return out

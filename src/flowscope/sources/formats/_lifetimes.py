"""Keep a fund's cells outside its life (bundled fund lifetime table) out of canonical rows."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from flowscope.schemas.funds import fund_lifetimes
from flowscope.sources._files import RowIssue

__all__ = ["keep_out_of_life", "life_bounds"]


def life_bounds(
    funds: Sequence[str], lifetimes: pd.DataFrame | None
) -> tuple[np.ndarray, np.ndarray]:
    """First and last trading day per column (NaT: fund not in the table, still trading, Total)."""
    table = fund_lifetimes() if lifetimes is None else lifetimes
    life = table.set_index(table["ticker"].astype(str).str.upper())
    idx = pd.Index([str(f).upper() for f in funds])
    first = pd.to_datetime(life["first_day"]).reindex(idx).to_numpy(dtype="datetime64[ns]")
    last = pd.to_datetime(life["last_day"]).reindex(idx).to_numpy(dtype="datetime64[ns]")
    return first, last


def _span(days: pd.DatetimeIndex) -> str:
    return f"{days.min():%Y-%m-%d}..{days.max():%Y-%m-%d}" if len(days) else ""


def keep_out_of_life(
    mat: np.ndarray,
    starts: pd.DatetimeIndex,
    ends: pd.DatetimeIndex,
    rownos: Sequence[int | None],
    keep: np.ndarray,
    funds: Sequence[str],
    first_day: np.ndarray,
    last_day: np.ndarray,
    *,
    unit: str,
) -> list[RowIssue]:
    """Blank ``mat`` (in place) outside each fund's life; return one issue per fund and kind.

    A row covers ``starts[i]..ends[i]`` (one day for daily tables, a month for monthly ones);
    it is before a launch when it ends before the first trading day, after a closure when it
    starts after the last. Zeros there are a table's filler and are summarised in one line; a
    non-zero value there is a data error, reported with its first row, dates and values.
    Only rows that would otherwise be stored (``keep``) are counted.
    """
    before = ends.to_numpy()[:, None] < first_day[None, :]  # NaT compares False: no check
    after = starts.to_numpy()[:, None] > last_day[None, :]
    has = ~np.isnan(mat) & np.asarray(keep, dtype=bool)[:, None]
    issues: list[RowIssue] = []
    for jj in np.flatnonzero((before | after).any(axis=0)):
        j = int(jj)
        f = funds[j]
        for side, mask, when in (
            ("before its launch on", before[:, j], first_day[j]),
            ("after its last trading day", after[:, j], last_day[j]),
        ):
            zero = mask & has[:, j] & (mat[:, j] == 0)
            if zero.any():
                issues.append(
                    RowIssue(
                        None,
                        f"{f}: {int(zero.sum())} zero cells {side} "
                        f"{pd.Timestamp(when):%Y-%m-%d} kept out",
                        detail=_span(ends[zero]),
                    )
                )
            loud = mask & has[:, j] & (mat[:, j] != 0)
            if loud.any():
                k = np.flatnonzero(loud)
                shown = ", ".join(f"{ends[i]:%Y-%m-%d} {mat[i, j]:,.1f}" for i in k[:5])
                issues.append(
                    RowIssue(
                        rownos[int(k[0])],
                        f"DATA ERROR {f}: {len(k)} non-zero figure(s) {side} "
                        f"{pd.Timestamp(when):%Y-%m-%d} kept out ({unit}); check the file, or "
                        "the fund's dates in the fund lifetime table",
                        date=f"{ends[int(k[0])]:%Y-%m-%d}",
                        detail=shown + (" …" if len(k) > 5 else ""),
                    )
                )
        mat[before[:, j] | after[:, j], j] = np.nan
    return issues

"""Inventory readers: what the store holds per dataset, how fresh it is, newest held times.

Times are naive UTC unless a column says otherwise; days are naive.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from flowscope.analytics.freshness import dataset_freshness, series_freshness
from flowscope.schemas import get_dataset

if TYPE_CHECKING:
    from flowscope._typing import DateLike
    from flowscope.storage import Store

__all__ = ["coverage", "has_data", "input_freshness", "newest_held"]


def coverage(
    store: Store,
    dataset: str | None = None,
    *,
    by_group: bool = False,
    end: DateLike | None = None,
    with_values: bool = False,
) -> pd.DataFrame:
    """Rows, first and last time held per dataset and source (see :meth:`Store.coverage`)."""
    return store.coverage(dataset, by_group=by_group, end=end, with_values=with_values)


def has_data(store: Store) -> bool:
    """Whether any dataset holds at least one row."""
    return any(not store.sql(f"SELECT 1 FROM {d} LIMIT 1").empty for d in store.datasets())


def input_freshness(
    store: Store,
    *,
    today: DateLike,
    dataset: str | None = None,
    by_series: bool = True,
) -> pd.DataFrame:
    """Freshness of what the store holds as seen on ``today`` (rows dated later are ignored).

    Only rows holding a figure count (blank cells are missing).

    Returns
    -------
    DataFrame
        :func:`~flowscope.analytics.freshness.series_freshness` (``by_series``) or
        :func:`~flowscope.analytics.freshness.dataset_freshness` output.
    """
    day = pd.Timestamp(today).normalize()
    cov = store.coverage(dataset, by_group=True, end=day, with_values=True)
    meetings = store.fomc_meetings() if "fomc_meetings" in store.datasets() else None
    judge = series_freshness if by_series else dataset_freshness
    return judge(cov, today=day, meetings=meetings)


def newest_held(store: Store, dataset: str, *, source: str, group: str | None = None) -> pd.Series:
    """Newest time held from ``source`` in ``dataset``, per ``group`` column value.

    Returns
    -------
    Series
        Naive UTC times (``datetime64[ns]``) indexed by the group value as text (``""``
        when ``group`` is None); empty when the source holds nothing.
    """
    spec = get_dataset(dataset)
    sel = f"CAST({group} AS VARCHAR)" if group else "''"
    held = store.sql(
        f"SELECT {sel} AS g, max({spec.time_column}) AS t FROM {spec.name} "
        "WHERE source = ? GROUP BY 1",
        [source],
    )
    t = pd.to_datetime(held["t"], utc=True).dt.tz_localize(None)
    return pd.Series(t.to_numpy(), index=held["g"].astype(str), dtype="datetime64[ns]")

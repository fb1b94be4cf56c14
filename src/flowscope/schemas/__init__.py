"""Canonical datasets ("standard models"): columns, keys, units, time zones."""

from flowscope.schemas import (
    etf_flows_extra,  # noqa: F401  (registers etf_flows_agg)
    fedwatch,  # noqa: F401  (registers fedwatch_panel)
)
from flowscope.schemas._spec import Column, DatasetSpec
from flowscope.schemas.datasets import (
    BOOK_SNAPSHOTS,
    DATASETS,
    ETF_FLOWS,
    FED_FUTURES,
    FOMC_DOCS,
    FOMC_MEETINGS,
    PRICES,
    RATES,
    get_dataset,
    register_dataset,
)

__all__ = [
    "BOOK_SNAPSHOTS",
    "DATASETS",
    "ETF_FLOWS",
    "FED_FUTURES",
    "FOMC_DOCS",
    "FOMC_MEETINGS",
    "PRICES",
    "RATES",
    "Column",
    "DatasetSpec",
    "get_dataset",
    "register_dataset",
]

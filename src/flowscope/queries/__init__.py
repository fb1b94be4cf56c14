"""Store to frames: the read side used by the CLI, the brief and the dashboard.

Each function takes an open :class:`flowscope.storage.Store` (re-exported here as the
type the readers take) and returns pandas DataFrames in base units (USD, %, UTC),
choosing one source per dataset with the dataset's declared preference. No SQL lives
outside ``storage`` and ``queries``. One module per domain: ``prices``, ``flows``,
``rates``, ``docs`` (FOMC documents and the tone cache) and ``inventory`` (coverage and
freshness). Names load on first use, so importing this package imports neither pandas nor
DuckDB.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flowscope.queries.docs import cached_history, held_docs, warm_cache
    from flowscope.queries.flows import etf_total_flows, flows_wide, latest_total_flow
    from flowscope.queries.inventory import coverage, has_data, input_freshness, newest_held
    from flowscope.queries.prices import held_symbols, latest_closes, load_close, price_inventory
    from flowscope.queries.rates import (
        FedWatchInputs,
        fedwatch_panel,
        fomc_meetings,
        latest_rates,
        load_inputs,
        policy_rates,
        release_events,
        write_fedwatch_panel,
    )
    from flowscope.storage import Store

__all__ = [
    "FedWatchInputs",
    "Store",
    "cached_history",
    "coverage",
    "etf_total_flows",
    "fedwatch_panel",
    "flows_wide",
    "fomc_meetings",
    "has_data",
    "held_docs",
    "held_symbols",
    "input_freshness",
    "latest_closes",
    "latest_rates",
    "latest_total_flow",
    "load_close",
    "load_inputs",
    "newest_held",
    "policy_rates",
    "price_inventory",
    "release_events",
    "warm_cache",
    "write_fedwatch_panel",
]

_HOME: dict[str, str] = {
    "Store": "flowscope.storage",
    **dict.fromkeys(("cached_history", "held_docs", "warm_cache"), "flowscope.queries.docs"),
    **dict.fromkeys(
        ("etf_total_flows", "flows_wide", "latest_total_flow"), "flowscope.queries.flows"
    ),
    **dict.fromkeys(
        ("coverage", "has_data", "input_freshness", "newest_held"), "flowscope.queries.inventory"
    ),
    **dict.fromkeys(
        ("held_symbols", "latest_closes", "load_close", "price_inventory"),
        "flowscope.queries.prices",
    ),
    **dict.fromkeys(
        (
            "FedWatchInputs",
            "fedwatch_panel",
            "fomc_meetings",
            "latest_rates",
            "load_inputs",
            "policy_rates",
            "release_events",
            "write_fedwatch_panel",
        ),
        "flowscope.queries.rates",
    ),
}


def __getattr__(name: str) -> Any:  # PEP 562
    module = _HOME.get(name)
    if module is None:
        msg = f"module 'flowscope.queries' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

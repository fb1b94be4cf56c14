"""flowscope: where Bitcoin's money is going and why, from real data.

The public names are loaded on first use (PEP 562), so ``import flowscope`` and
``flowscope --help`` do not import pandas or DuckDB.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from flowscope.errors import FlowscopeError, FlowscopeWarning

if TYPE_CHECKING:
    __version__: str

    from flowscope import analytics, errors, queries
    from flowscope.config import Settings, load_settings
    from flowscope.queries import (
        coverage,
        etf_total_flows,
        flows_wide,
        held_docs,
        input_freshness,
        load_close,
        load_inputs,
    )
    from flowscope.report import build_brief
    from flowscope.storage import Store, open_store

__all__ = [
    "FlowscopeError",
    "FlowscopeWarning",
    "Settings",
    "Store",
    "__version__",
    "analytics",
    "build_brief",
    "coverage",
    "errors",
    "etf_total_flows",
    "flows_wide",
    "held_docs",
    "input_freshness",
    "load_close",
    "load_inputs",
    "load_settings",
    "open_store",
    "queries",
]

_LAZY: dict[str, str] = {
    "Settings": "flowscope.config",
    "load_settings": "flowscope.config",
    "Store": "flowscope.storage",
    "open_store": "flowscope.storage",
    "build_brief": "flowscope.report",
    **dict.fromkeys(
        (
            "coverage",
            "etf_total_flows",
            "flows_wide",
            "held_docs",
            "input_freshness",
            "load_close",
            "load_inputs",
        ),
        "flowscope.queries",
    ),
}
_SUBMODULES = frozenset({"analytics", "errors", "queries"})


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("flowscope")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        value: Any = _version()
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        value = importlib.import_module(f"flowscope.{name}")
        globals()[name] = value
        return value
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'flowscope' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

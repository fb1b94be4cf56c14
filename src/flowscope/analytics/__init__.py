"""Pure analytics: frames in, frames out, base units (USD, %, UTC); no I/O.

The main entry points are re-exported here and load on first use (PEP 562); each lives
in a module by domain (``flows``, ``fedwatch``, ``rotation``, ``seasonality``, ``events``,
``freshness``, ``align``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flowscope.analytics.align import align_daily
    from flowscope.analytics.events import event_study
    from flowscope.analytics.fedwatch import fedwatch_panel, implied_probabilities
    from flowscope.analytics.flows import (
        cumulative_rank,
        detect_reversals,
        flow_records,
        flow_zscore,
        flows_wide,
        largest_outflows,
        rolling_flows,
    )
    from flowscope.analytics.freshness import series_freshness
    from flowscope.analytics.rotation import pair_metrics, rotation_score, rotation_snapshot
    from flowscope.analytics.seasonality import calendar_returns, window_returns

__all__ = [
    "align_daily",
    "calendar_returns",
    "cumulative_rank",
    "detect_reversals",
    "event_study",
    "fedwatch_panel",
    "flow_records",
    "flow_zscore",
    "flows_wide",
    "implied_probabilities",
    "largest_outflows",
    "pair_metrics",
    "rolling_flows",
    "rotation_score",
    "rotation_snapshot",
    "series_freshness",
    "window_returns",
]

_HOME: dict[str, str] = {
    **dict.fromkeys(("align_daily",), "flowscope.analytics.align"),
    **dict.fromkeys(("event_study",), "flowscope.analytics.events"),
    **dict.fromkeys(("fedwatch_panel", "implied_probabilities"), "flowscope.analytics.fedwatch"),
    **dict.fromkeys(
        (
            "cumulative_rank",
            "detect_reversals",
            "flow_records",
            "flow_zscore",
            "flows_wide",
            "largest_outflows",
            "rolling_flows",
        ),
        "flowscope.analytics.flows",
    ),
    **dict.fromkeys(("series_freshness",), "flowscope.analytics.freshness"),
    **dict.fromkeys(
        ("pair_metrics", "rotation_score", "rotation_snapshot"), "flowscope.analytics.rotation"
    ),
    **dict.fromkeys(("calendar_returns", "window_returns"), "flowscope.analytics.seasonality"),
}


def __getattr__(name: str) -> Any:  # PEP 562: pandas loads on first use
    module = _HOME.get(name)
    if module is None:
        msg = f"module 'flowscope.analytics' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

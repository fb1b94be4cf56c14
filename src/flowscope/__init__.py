"""flowscope: where Bitcoin's money is going and why, from real data."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from flowscope.config import Settings, load_settings
from flowscope.errors import FlowscopeError, FlowscopeWarning
from flowscope.storage import Store, open_store

try:
    __version__ = version("flowscope")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "FlowscopeError",
    "FlowscopeWarning",
    "Settings",
    "Store",
    "__version__",
    "load_settings",
    "open_store",
]

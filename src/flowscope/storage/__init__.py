"""The DuckDB store: canonical datasets, idempotent transactional upserts, coverage."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flowscope.storage.store import Store, UpsertResult, open_store

__all__ = ["Store", "UpsertResult", "open_store"]


def __getattr__(name: str) -> Any:  # PEP 562: pandas and DuckDB load on first use
    if name in __all__:
        from flowscope.storage import store

        return getattr(store, name)
    msg = f"module 'flowscope.storage' has no attribute {name!r}"
    raise AttributeError(msg)

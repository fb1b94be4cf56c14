"""The DuckDB store: canonical datasets, idempotent transactional upserts, coverage."""

from flowscope.storage.store import Store, UpsertResult, open_store

__all__ = ["Store", "UpsertResult", "open_store"]

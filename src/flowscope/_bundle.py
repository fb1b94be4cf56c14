"""The bundled snapshot of real public data (``flowscope/data``), and loading it into a store."""

from __future__ import annotations

import importlib.resources
import json
from collections.abc import Callable

import pandas as pd

from flowscope.storage import Store, UpsertResult

__all__ = ["bundle_manifest", "load_bundle"]


def bundle_manifest() -> list[dict[str, str]]:
    """Entries of ``flowscope/data/bundle.json``: file, dataset, source, description."""
    res = importlib.resources.files("flowscope") / "data" / "bundle.json"
    if not res.is_file():
        return []
    return json.loads(res.read_text(encoding="utf-8"))["files"]  # type: ignore[no-any-return]


def load_bundle(
    store: Store, *, progress: Callable[[int, int, str], None] | None = None
) -> list[UpsertResult]:
    """Upsert every bundled Parquet file into ``store`` in one transaction."""
    entries = bundle_manifest()
    base = importlib.resources.files("flowscope") / "data"
    results = []
    with store.transaction():
        for i, entry in enumerate(entries):
            if progress:
                progress(i, len(entries), entry["file"])
            with (base / entry["file"]).open("rb") as fh:
                frame = pd.read_parquet(fh)
            results.append(
                store.upsert(
                    entry["dataset"],
                    frame,
                    source=entry["source"],
                    ts_ingested=pd.Timestamp(entry["retrieved"], tz="UTC"),
                    origin=f"bundle:{entry['file']}",
                )
            )
    if progress:
        progress(len(entries), len(entries), "done")
    return results

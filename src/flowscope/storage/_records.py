"""The record of imported files kept beside a store, read without DuckDB.

``<store>.imports.json`` lists the files whose import is still in force (the rows of the
``ingested_files`` table that no later ingest has overwritten, see
:mod:`flowscope.storage._files`) together with a stamp of the store file taken when the
record was written: its resolved path, size, modification and change times (ns), inode and
the size and modification time of DuckDB's write-ahead log if one exists. Any later write to
the store changes the stamp, so the record is trusted only while the stamp still matches;
otherwise the caller asks the store itself.

The record is written (atomically: a temporary file, then ``os.replace``) only by a process
holding the writers' lock (:mod:`flowscope.storage._lock`) after it closed its connection,
so that no write can fall between the stamp and the list. A missing, unreadable, corrupt or
foreign record reads as "not known" (``None``), never as an error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "FORMAT",
    "discard_record",
    "lookup_record",
    "record_path",
    "store_stamp",
    "write_record",
]

#: The record's format tag; a record with another tag is ignored.
FORMAT = "flowscope-imports/1"


def record_path(db: Path) -> Path:
    """``<store>.imports.json`` beside the store file ``db``."""
    return db.with_name(db.name + ".imports.json")


def store_stamp(db: Path) -> dict[str, Any] | None:
    """What changes when anything writes to the store ``db``; None if it cannot be read."""
    try:
        st = db.stat()
        resolved = str(db.resolve())
    except OSError:
        return None
    wal = db.with_name(db.name + ".wal")
    try:
        ws = wal.stat()
        wal_stamp: list[int] | None = [ws.st_size, ws.st_mtime_ns]
    except FileNotFoundError:
        wal_stamp = None
    except OSError:
        return None
    return {
        "store": resolved,
        "size_bytes": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "ctime_ns": st.st_ctime_ns,
        "inode": st.st_ino,
        "wal": wal_stamp,
    }


def write_record(db: Path, files: Sequence[dict[str, Any]]) -> None:
    """Replace the record of ``db`` with ``files`` and the store's current stamp.

    Call with the writers' lock held and no connection to ``db`` open in this process.
    ``files``: one mapping per file in force with keys ``sha256``, ``dataset``, ``options``,
    ``path``, ``size_bytes``, ``mtime_utc`` and ``imported_utc`` (ISO 8601, UTC). A record
    that cannot be written is removed instead (the store is then asked).
    """
    stamp = store_stamp(db)
    if stamp is None:
        discard_record(db)
        return
    target = record_path(db)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    doc = {"format": FORMAT, "stamp": stamp, "files": list(files)}
    try:
        tmp.write_text(json.dumps(doc, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        discard_record(db)


def discard_record(db: Path) -> None:
    """Remove the record of ``db`` if there is one."""
    with contextlib.suppress(OSError):
        record_path(db).unlink()


def lookup_record(
    db: Path, sha256: str, dataset: str, options: str
) -> tuple[str, dt.datetime] | None:
    """``(path, when imported, UTC)`` of an import of this content still in force, else None.

    None also when the record is missing, unreadable, of another format or store, or the
    store has been written since the record was made.
    """
    try:
        doc = json.loads(record_path(db).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return None
    stamp = store_stamp(db)
    if stamp is None or doc.get("stamp") != stamp:
        return None
    files = doc.get("files")
    if not isinstance(files, list):
        return None
    for entry in files:
        if not isinstance(entry, dict):
            return None
        if (entry.get("sha256"), entry.get("dataset"), entry.get("options")) != (
            sha256,
            dataset,
            options,
        ):
            continue
        try:
            when = dt.datetime.fromisoformat(str(entry["imported_utc"]))
            path = str(entry["path"])
        except (KeyError, ValueError, TypeError):
            return None
        return None if when.tzinfo is None else (path, when.astimezone(dt.UTC))
    return None

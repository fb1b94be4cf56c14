"""Fingerprints of imported files, checked without loading pandas.

``flowscope import`` records each file's SHA-256, size and modification time (UTC) with its
ingest. A later import of a file with the same content, for the same dataset and options, is
"unchanged" as long as no other ingest has written to the datasets it wrote since.

The files in force are also listed beside the store (:mod:`flowscope.storage._records`), so
that an unchanged re-import can be answered without opening the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flowscope.errors import StorageError
from flowscope.storage._records import write_record

if TYPE_CHECKING:
    import duckdb

__all__ = ["FileFingerprint", "files_in_force", "find_unchanged", "fingerprint"]

_IN_FORCE = """
FROM ingested_files f
WHERE NOT EXISTS (
    SELECT 1 FROM ingest_log l
    WHERE l.id > f.last_ingest_id AND list_contains(f.datasets, l.dataset)
)
"""
_UNCHANGED_SQL = (
    "SELECT f.path, f.ts " + _IN_FORCE + "AND f.sha256 = ? AND f.dataset = ? AND f.options = ?"
)
_LIST_SQL = (
    "SELECT f.sha256, f.dataset, f.options, f.path, f.size_bytes, f.mtime, f.ts "
    + _IN_FORCE
    + "ORDER BY f.ts, f.sha256, f.dataset, f.options"
)


@dataclass(frozen=True)
class FileFingerprint:
    """Content hash (hex SHA-256), size in bytes and modification time (UTC) of a file."""

    path: str
    sha256: str
    size_bytes: int
    mtime: dt.datetime


def fingerprint(path: str | Path) -> FileFingerprint:
    """Hash ``path`` (read in 1 MiB blocks); raise ``OSError`` if it cannot be read."""
    p = Path(path)
    with p.open("rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    st = p.stat()
    mtime = dt.datetime.fromtimestamp(st.st_mtime, tz=dt.UTC)
    return FileFingerprint(str(p), digest, st.st_size, mtime)


def _utc_iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()


def files_in_force(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The imported files whose rows no later ingest has overwritten (entries of the record).

    Raises ``duckdb.Error`` when the store cannot say (e.g. an older schema).
    """
    rows = con.execute(_LIST_SQL).fetchall()
    keys = ("sha256", "dataset", "options", "path", "size_bytes")
    return [
        {
            **dict(zip(keys, row[:5], strict=True)),
            "mtime_utc": _utc_iso(row[5]),
            "imported_utc": _utc_iso(row[6]),
        }
        for row in rows
    ]


def find_unchanged(
    db_path: str | Path, fp: FileFingerprint, dataset: str, options: str
) -> tuple[str, dt.datetime] | None:
    """``(path, when)`` of an earlier import of the same content still in force, else None.

    Opens the store read-only; any failure (no store yet, older schema, store locked) is
    answered None so that the caller falls back to a full import. When the answer is found
    and no other process writes the store, the record beside the store is brought up to
    date, so that the next re-import is answered from it.
    """
    import duckdb

    from flowscope.storage._lock import StoreLock

    path = Path(db_path).expanduser()
    if not path.is_file():
        return None
    lock = StoreLock(path, timeout_s=0)
    try:
        lock.acquire()
        held = True
    except (StorageError, OSError):
        held = False  # another writer: answer from the store, leave the record to it
    try:
        files: list[dict[str, Any]] | None = None
        try:
            con = duckdb.connect(str(path), read_only=True)
        except duckdb.Error:
            return None
        try:
            con.execute("SET TimeZone = 'UTC'")
            row = con.execute(_UNCHANGED_SQL, [fp.sha256, dataset, options]).fetchone()
            if row is not None and held:
                files = files_in_force(con)
        except duckdb.Error:
            return None
        finally:
            con.close()
        if files is not None:
            write_record(path, files)
        return None if row is None else (str(row[0]), row[1])
    finally:
        if held:
            lock.release()

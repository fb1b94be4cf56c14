"""Fingerprints of imported files, checked without loading pandas.

``flowscope import`` records each file's SHA-256, size and modification time (UTC) with its
ingest. A later import of a file with the same content, for the same dataset and options, is
"unchanged" as long as no other ingest has written to the datasets it wrote since.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

__all__ = ["FileFingerprint", "find_unchanged", "fingerprint"]

_UNCHANGED_SQL = """
SELECT f.path, f.ts FROM ingested_files f
WHERE f.sha256 = ? AND f.dataset = ? AND f.options = ?
  AND NOT EXISTS (
      SELECT 1 FROM ingest_log l
      WHERE l.id > f.last_ingest_id AND list_contains(f.datasets, l.dataset)
  )
"""


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


def find_unchanged(
    db_path: str | Path, fp: FileFingerprint, dataset: str, options: str
) -> tuple[str, dt.datetime] | None:
    """``(path, when)`` of an earlier import of the same content still in force, else None.

    Opens the store read-only; any failure (no store yet, older schema, store locked) is
    answered None so that the caller falls back to a full import.
    """
    path = Path(db_path).expanduser()
    if not path.is_file():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute(_UNCHANGED_SQL, [fp.sha256, dataset, options]).fetchone()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return None if row is None else (str(row[0]), row[1])

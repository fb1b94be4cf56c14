"""Strict, vectorised parsing helpers that report the file, row and column of bad values.

Row numbers are 1-based *file lines* as a spreadsheet or editor shows them: the header is
line 1, so the first data row is line 2 (``header_lines`` shifts this for multi-line headers).
A Parquet file is read as the CSV it would export to, so its rows are numbered the same way
(first record = row 2).
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from flowscope.errors import ParseError

__all__ = [
    "binary_kind",
    "count_fields",
    "last_line",
    "raise_first_bad",
    "read_csv_text",
    "read_parquet_text",
    "require_columns",
    "strict_dates",
    "strict_numeric",
]


_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PAR1", "Parquet"),
    (b"\xd0\xcf\x11\xe0", "Excel 97 xls workbook"),
    (b"%PDF", "PDF document"),
    (b"SQLite format 3", "SQLite database"),
    (b"\x89PNG", "PNG image"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ", "xz archive"),
)


def _kind_of_bytes(raw: bytes, *, complete: bool) -> str | None:
    for magic, kind in _MAGIC:
        if raw.startswith(magic):
            return kind
    if raw[8:12] == b"DUCK":
        return "DuckDB database"
    if raw.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        if b"xl/" in raw or b"[Content_Types].xml" in raw:
            return "Excel xlsx workbook"
        return "zip archive"
    if b"\x00" in raw:
        return "binary data (NUL bytes)"
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # a multi-byte character cut at the end of the sample is still text
        if complete or exc.start < len(raw) - 3:
            return "binary data (not UTF-8 text)"
    return None


def binary_kind(path: Path, n: int = 65536) -> str | None:
    """Name the kind of a binary file (``"Parquet"``, ``"zip archive"`` …), ``None`` for text.

    A gzip file is looked into: gzipped CSV is text, gzipped Parquet is ``"gzip of Parquet"``.
    Text is UTF-8 without NUL bytes (in the first ``n`` bytes).
    """
    with open(path, "rb") as fh:
        raw = fh.read(n)
    complete = len(raw) < n
    if raw[:2] == b"\x1f\x8b":
        try:
            inner = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(raw, n)
        except zlib.error:
            return "damaged gzip archive"
        kind = _kind_of_bytes(inner, complete=complete and len(inner) < n)
        return f"gzip of {kind}" if kind else None
    return _kind_of_bytes(raw, complete=complete)


def _text_column(s: pd.Series) -> pd.Series:
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        text = s.dt.strftime("%Y-%m-%d %H:%M:%S.%f%z")
    elif pd.api.types.is_datetime64_any_dtype(s.dtype):
        midnight = bool((s.dropna() == s.dropna().dt.normalize()).all())
        text = s.dt.strftime("%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M:%S.%f")
    else:
        text = s.astype(str)
    return text.where(s.notna(), "").astype(object)


def read_parquet_text(path: Path, nrows: int | None = None) -> pd.DataFrame:
    """Read a Parquet file as the string-cell frame its CSV export would give.

    Numbers keep their shortest exact text (``46319.0``), nulls become ``""``, naive
    date-times become ``YYYY-MM-DD`` (all at midnight) or ``YYYY-MM-DD HH:MM:SS.ffffff``, and
    zoned ones keep their offset (``…+0000``). Column names are unchanged.

    Raises
    ------
    ParseError
        If the file is not readable Parquet.
    """
    try:
        pf = pq.ParquetFile(path)
        if nrows is None:
            table = pf.read()
        else:
            batches = list(pf.iter_batches(batch_size=nrows))[:1]
            table = pa.Table.from_batches(batches, schema=pf.schema_arrow)
        df = table.to_pandas()
    except (OSError, ValueError, pa.ArrowException) as exc:
        reason = f"cannot read Parquet: {str(exc).splitlines()[0][:200]}"
        raise ParseError(reason, path=path) from None
    if not isinstance(df.index, pd.RangeIndex):  # pandas metadata restored an index
        df = df.reset_index()
    df.columns = [str(c) for c in df.columns]
    return pd.DataFrame({c: _text_column(df[c]) for c in df.columns}, dtype=object)


def last_line(path: Path) -> tuple[str, bool]:
    """The last non-blank line of a text file and whether the file ends with a line break."""
    if binary_kind(path) is not None:
        return "", True
    with open(path, "rb") as fh:
        gzipped = fh.read(2) == b"\x1f\x8b"
        size = fh.seek(0, 2)
        fh.seek(max(0, size - 65536))
        tail = fh.read()
    if gzipped:
        with gzip.open(path, "rb") as gz:
            tail = gz.read()[-65536:]
    text = tail.decode("utf-8", errors="replace")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return (lines[-1] if lines else ""), text.endswith(("\n", "\r"))


def count_fields(line: str) -> int:
    """Number of comma-separated fields in one CSV line (quotes respected)."""
    try:
        return len(next(csv.reader(io.StringIO(line)), []))
    except csv.Error:
        return 0


def read_csv_text(path: Path, **kwargs: object) -> pd.DataFrame:
    """Read a CSV (optionally gzipped) or a Parquet file with every cell as a string.

    No NA guessing: an empty cell is ``""``. A Parquet file gives the frame its CSV export
    would (:func:`read_parquet_text`); ``kwargs`` (``pandas.read_csv`` options) apply to CSV.

    Raises
    ------
    ParseError
        If the CSV is malformed (e.g. a line with too many fields), naming the line, or the
        file is binary and not Parquet (naming its kind, never echoing its bytes).
    """
    kind = binary_kind(path)
    if kind == "Parquet":
        return read_parquet_text(path)
    if kind is not None:
        reason = f"binary file ({kind}), not a CSV text"
        raise ParseError(reason, path=path)
    try:
        return pd.read_csv(
            path,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
            compression="infer",
            **kwargs,
        )
    except pd.errors.ParserError as exc:
        reason = f"malformed CSV: {str(exc).strip().splitlines()[0]}"
        raise ParseError(reason, path=path) from exc
    except pd.errors.EmptyDataError as exc:
        raise ParseError("the file is empty", path=path) from exc
    except UnicodeDecodeError as exc:
        reason = f"not UTF-8 text (undecodable byte at offset {exc.start})"
        raise ParseError(reason, path=path) from None


def require_columns(df: pd.DataFrame, columns: Iterable[str], *, path: Path) -> None:
    """Raise :class:`ParseError` naming the first expected column that is missing."""
    for col in columns:
        if col not in df.columns:
            raise ParseError(
                "missing column",
                path=path,
                row=1,
                column=col,
                expected=f"a header with {list(columns)}",
                received=list(df.columns),
            )


def raise_first_bad(
    bad: pd.Series | np.ndarray,
    reason: str,
    *,
    path: Path | str,
    column: str | None,
    received: pd.Series | np.ndarray | Sequence[Any],
    expected: str | None = None,
    header_lines: int = 1,
    lines: Sequence[int] | None = None,
) -> None:
    """Raise :class:`ParseError` at the first row flagged in ``bad`` (return if none is).

    Parameters
    ----------
    bad
        Boolean flags, one per data row (positional).
    reason, column, expected
        As in :class:`ParseError`.
    path
        File, for the message.
    received
        Per-row values; the offending row's value is shown.
    header_lines
        Lines before the first data row (row ``i`` is file line ``i + header_lines + 1``).
    lines
        Explicit file line of each row, when rows are not consecutive lines.
    """
    flags = np.asarray(bad, dtype=bool)
    if not flags.any():
        return
    pos = int(np.flatnonzero(flags)[0])
    value = received.iloc[pos] if isinstance(received, pd.Series) else received[pos]
    if isinstance(value, np.generic):
        value = value.item()
    raise ParseError(
        reason,
        path=path,
        row=int(lines[pos]) if lines is not None else pos + header_lines + 1,
        column=column,
        expected=expected,
        received=value,
    )


def strict_numeric(
    df: pd.DataFrame,
    column: str,
    *,
    path: Path,
    required: bool = False,
    header_lines: int = 1,
    missing: Iterable[str] = ("", ".", "-", "NaN", "nan", "null", "None"),
    thousands: bool = False,
) -> pd.Series:
    """Convert a string column to float64; missing markers become NaN.

    Parameters
    ----------
    df, column
        Frame of strings and the column to convert.
    path
        File, for error messages.
    required
        If true, a missing value is an error (e.g. a truncated line).
    header_lines
        Lines before the first data row (1 for a one-line header).
    missing
        Cell texts that mean "no value".
    thousands
        Strip ``,`` thousands separators first.

    Raises
    ------
    ParseError
        Naming the line, column and offending text of the first bad cell.
    """
    raw = df[column].astype(str).str.strip()
    if thousands:
        raw = raw.str.replace(",", "", regex=False)
    is_missing = raw.isin(list(missing))
    values = pd.to_numeric(raw.where(~is_missing), errors="coerce").astype("float64")
    bad = values.isna().to_numpy() & ~is_missing.to_numpy()
    cells = df[column]
    raise_first_bad(
        bad,
        "not a number",
        path=path,
        column=column,
        expected="a number",
        received=cells,
        header_lines=header_lines,
    )
    if required:
        raise_first_bad(
            is_missing,
            "missing value (truncated line?)",
            path=path,
            column=column,
            expected="a number",
            received=cells,
            header_lines=header_lines,
        )
    return values


def strict_dates(
    df: pd.DataFrame,
    column: str,
    *,
    path: Path,
    fmt: str | None = None,
    header_lines: int = 1,
    utc: bool = False,
    normalize: bool = True,
) -> pd.Series:
    """Convert a string column to dates (naive midnight), or UTC timestamps if ``utc``.

    Date-times with offsets (``2015-01-02 00:00:00-05:00``) keep their local calendar date
    (and, with ``normalize=False``, their local wall-clock time).

    Raises
    ------
    ParseError
        Naming the line and text of the first cell that is not a date.
    """
    raw = df[column].astype(str).str.strip()
    try:
        if utc:
            parsed = pd.to_datetime(raw, errors="coerce", utc=True, format=fmt or "mixed")
        else:
            local = raw.str.replace(
                r"([T ]\d\d:\d\d(:\d\d(\.\d+)?)?)([+-]\d\d:?\d\d|Z)$", "", regex=True
            )
            parsed = pd.to_datetime(local, errors="coerce", format=fmt or "mixed")
            if normalize:
                parsed = parsed.dt.normalize()
    except (ValueError, OverflowError, TypeError) as exc:
        # e.g. mixed time-zone offsets without utc=True: pandas refuses the whole column
        reason = f"dates cannot be read as one column ({exc})"
        raise ParseError(reason, path=path, column=column) from exc
    raise_first_bad(
        parsed.isna(),
        "not a date",
        path=path,
        column=column,
        expected=f"a date{' like ' + fmt if fmt else ''}",
        received=df[column],
        header_lines=header_lines,
    )
    return parsed

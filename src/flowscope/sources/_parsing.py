"""Strict, vectorised parsing helpers that report the file, row and column of bad values.

Row numbers are 1-based *file lines* as a spreadsheet or editor shows them: the header is
line 1, so the first data row is line 2 (``header_lines`` shifts this for multi-line headers).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from flowscope.errors import ParseError

__all__ = [
    "raise_first_bad",
    "read_csv_text",
    "require_columns",
    "strict_dates",
    "strict_numeric",
]


def read_csv_text(path: Path, **kwargs: object) -> pd.DataFrame:
    """Read a CSV (optionally gzipped) with every cell as a string, no NA guessing.

    Raises
    ------
    ParseError
        If the CSV is malformed (e.g. a line with too many fields), naming the line.
    """
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
        reason = f"malformed CSV: {exc}"
        raise ParseError(reason, path=path) from exc
    except pd.errors.EmptyDataError as exc:
        raise ParseError("the file is empty", path=path) from exc


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
) -> pd.Series:
    """Convert a string column to dates (naive midnight), or UTC timestamps if ``utc``.

    Date-times with offsets (``2015-01-02 00:00:00-05:00``) keep their local calendar date.

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
            parsed = pd.to_datetime(local, errors="coerce", format=fmt or "mixed").dt.normalize()
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

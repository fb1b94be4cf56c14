"""File formats for FRED series (dataset ``rates``, values in percent).

* ``fred-csv`` — one series per file: ``observation_date,<SERIES>`` (fredgraph.csv), ``DATE,<SERIES>``
  (older fredgraph), or ``Date,Value`` / ``date,value`` with the series id as the file name.
  ``.`` or an empty cell means no observation (holidays) and is skipped.
* ``fred-long-csv`` — several series: ``series_id,date,value``.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from flowscope.errors import ParseError
from flowscope.sources._files import FileFormat, ParsedFile, RowIssue, register_format
from flowscope.sources._parsing import read_csv_text, require_columns, strict_dates, strict_numeric

__all__ = ["parse_fred_csv", "parse_fred_csv_text"]

_SERIES_RE = re.compile(r"^[A-Z][A-Z0-9_]{1,30}$")
_DATE_HEADERS = {"observation_date", "date"}


def _single_series_header(head: str) -> tuple[str, str] | None:
    first = head.splitlines()[0].strip().strip("\ufeff") if head else ""
    parts = [p.strip().strip('"') for p in first.split(",")]
    if len(parts) != 2 or parts[0].lower() not in _DATE_HEADERS:
        return None
    return parts[0], parts[1]


def _finish(
    df: pd.DataFrame, series: str | pd.Series, *, path: Path, date_col: str, value_col: str
) -> tuple[pd.DataFrame, list[RowIssue]]:
    dates = strict_dates(df, date_col, path=path)
    values = strict_numeric(df, value_col, path=path)
    keep = values.notna().to_numpy()
    issues = []
    skipped = int((~keep).sum())
    if skipped:
        issues.append(RowIssue(row=None, reason=f"{skipped} rows without an observation skipped"))
    frame = pd.DataFrame({"series": series, "date": dates, "value": values})[keep]
    return frame.reset_index(drop=True), issues


def parse_fred_csv_text(
    text: str, *, origin: str | Path, series: str | None = None
) -> pd.DataFrame:
    """Parse one-series FRED CSV text (fredgraph.csv layout) into ``rates`` rows.

    Parameters
    ----------
    text
        CSV text with a date column and one value column.
    origin
        File path or URL for error messages.
    series
        Series id when the header does not carry it (``Date,Value`` files).

    Returns
    -------
    DataFrame
        Columns ``series``, ``date`` (naive midnight), ``value`` (%); missing observations dropped.
    """
    path = Path(str(origin))
    hdr = _single_series_header(text)
    if hdr is None:
        raise ParseError(
            "not a one-series FRED CSV",
            path=path,
            row=1,
            expected="header 'observation_date,<SERIES>' or 'Date,Value'",
            received=text.splitlines()[0][:80] if text else "",
        )
    date_col, value_col = hdr
    sid = series or (value_col if value_col.lower() != "value" else None)
    if sid is None or not _SERIES_RE.match(sid):
        raise ParseError(
            "cannot tell the FRED series id",
            path=path,
            row=1,
            column=value_col,
            expected="a series id in the header or the file name (e.g. EFFR.csv)",
            received=sid,
        )
    df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    frame, _ = _finish(df, sid, path=path, date_col=date_col, value_col=value_col)
    return frame


def parse_fred_csv(path: Path) -> ParsedFile:
    """Parse a one-series FRED CSV file (series id from the header or the file name)."""
    df = read_csv_text(path)
    hdr = _single_series_header(",".join(df.columns))
    if hdr is None:
        raise ParseError("not a one-series FRED CSV", path=path, row=1, received=list(df.columns))
    date_col, value_col = hdr
    sid = value_col if value_col.lower() != "value" else path.name.split(".")[0].upper()
    if not _SERIES_RE.match(sid):
        raise ParseError(
            "cannot tell the FRED series id",
            path=path,
            row=1,
            column=value_col,
            expected="a series id in the header or the file name (e.g. EFFR.csv)",
            received=sid,
        )
    frame, issues = _finish(df, sid, path=path, date_col=date_col, value_col=value_col)
    return ParsedFile("rates", frame, "fred", "fred-csv", str(path), issues)


def _parse_long(path: Path) -> ParsedFile:
    df = read_csv_text(path)
    require_columns(df, ("series_id", "date", "value"), path=path)
    series = df["series_id"].str.strip()
    frame, issues = _finish(df, series, path=path, date_col="date", value_col="value")
    return ParsedFile("rates", frame, "fred", "fred-long-csv", str(path), issues)


register_format(
    FileFormat(
        "fred-csv",
        "rates",
        "one FRED series: observation_date,<ID> or Date,Value (id from the file name)",
        lambda _p, head: _single_series_header(head) is not None,
        parse_fred_csv,
    )
)
register_format(
    FileFormat(
        "fred-long-csv",
        "rates",
        "several FRED series: series_id,date,value",
        lambda _p, head: (
            head.splitlines()[0].strip().lower() == "series_id,date,value" if head else False
        ),
        _parse_long,
    )
)

"""File formats for FRED series (dataset ``rates``, values in percent per year).

* ``fred-csv`` — one series per file: ``observation_date,<SERIES>`` (fredgraph.csv), ``DATE,<SERIES>``
  (older fredgraph), or ``Date,Value`` / ``date,value`` with the series id as the file name.
* ``fred-wide-csv`` — several series side by side, as fredgraph.csv answers for several ids:
  ``observation_date,DFEDTARL,DFEDTARU,…`` (or ``DATE,…``).
* ``fred-long-csv`` — several series: ``series_id,date,value``.

Missing is not zero: ``.``, an empty cell or ``-`` means no observation (holidays, days before a
series starts) and is skipped, never stored as ``0``.

Garbage is kept out and reported (``ParsedFile.issues``; a
:class:`~flowscope.errors.DataQualityWarning` for payload text), never stored:

* values that are not finite (``inf``), missing-value sentinels (``-999``, ``-9999`` …), and for
  series known to be rates in percent (policy and money-market rates, Treasury yields and
  spreads, mortgage rates, credit spreads: :data:`PERCENT_SERIES`) values outside
  ``[-50, 100]`` %. Other FRED series (WALCL, M2SL, CPI index levels) share the dataset and are
  only checked for non-finite values and sentinels;
* dates far outside the series: more than 10 years before or after every other observation of
  the same series, or more than 10 years after today (``1900-01-01`` in a 2000s file, ``2099``);
* a cut last line: a file that does not end with a newline, whose last line has fewer fields
  than the header, a shorter date, or a value with fewer decimals than the column carries
  elsewhere (EFFR ``0.1`` cut from ``0.12``).

A file with no data rows, or no observation at all, is refused with a :class:`ParseError`.
"""

from __future__ import annotations

import gzip
import io
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from flowscope.errors import DataQualityWarning, ParseError
from flowscope.sources._files import FileFormat, ParsedFile, RowIssue, register_format
from flowscope.sources._parsing import read_csv_text, require_columns, strict_dates, strict_numeric

__all__ = [
    "PERCENT_SERIES",
    "RATE_MAX_PCT",
    "RATE_MIN_PCT",
    "parse_fred_csv",
    "parse_fred_csv_text",
]

_SERIES_RE = re.compile(r"^[A-Z][A-Z0-9_]{1,30}$")
_DATE_HEADERS = {"observation_date", "date"}
#: Plausible range of a rate in percent per year; values outside are quarantined.
RATE_MIN_PCT, RATE_MAX_PCT = -50.0, 100.0
#: FRED ids whose values are rates or spreads in percent (checked against the range above).
PERCENT_SERIES = re.compile(
    r"^(DFEDTAR[LU]?|EFFR|DFF|FEDFUNDS|IORB|IOER|OBFR|SOFR\w*|FEDTAR\w*|DPRIME|PRIME|"
    r"DGS\d+MO?|DGS\d+|DTB\d+|TB\d+MS|GS\d+M?|DFII\d+|T\d+Y\d+[YM]|T\d+Y(IE|FF)|"
    r"MORTGAGE\d+US|BAML\w+)$"
)
_SENTINELS = (-999.0, -9999.0, -99999.0, -999999.0, -9999999.0)
_FAR = pd.Timedelta(days=3653)  # 10 years
_MAX_LISTED = 20  # issues listed one by one per reason, then summarised


def _header(head: str) -> list[str]:
    first = head.splitlines()[0].strip().lstrip("\ufeff") if head else ""
    return [p.strip().strip('"') for p in first.split(",")]


def _single_series_header(head: str) -> tuple[str, str] | None:
    parts = _header(head)
    if len(parts) != 2 or parts[0].lower() not in _DATE_HEADERS:
        return None
    return parts[0], parts[1]


def _wide_header(head: str) -> list[str] | None:
    parts = _header(head)
    if len(parts) < 3 or parts[0].lower() not in _DATE_HEADERS:
        return None
    if not all(_SERIES_RE.match(p) for p in parts[1:]):
        return None
    return parts


def _tail_cut(text_tail: str) -> bool:
    """Whether the text does not end with a line terminator (a download cut mid-line)."""
    return bool(text_tail) and not text_tail.endswith(("\n", "\r"))


def _file_cut(path: Path) -> bool:
    with open(path, "rb") as fh:
        magic = fh.read(2)
    if magic == b"\x1f\x8b":
        with gzip.open(path, "rb") as gz:
            data = gz.read()
        return _tail_cut(data[-2:].decode("latin-1"))
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(max(0, size - 2))
        return _tail_cut(fh.read().decode("latin-1"))


def _decimals(text: pd.Series) -> np.ndarray:
    t = text.astype(str).str.strip()
    has_dot = t.str.contains(".", regex=False).to_numpy()
    after = t.str.split(".").str[-1].str.len().fillna(0).to_numpy(dtype=np.int64)
    out: np.ndarray = np.where(has_dot, after, 0)
    return out


def _listed(rows: pd.DataFrame, reason: str) -> list[RowIssue]:
    """One issue per quarantined row (the first few), then a count."""
    out = [
        RowIssue(
            int(r.line), reason, date=str(r.date_text).strip(), detail=f"{r.series}={r.text!r}"
        )
        for r in rows.head(_MAX_LISTED).itertuples()
    ]
    if len(rows) > _MAX_LISTED:
        out.append(RowIssue(None, f"{len(rows)} rows in all: {reason}"))
    return out


def _cut_last_line(long: pd.DataFrame, n_fields: np.ndarray, n_header: int) -> np.ndarray:
    """Rows of the last line when it looks cut: fewer fields than the header, a shorter date
    than the other lines, or a value with fewer decimals than its column has elsewhere."""
    last = int(long["line"].max())
    on_last = (long["line"] == last).to_numpy()
    if on_last.all():
        return np.zeros(len(long), dtype=bool)  # nothing to compare with
    date_len = long["date_text"].str.strip().str.len()
    short_date = bool((date_len[on_last] < date_len[~on_last].mode().iloc[0]).any())
    dec = _decimals(long["text"])
    present = long["text"].astype(str).str.strip().ne("").to_numpy()
    col_max = (
        pd.Series(np.where(~on_last & present, dec, -1))
        .groupby(long["column"].to_numpy())
        .transform("max")
        .to_numpy()
    )
    fewer = bool((on_last & present & (dec < col_max)).any())
    short_line = int(n_fields[on_last][0]) < n_header
    cut: np.ndarray = on_last & (short_date or fewer or short_line)
    return cut


def _finish(
    long: pd.DataFrame,
    *,
    path: Path,
    date_col: str,
    cut: bool,
    n_fields: np.ndarray,
    n_header: int,
    today: pd.Timestamp | None = None,
) -> tuple[pd.DataFrame, list[RowIssue]]:
    """Check and convert ``long`` text rows to ``rates`` rows; return rows and issues.

    ``long`` has one row per (file line, series): ``series``, ``date_text``, ``text`` (value
    text), ``line`` (1-based file line), ``column`` (header of the value). ``n_fields`` is
    the number of fields on each row's line.
    """
    issues: list[RowIssue] = []
    if cut and len(long):
        cut_rows = _cut_last_line(long, n_fields, n_header)
        if cut_rows.any():
            issues += _listed(
                long[cut_rows],
                "last line cut (no line end, shorter than the other lines): kept out",
            )
            long = long[~cut_rows]
    long = long.reset_index(drop=True)
    dates = strict_dates(pd.DataFrame({date_col: long["date_text"]}), date_col, path=path)
    values = pd.Series(np.nan, index=long.index, dtype="float64")
    for col, idx in long.groupby("column", sort=False).groups.items():
        part = long.loc[idx, "text"].to_numpy()
        values.loc[idx] = strict_numeric(pd.DataFrame({col: part}), str(col), path=path).to_numpy()
    work = long.assign(date=dates.to_numpy(), value=values.to_numpy())
    v = work["value"]
    finite = np.isfinite(v.fillna(0.0))
    bad = v.notna() & ~finite
    if bad.any():
        issues += _listed(work[bad], "value is not finite: kept out")
    sentinel = v.isin(_SENTINELS)
    if sentinel.any():
        issues += _listed(work[sentinel], "missing-value sentinel (-999 …): kept out")
        bad |= sentinel
    percent = work["series"].str.match(PERCENT_SERIES)
    out_of_range = percent & v.notna() & finite & ~v.between(RATE_MIN_PCT, RATE_MAX_PCT) & ~bad
    if out_of_range.any():
        issues += _listed(
            work[out_of_range],
            f"rate outside [{RATE_MIN_PCT:g}, {RATE_MAX_PCT:g}] %: kept out",
        )
        bad |= out_of_range
    far = _far_dates(work[v.notna() & ~bad], today=today)
    if far.any():
        idx = far[far].index
        issues += _listed(work.loc[idx], "date far outside the rest of the series: kept out")
        bad.loc[idx] = True
    keep = (v.notna() & ~bad).to_numpy()
    skipped = int(v.isna().sum())
    if skipped:
        issues.append(RowIssue(row=None, reason=f"{skipped} rows without an observation skipped"))
    frame = work.loc[keep, ["series", "date", "value"]].reset_index(drop=True)
    return frame, issues


def _far_dates(obs: pd.DataFrame, *, today: pd.Timestamp | None) -> pd.Series:
    """Flag observations more than 10 years from every other one of their series, or 10
    years after today."""
    now = (today or pd.Timestamp.now(tz="UTC").tz_localize(None)).normalize()
    flag = pd.Series(False, index=obs.index)
    flag |= obs["date"] > now + _FAR
    if len(obs) < 2:
        return flag
    order = obs.sort_values(["series", "date"])
    g = order.groupby("series", sort=False)["date"]
    gap_before = order["date"] - g.shift(1)
    gap_after = g.shift(-1) - order["date"]
    lonely = (gap_before.isna() | (gap_before > _FAR)) & (gap_after.isna() | (gap_after > _FAR))
    lonely &= g.transform("size") > 2  # with two dates, neither is the odd one out
    flag |= lonely.reindex(obs.index, fill_value=False)
    return flag


def _single_long(df: pd.DataFrame, series: str, value_col: str, date_col: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "series": series,
            "date_text": df[date_col].astype(str).to_numpy(),
            "text": df[value_col].fillna("").astype(str).to_numpy(),
            "line": np.arange(len(df)) + 2,
            "column": value_col,
        }
    )


def _fields(df: pd.DataFrame) -> np.ndarray:
    """Fields present on each line (trailing cells missing on a cut line read as NaN)."""
    out: np.ndarray = df.notna().to_numpy().sum(axis=1)
    return out


def _no_rows(path: Path) -> ParseError:
    return ParseError(
        "no data rows (header only?): nothing to import",
        path=path,
        row=2,
        expected="at least one observation after the header",
    )


def _no_observation(path: Path, n: int) -> ParseError:
    return ParseError(
        f"no observation in the file: all {n} rows are missing ('.' or empty)",
        path=path,
        expected="at least one value",
    )


def parse_fred_csv_text(
    text: str, *, origin: str | Path, series: str | None = None
) -> pd.DataFrame:
    """Parse one-series FRED CSV text (fredgraph.csv layout) into ``rates`` rows.

    Rows kept out as garbage (see the module notes) are reported with a
    :class:`~flowscope.errors.DataQualityWarning`.

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
    frame, issues = _finish(
        _single_long(df, sid, value_col, date_col),
        path=path,
        date_col=date_col,
        cut=_tail_cut(text[-2:]),
        n_fields=_fields(df),
        n_header=2,
    )
    for issue in issues:
        if issue.row is not None or "rows in all" in issue.reason:
            warnings.warn(f"{path}: {issue}", DataQualityWarning, stacklevel=2)
    return frame


def parse_fred_csv(path: Path) -> ParsedFile:
    """Parse a one-series FRED CSV file (series id from the header or the file name)."""
    df = read_csv_text(path)
    hdr = _single_series_header(",".join(map(str, df.columns)))
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
    if df.empty:
        raise _no_rows(path)
    frame, issues = _finish(
        _single_long(df, sid, value_col, date_col),
        path=path,
        date_col=date_col,
        cut=_file_cut(path),
        n_fields=_fields(df),
        n_header=2,
    )
    if frame.empty and not any(i.row is not None for i in issues):
        raise _no_observation(path, len(df))
    return ParsedFile("rates", frame, "fred", "fred-csv", str(path), issues)


def _parse_wide(path: Path) -> ParsedFile:
    df = read_csv_text(path)
    cols = _wide_header(",".join(map(str, df.columns)))
    if cols is None:
        raise ParseError(
            "not a several-series FRED CSV",
            path=path,
            row=1,
            expected="header 'observation_date,<SERIES>,<SERIES>,...'",
            received=list(df.columns),
        )
    if df.empty:
        raise _no_rows(path)
    date_col, series = cols[0], cols[1:]
    n = len(df)
    long = pd.DataFrame(
        {
            "series": np.repeat(series, n),
            "date_text": np.tile(df[date_col].astype(str).to_numpy(), len(series)),
            "text": np.concatenate([df[s].fillna("").astype(str).to_numpy() for s in series]),
            "line": np.tile(np.arange(n) + 2, len(series)),
            "column": np.repeat(series, n),
        }
    )
    frame, issues = _finish(
        long,
        path=path,
        date_col=date_col,
        cut=_file_cut(path),
        n_fields=np.tile(_fields(df), len(series)),
        n_header=len(cols),
    )
    if frame.empty and not any(i.row is not None for i in issues):
        raise _no_observation(path, n)
    frame = frame.sort_values(["series", "date"], ignore_index=True)
    return ParsedFile("rates", frame, "fred", "fred-wide-csv", str(path), issues)


def _parse_long(path: Path) -> ParsedFile:
    df = read_csv_text(path)
    require_columns(df, ("series_id", "date", "value"), path=path)
    if df.empty:
        raise _no_rows(path)
    long = pd.DataFrame(
        {
            "series": df["series_id"].fillna("").astype(str).str.strip().to_numpy(),
            "date_text": df["date"].fillna("").astype(str).to_numpy(),
            "text": df["value"].fillna("").astype(str).to_numpy(),
            "line": np.arange(len(df)) + 2,
            "column": "value",
        }
    )
    frame, issues = _finish(
        long,
        path=path,
        date_col="date",
        cut=_file_cut(path),
        n_fields=_fields(df[["series_id", "date", "value"]]),
        n_header=3,
    )
    if frame.empty and not any(i.row is not None for i in issues):
        raise _no_observation(path, len(df))
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
        "fred-wide-csv",
        "rates",
        "several FRED series side by side: observation_date,<ID>,<ID>,... (fredgraph.csv)",
        lambda _p, head: _wide_header(head) is not None,
        _parse_wide,
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

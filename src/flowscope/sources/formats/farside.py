"""File formats: Farside Investors spot-Bitcoin ETF flow tables.

Farside publishes one row per US trading day and one column per fund, in **US$ millions**,
plus a ``Total`` column (all funds). Conventions shared by every Farside layout:

* ``-`` or an empty cell means *no figure* (fund not listed yet, or not reported): the
  canonical frame has **no row** for that (date, fund); ``0.0`` is a reported zero and is kept.
* ``(44.5)`` is -44.5; ``1,119.9`` and ``"1,119.90"`` carry thousands separators.
* The ``Total``, ``Average``, ``Maximum`` and ``Minimum`` summary rows at the bottom cover the
  whole history; they are set aside.
* Flows are converted to **USD** (x 1e6, rounded to whole dollars to remove float noise).

Rows kept out of the canonical series and reported as :class:`~flowscope.sources.RowIssue`:

* dates that are not NYSE sessions (weekends, holidays, a bogus New Year's Day row …);
* session rows whose every figure is zero or missing (scraped before Farside published the day);
* later duplicates of a date already seen in the file;
* cells before a fund's first trading day or after its last (the fund lifetime table
  ``flowscope/data/funds.csv``): a ``0`` there is a table's filler, not a zero-flow session,
  and is summarised in one line per fund; a non-zero figure there is a data error and is
  reported with its dates. Within a fund's life ``-``/blank stays missing and ``0.0`` stays 0.

A session row whose funds do not add up to its Total (beyond 0.1 $M per fund of rounding) is
kept but reported.

Registered formats: ``farside-wide-csv`` (``date,IBIT,…,Total`` with ISO dates, e.g. the
moltovy and ciyberpunk copies), ``farside-raw-csv`` (Farside's own text export: ``12 Mar 2024``
dates, quoted thousands, summary rows at the bottom; any subset of fund columns) and
``farside-html`` (a saved Farside BTC page).
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from flowscope.calendars import is_session
from flowscope.errors import ParseError
from flowscope.sources._files import FileFormat, ParsedFile, RowIssue, register_format
from flowscope.sources._parsing import binary_kind, raise_first_bad, read_parquet_text
from flowscope.sources.formats._lifetimes import keep_out_of_life, life_bounds

__all__ = [
    "SUMMARY_LABELS",
    "farside_table_to_frame",
    "parse_farside_csv",
    "parse_farside_number",
]

SOURCE = "farside"
#: First-cell labels of Farside's summary rows (case-insensitive).
SUMMARY_LABELS = frozenset({"total", "average", "maximum", "minimum", "sum", "avg", "max", "min"})
_MISSING = frozenset({"", "-", "–", "—", "n/a", "na", "nan"})
_NUM_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
#: First trading day of the US spot-Bitcoin ETFs.
_FIRST_US_SPOT_DAY = pd.Timestamp("2024-01-11")
_MIN_DAY, _MAX_DAY = pd.Timestamp("1990-01-01"), pd.Timestamp("2099-12-31")
_DATE_FORMATS = ("%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%Y/%m/%d", "%m/%d/%Y")


def parse_farside_number(text: str) -> float | None:
    """Parse one Farside cell in $M: ``-``/empty -> None, ``(44.5)`` -> -44.5, ``1,119.9``.

    Returns
    -------
    float or None
        The value in US$ millions, or None for a missing figure.

    Raises
    ------
    ValueError
        If the cell is not a number (the caller names file, row and column).

    Examples
    --------
    >>> parse_farside_number("(1,113.7)"), parse_farside_number("-"), parse_farside_number("0.0")
    (-1113.7, None, 0.0)
    """
    s = text.strip().replace("\u00a0", "").replace(" ", "")
    if s.lower() in _MISSING:
        return None
    neg = False
    if s.startswith("(") and s.endswith(")"):
        neg, s = True, s[1:-1]
    s = s.replace(",", "").replace("$", "")
    if not _NUM_RE.match(s):
        raise ValueError(text)
    v = float(s)
    if not np.isfinite(v):
        raise ValueError(text)
    return -v if neg else v


def _parse_dates(labels: pd.Series) -> pd.Series:
    """Vectorised date parsing over the accepted layouts (NaT where none fits)."""
    norm = labels.str.split().str.join(" ")
    out = pd.Series(pd.NaT, index=labels.index, dtype="datetime64[ns]")
    for fmt in _DATE_FORMATS:
        todo = out.isna()
        if not todo.any():
            break
        parsed = pd.to_datetime(norm[todo], format=fmt, errors="coerce")
        out.loc[todo] = parsed.astype("datetime64[ns]")
    return out


def _parse_numbers(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised :func:`parse_farside_number` over a 2-D array of cells.

    Returns the values in $M (NaN = missing) and a mask of cells that are not numbers.
    """
    shape = cells.shape
    t = pd.Series(cells.reshape(-1)).str.replace("\u00a0", "", regex=False)
    t = t.str.replace(" ", "", regex=False)
    missing = t.str.lower().isin(_MISSING).to_numpy()
    neg = (t.str.startswith("(") & t.str.endswith(")")).to_numpy()
    core = t.where(~neg, t.str.slice(1, -1))
    core = core.str.replace(",", "", regex=False).str.replace("$", "", regex=False)
    ok = core.str.fullmatch(_NUM_RE.pattern).fillna(False).to_numpy(dtype=bool)
    num = pd.to_numeric(core.where(ok & ~missing), errors="coerce").to_numpy(dtype="float64")
    finite = np.isfinite(num)
    bad = ~missing & ~(ok & finite)
    vals = np.where(missing | bad, np.nan, np.where(neg, -num, num))
    return vals.reshape(shape), bad.reshape(shape)


def _session_mask(days: pd.DatetimeIndex) -> np.ndarray:
    """Whether each day is an NYSE session (exchange-calendars)."""
    with warnings.catch_warnings():
        # exchange-calendars builds its calendar with a pandas call that pandas 3.1 deprecates;
        # the result is correct, the warning is not about flowscope's data.
        warnings.filterwarnings("ignore", message="Series.values returning an ndarray")
        out: np.ndarray = np.asarray(is_session(days), dtype=bool)
    return out


def _norm_fund(name: str) -> str:
    n = " ".join(str(name).split())
    return "Total" if n.lower() == "total" else n.upper()


def farside_table_to_frame(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    path: str | Path,
    first_row: int = 2,
    lifetimes: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, list[RowIssue]]:
    """Turn a Farside table of text cells into canonical ``etf_flows`` rows.

    Parameters
    ----------
    header
        Column names: the date column first, then fund tickers and ``Total``.
    rows
        Data rows as text cells (same length as ``header``), in file order.
    path
        File (or URL) named in errors and issues.
    first_row
        1-based row number of ``rows[0]`` in the original file (header = row 1).
    lifetimes
        Fund lifetime table (:func:`~flowscope.schemas.funds.fund_lifetimes`, the default):
        cells before a fund's first trading day or after its last are kept out of the rows.

    Returns
    -------
    frame, issues
        ``frame``: columns ``date`` (naive midnight, US trading day), ``fund``, ``flow_usd``
        (USD, whole dollars), one row per published figure, sorted by date then fund.
        ``issues``: rows kept out (non-sessions, unpublished all-zero rows, duplicates,
        summary rows), cells outside a fund's life (one line per fund) and rows whose funds
        do not add up to the Total.

    Raises
    ------
    ParseError
        A cell is neither a number nor a missing marker, a date cannot be read, a row has
        the wrong number of cells, or the header is unusable.
    """
    funds = [_norm_fund(h) for h in header[1:]]
    if not funds or any(not f for f in funds):
        msg = "header needs a date column followed by fund columns"
        raise ParseError(
            msg,
            path=path,
            row=1,
            expected="date,IBIT,…,Total",
            received=",".join(header),
        )
    dup = sorted({f for f in funds if funds.count(f) > 1})
    if dup:
        msg = f"fund column(s) {dup} appear twice"
        raise ParseError(msg, path=path, row=1, column=dup[0])
    issues: list[RowIssue] = []
    ncol = len(header)
    data_rows: list[Sequence[str]] = []
    rownos_all: list[int] = []
    for i, cells in enumerate(rows):  # structure only; values are parsed vectorised below
        rowno = first_row + i
        if not cells or all(not str(c).strip() for c in cells):
            continue
        label = str(cells[0]).strip()
        if label.lower().rstrip(":") in SUMMARY_LABELS:
            issues.append(RowIssue(rowno, "summary row set aside", detail=label))
            continue
        if len(cells) != ncol:
            msg = f"row has {len(cells)} cells"
            raise ParseError(
                msg,
                path=path,
                row=rowno,
                expected=f"{ncol} cells like the header",
                received=len(cells),
            )
        data_rows.append(cells)
        rownos_all.append(rowno)

    if not data_rows:
        empty = pd.DataFrame(
            {
                "date": pd.Series([], dtype="datetime64[ns]"),
                "fund": pd.Series([], dtype=object),
                "flow_usd": pd.Series([], dtype="float64"),
            }
        )
        return empty, issues

    cells_arr = np.asarray(data_rows, dtype=object).astype(str)
    labels = pd.Series(cells_arr[:, 0])
    days = _parse_dates(labels)
    stripped = labels.str.strip()
    raise_first_bad(
        days.isna(),
        "cannot read the date",
        path=path,
        column=str(header[0]),
        expected="a date like 2024-01-11 or 11 Jan 2024",
        received=stripped,
        lines=rownos_all,
    )
    raise_first_bad(
        (days < _MIN_DAY) | (days > _MAX_DAY),
        "date out of range",
        path=path,
        column=str(header[0]),
        expected="a date between 1990 and 2099",
        received=stripped,
        lines=rownos_all,
    )
    mat_all, bad = _parse_numbers(cells_arr[:, 1:])
    if bad.any():
        r, c = np.argwhere(bad)[0]
        msg = "not a number"
        raise ParseError(
            msg,
            path=path,
            row=rownos_all[int(r)],
            column=str(header[int(c) + 1]).strip(),
            expected="a figure in US$ m such as 12.3, (4.5), 1,119.9 or -",
            received=str(cells_arr[int(r), int(c) + 1]),
        )
    didx_all = pd.DatetimeIndex(days)
    dup = didx_all.duplicated(keep="first")
    if dup.any():
        first_row_of = dict(zip(didx_all[~dup], np.asarray(rownos_all)[~dup].tolist(), strict=True))
        issues.extend(
            RowIssue(
                rownos_all[k],
                "duplicate date: later row ignored",
                date=f"{didx_all[k]:%Y-%m-%d}",
                detail=f"first seen in row {first_row_of[didx_all[k]]}",
            )
            for k in np.flatnonzero(dup)
        )
    mat = mat_all[~dup]  # $M, NaN = missing
    didx = didx_all[~dup]
    rownos = np.asarray(rownos_all)[~dup].tolist()
    session = _session_mask(didx)
    published = np.nan_to_num(np.abs(mat), nan=0.0).sum(axis=1) > 0
    weekend_zero = (~session) & (didx.day_of_week >= 5) & ~published
    span = pd.date_range(didx.min(), didx.max(), freq="D")
    n_weekend_days = int((span.day_of_week >= 5).sum())
    calendar_filled = n_weekend_days > 0 and weekend_zero.sum() >= 0.8 * n_weekend_days
    keep = session & published
    first_day, last_day = life_bounds(funds, lifetimes)
    known = ~np.isnat(first_day)
    unknown = [f for j, f in enumerate(funds) if f != "Total" and not known[j]]
    if unknown:
        issues.append(
            RowIssue(
                None,
                "fund(s) not in the fund lifetime table: launch unknown, "
                "their zeros are taken as reported",
                detail=", ".join(unknown),
            )
        )
    if calendar_filled and didx.min() <= _FIRST_US_SPOT_DAY and unknown:
        # A full-history calendar-day copy that writes every gap as 0.0: an unlisted fund's
        # zeros before its first non-zero figure mean "not listed yet", not reported zeros.
        order = np.argsort(didx.to_numpy(), kind="stable")
        m = mat[order]
        listed = np.maximum.accumulate(np.nan_to_num(np.abs(m), nan=0.0) > 0, axis=0)
        unlisted = ~listed & (m == 0)
        unlisted[:, [j for j, f in enumerate(funds) if f not in unknown]] = False
        if unlisted.any():
            m[unlisted] = np.nan
            mat[order] = m
            cols = [funds[j] for j in np.flatnonzero(unlisted.any(axis=0))]
            issues.append(
                RowIssue(
                    None,
                    "calendar-day copy (non-trading days filled with 0.0): zeros before a fund's first "
                    "figure read as 'not listed yet'",
                    detail=", ".join(cols),
                )
            )
    checked = mat.copy()  # figures as published, for the Total check below
    issues.extend(
        keep_out_of_life(mat, didx, didx, rownos, keep, funds, first_day, last_day, unit="US$ m")
    )
    fund_cols = [j for j, f in enumerate(funds) if f != "Total"]
    total_col = funds.index("Total") if "Total" in funds else None
    for kk in np.flatnonzero(~keep):
        k = int(kk)
        d = didx[k]
        if not session[k]:
            kind = "weekend" if d.day_of_week >= 5 else "NYSE holiday / non-session"
            nz = int(np.count_nonzero(np.nan_to_num(checked[k])))
            issues.append(
                RowIssue(
                    rownos[k],
                    f"not an NYSE session ({kind}): row kept out",
                    date=f"{d:%Y-%m-%d}",
                    detail=f"{nz} non-zero figure(s)" if nz else "all figures zero or missing",
                )
            )
        else:
            issues.append(
                RowIssue(
                    rownos[k],
                    "every figure is zero or missing: not yet published, row kept out",
                    date=f"{d:%Y-%m-%d}",
                )
            )
    if total_col is not None and fund_cols:
        sub = checked[:, fund_cols]
        has_any = ~np.all(np.isnan(sub), axis=1)
        fsum = np.nansum(sub, axis=1)
        tol = 0.1 * np.maximum(1, np.sum(~np.isnan(sub), axis=1)) + 1e-9
        tot = checked[:, total_col]
        bad = keep & has_any & ~np.isnan(tot) & (np.abs(fsum - tot) > tol)
        issues.extend(
            RowIssue(
                rownos[k],
                "funds do not add up to the Total (row kept)",
                date=f"{didx[k]:%Y-%m-%d}",
                detail=f"sum of funds {fsum[k]:.1f} vs Total {tot[k]:.1f} $M",
            )
            for k in np.flatnonzero(bad)
        )
    kidx = np.flatnonzero(keep)
    if len(kidx) >= 2:
        last, prev = kidx[-1], kidx[-2]
        alive = ~(last_day < didx[last].to_datetime64())  # NaT (still trading) compares False
        gone = [
            funds[j]
            for j in fund_cols
            if alive[j] and np.isnan(mat[last, j]) and not np.isnan(mat[prev, j])
        ]
        if gone:
            issues.append(
                RowIssue(
                    rownos[last],
                    "latest row may be a partial first release (row kept): "
                    "fund(s) reported the session before have no figure",
                    date=f"{didx[last]:%Y-%m-%d}",
                    detail=", ".join(gone),
                )
            )
    kept = mat[keep]
    kd = didx[keep]
    n, m = kept.shape
    frame = pd.DataFrame(
        {
            "date": np.repeat(kd.to_numpy(), m),
            "fund": np.tile(np.asarray(funds, dtype=object), n),
            "flow_usd": np.round(kept.reshape(-1) * 1e6),
        }
    )
    frame = frame[frame["flow_usd"].notna()]
    frame = frame.sort_values(["date", "fund"], kind="stable").reset_index(drop=True)
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    issues.sort(key=lambda r: (r.row is None, r.row or 0))
    return frame, issues


def _read_csv_cells(path: Path) -> tuple[list[str], list[list[str]]]:
    if binary_kind(path) == "Parquet":  # the cells of its CSV export
        df = read_parquet_text(path)
        return [str(c).strip() for c in df.columns], df.to_numpy(dtype=str).tolist()
    text = path.read_bytes()
    if text[:2] == b"\x1f\x8b":
        import gzip

        text = gzip.decompress(text)
    try:
        decoded = text.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        msg = f"not UTF-8 text ({exc.reason})"
        raise ParseError(msg, path=path) from None
    try:
        all_rows = list(csv.reader(io.StringIO(decoded)))
    except csv.Error as exc:
        msg = f"malformed CSV: {exc}"
        raise ParseError(msg, path=path) from None
    if not all_rows or not any(c.strip() for c in all_rows[0]):
        msg = "empty file: no header"
        raise ParseError(msg, path=path, row=1)
    header = [c.strip() for c in all_rows[0]]
    while header and not header[-1]:
        header.pop()
    n = len(header)
    body = [r[:n] if len(r) > n and not any(x.strip() for x in r[n:]) else r for r in all_rows[1:]]
    return header, body


def parse_farside_csv(
    path: str | Path,
    *,
    format_name: str = "farside-wide-csv",
    lifetimes: pd.DataFrame | None = None,
) -> ParsedFile:
    """Parse a Farside-style CSV (wide per-fund or raw text export) into ``etf_flows`` rows.

    Parameters
    ----------
    path
        CSV file: a ``date`` column then one column per fund and/or ``Total``, in US$ m.
    format_name
        Format name recorded on the result.
    lifetimes
        Fund lifetime table (default: the bundled one, see
        :func:`~flowscope.schemas.funds.fund_lifetimes`).

    Returns
    -------
    ParsedFile
        ``frame`` columns ``date``, ``fund``, ``flow_usd`` (USD); ``source`` ``"farside"``;
        ``issues`` lists every row kept out (see the module docstring).

    Raises
    ------
    ParseError
        Names the file, row and column of the first unreadable cell.
    """
    p = Path(path)
    header, body = _read_csv_cells(p)
    if header[0].strip().lower() not in {"date", "day", "trading day"}:
        msg = "first column must be the date"
        raise ParseError(
            msg,
            path=p,
            row=1,
            column=header[0],
            expected="'date'",
            received=header[0],
        )
    frame, issues = farside_table_to_frame(header, body, path=p, first_row=2, lifetimes=lifetimes)
    return ParsedFile("etf_flows", frame, SOURCE, format_name, str(p), issues)


_TICKER_RE = re.compile(r"^[A-Za-z]{2,6}$")


def _header_fields(head: str) -> tuple[list[str], str]:
    lines = [ln for ln in head.splitlines() if ln.strip()]
    if len(lines) < 2:
        return [], ""
    fields = [f.strip().strip('"') for f in lines[0].split(",")]
    return fields, lines[1]


def _sniff_wide(path: Path, head: str) -> bool:
    fields, first = _header_fields(head)
    if not fields or fields[0].lower() != "date":
        return False
    rest = [f for f in fields[1:] if f]
    if "Total" not in rest and "IBIT" not in rest:
        return False
    return (
        bool(rest)
        and all(_TICKER_RE.match(f) for f in rest)
        and bool(re.match(r"^\d{4}-\d{2}-\d{2},", first))
    )


def _sniff_raw(path: Path, head: str) -> bool:
    fields, first = _header_fields(head)
    if not fields or fields[0].lower() != "date":
        return False
    rest = [f for f in fields[1:] if f]
    return (
        bool(rest)
        and all(_TICKER_RE.match(f) for f in rest)
        and bool(re.match(r"^\"?\d{1,2} [A-Za-z]{3,9} \d{4}\"?,", first))
    )


def _sniff_html(path: Path, head: str) -> bool:
    low = head.lower()
    return "<table" in low and 'class="etf"' in low and "ibit" in low


def _parse_html_file(path: Path) -> ParsedFile:
    from flowscope.sources.farside import parse_farside_html

    raw = Path(path).read_bytes()
    frame, issues = parse_farside_html(raw, origin=str(path))
    return ParsedFile("etf_flows", frame, SOURCE, "farside-html", str(path), issues)


register_format(
    FileFormat(
        name="farside-wide-csv",
        dataset="etf_flows",
        description="Farside per-fund daily table as CSV: date (ISO), one column per fund, Total; US$ m",
        sniff=_sniff_wide,
        parse=lambda p: parse_farside_csv(p, format_name="farside-wide-csv"),
    )
)
register_format(
    FileFormat(
        name="farside-raw-csv",
        dataset="etf_flows",
        description="Farside text export: 'Date,Total' (or funds), '11 Jan 2024' dates, quoted "
        "thousands, summary rows at the end; US$ m",
        sniff=_sniff_raw,
        parse=lambda p: parse_farside_csv(p, format_name="farside-raw-csv"),
    )
)
register_format(
    FileFormat(
        name="farside-html",
        dataset="etf_flows",
        description="Saved Farside bitcoin-etf-flow-all-data page (HTML table class 'etf'); US$ m",
        sniff=_sniff_html,
        parse=_parse_html_file,
    )
)

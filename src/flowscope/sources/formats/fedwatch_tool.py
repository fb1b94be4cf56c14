"""File formats for CME FedWatch tool exports (dataset ``fedwatch_reference``).

CME's FedWatch tool publishes, per FOMC meeting, the probability (0..1) that the target range
sits in each 25 bp bucket after the meeting. These files are © CME Group: flowscope imports
them for the user's own use (to check its own FedWatch engine) and never bundles them.

* ``cme-fedwatch-meeting-csv`` — "Historical → Downloads", one meeting per file,
  ``FedMeeting_<meeting YYYYMMDD>.csv``: ``Date`` (``YYYY/M/D``, not zero-padded), then bucket
  columns ``(0-25),(25-50),…`` in bp (some exports write ``(975-1.000)``, ``(1.000-1.025)``: a
  thousands separator). The meeting date comes from the file name.
* ``cme-fedwatch-history-csv`` — several meetings side by side,
  ``FedMeetingHistory_<date>.csv``, with a ragged two-row header: row 1 holds titles such as
  ``History for 17 Sep 2025 Fed meeting`` over each block's first bucket, row 2 ``Date`` and
  the buckets. Cells before a meeting was listed are empty (missing, not 0). Titles without a
  block of data (the export fuses the last two) are reported and skipped.
* ``cme-fedwatch-probabilities-csv`` — one watch date transcribed from the tool:
  ``meeting_date,rate_low,rate_high,probability_pct`` (bp and %). The watch date comes from a
  ``watch_date`` column or a date in the file name (``fedwatch_2026-07-14.csv``).

Checks (rows kept out are reported in ``ParsedFile.issues``, never stored): a probability that
is not a number refuses the file (naming row and column); rows dated after their meeting or
more than 5 years before it, and every row of a (watch date, meeting) day holding a
probability outside [0, 1] or whose probabilities do not sum to 1 within
:data:`SUM_TOLERANCE`, are kept out. A file
without data rows is refused. Source ``cme_fedwatch``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from flowscope.errors import ParseError
from flowscope.sources._files import FileFormat, ParsedFile, RowIssue, register_format
from flowscope.sources._parsing import (
    raise_first_bad,
    read_csv_text,
    require_columns,
    strict_dates,
    strict_numeric,
)

__all__ = ["SUM_TOLERANCE"]

#: Largest gap of a day's probabilities from 1 (CME's exports: 3e-6; figures transcribed at
#: 0.1 pp: up to 0.2 pp).
SUM_TOLERANCE = 0.005
_SOURCE = "cme_fedwatch"
# bp; some exports write 1000 bp and above with a thousands separator: (975-1.000), (1.000-1.025)
_BUCKET_RE = re.compile(r"^\((\d+(?:[.,]\d{3})*)-(\d+(?:[.,]\d{3})*)\)$")
_TITLE_RE = re.compile(r"History for (\d{1,2} [A-Za-z]{3} \d{4}) Fed meeting")
_FILE_DATE_RE = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})")
_MAX_LEAD = pd.Timedelta(days=5 * 366)
_COLUMNS = ["watch_date", "meeting_date", "target_lower", "target_upper", "probability"]


def _read_text(path: Path) -> str:
    import gzip

    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return raw.decode("utf-8", errors="replace").lstrip("\ufeff")


def _no_rows(path: Path, row: int) -> ParseError:
    return ParseError(
        "no data rows (header only?): nothing to import",
        path=path,
        row=row,
        expected="at least one dated row of probabilities",
    )


def _buckets(labels: list[str], *, path: Path, row: int, first_col: int) -> np.ndarray:
    """(lower, upper) in percent for bucket labels such as ``(350-375)`` (bp)."""
    parts = pd.Series(labels, dtype=object).str.strip().str.extract(_BUCKET_RE)
    parts = parts.apply(lambda col: pd.to_numeric(col.str.replace(r"[.,]", "", regex=True)))
    bad = (parts[0].isna() | (parts[1] - parts[0] != 25)).to_numpy()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise ParseError(
            "not a 25 bp bucket column",
            path=path,
            row=row,
            column=f"column {first_col + pos + 1}",
            expected="a header such as (350-375) in bp",
            received=labels[pos],
        )
    out: np.ndarray = parts.to_numpy(dtype=float) / 100.0
    return out


def _melt(
    dates_text: np.ndarray,
    cells: np.ndarray,
    bounds: np.ndarray,
    meeting: pd.Timestamp,
    *,
    labels: list[str],
    path: Path,
    header_lines: int,
    date_fmt: str,
) -> pd.DataFrame:
    """Rows x buckets of probability text for one meeting to long reference rows."""
    dates = strict_dates(
        pd.DataFrame({"Date": dates_text}),
        "Date",
        path=path,
        fmt=date_fmt,
        header_lines=header_lines,
    )
    n_rows, n_buckets = cells.shape
    text = pd.Series(cells.reshape(-1), dtype=object).astype(str).str.strip()
    missing = text.isin(["", "-", "."])
    values = pd.to_numeric(text.where(~missing), errors="coerce")
    bad = (values.isna() & ~missing).to_numpy()
    if bad.any():
        r, c = divmod(int(np.flatnonzero(bad)[0]), n_buckets)
        raise ParseError(
            "not a number",
            path=path,
            row=r + header_lines + 1,
            column=labels[c],
            expected="a probability such as 0.369 (or an empty cell)",
            received=cells[r, c],
        )
    lines = np.repeat(np.arange(n_rows) + header_lines + 1, n_buckets)
    long = pd.DataFrame(
        {
            "watch_date": np.repeat(dates.to_numpy(), n_buckets),
            "meeting_date": meeting,
            "target_lower": np.tile(bounds[:, 0], n_rows),
            "target_upper": np.tile(bounds[:, 1], n_rows),
            "probability": values.to_numpy(),
            "line": lines,
        }
    )
    return long[long["probability"].notna()]


def _finish(long: pd.DataFrame, *, path: Path, fmt: str, issues: list[RowIssue]) -> ParsedFile:
    """Quarantine impossible rows and days that do not sum to 1; return the parsed file."""
    if long.empty:
        msg = "no probability at all (every cell is empty)"
        raise ParseError(msg, path=path, expected="probabilities between 0 and 1")
    p = long["probability"]
    bad = ~np.isfinite(p) | (p < 0) | (p > 1)
    if bad.any():
        first = long[bad].iloc[0]
        issues.append(
            RowIssue(
                int(first.line),
                f"{int(bad.sum())} probabilities outside [0, 1]: their days are kept out",
                date=f"{first.watch_date:%Y-%m-%d}",
                detail=f"meeting {first.meeting_date:%Y-%m-%d}: {first.probability!r}",
            )
        )
    late = (long["watch_date"] > long["meeting_date"]) | (
        long["meeting_date"] - long["watch_date"] > _MAX_LEAD
    )
    late &= ~bad
    if late.any():
        first = long[late].iloc[0]
        issues.append(
            RowIssue(
                int(first.line),
                f"{int(late.sum())} rows dated after their meeting or more than 5 years "
                "before it: kept out",
                date=f"{first.watch_date:%Y-%m-%d}",
                detail=f"meeting {first.meeting_date:%Y-%m-%d}",
            )
        )
    day = ["watch_date", "meeting_date"]
    bad_day = bad.groupby([long[c] for c in day]).transform("any")
    long = long[~(bad_day | late)]
    total = long.groupby(day)["probability"].transform("sum")
    off = (total - 1.0).abs() > SUM_TOLERANCE
    if off.any():
        days = long[off].drop_duplicates(day)
        for r in days.head(20).itertuples():
            got = float(total[r.Index])
            issues.append(
                RowIssue(
                    int(r.line),
                    f"probabilities sum to {got:.4f}, not 1 (tolerance {SUM_TOLERANCE}): "
                    "the day is kept out",
                    date=f"{r.watch_date:%Y-%m-%d}",
                    detail=f"meeting {r.meeting_date:%Y-%m-%d}",
                )
            )
        if len(days) > 20:
            issues.append(RowIssue(None, f"{len(days)} (watch date, meeting) days kept out"))
        long = long[~off]
    dup = long.duplicated(["watch_date", "meeting_date", "target_lower"], keep="last")
    if dup.any():
        issues.append(RowIssue(None, f"{int(dup.sum())} duplicate rows: last kept"))
        long = long[~dup]
    frame = long[_COLUMNS].sort_values(_COLUMNS[:3], ignore_index=True)
    frame["watch_date"] = pd.to_datetime(frame["watch_date"])
    frame["meeting_date"] = pd.to_datetime(frame["meeting_date"])
    return ParsedFile("fedwatch_reference", frame, _SOURCE, fmt, str(path), issues)


# -- FedMeeting_<YYYYMMDD>.csv ---------------------------------------------------------------


def _meeting_from_name(path: Path) -> pd.Timestamp:
    m = re.search(r"FedMeeting_(\d{8})", path.name)
    day = pd.to_datetime(m[1], format="%Y%m%d", errors="coerce") if m else pd.NaT
    if pd.isna(day):
        raise ParseError(
            "cannot tell the meeting date",
            path=path,
            expected="a file name FedMeeting_<YYYYMMDD>.csv, as CME names its downloads",
            received=path.name,
        )
    return pd.Timestamp(day)


def _parse_meeting(path: Path) -> ParsedFile:
    meeting = _meeting_from_name(path)
    df = read_csv_text(path)
    require_columns(df, ("Date",), path=path)
    if df.empty:
        raise _no_rows(path, 2)
    labels = [str(c) for c in df.columns[1:]]
    bounds = _buckets(labels, path=path, row=1, first_col=1)
    long = _melt(
        df["Date"].to_numpy(),
        df[labels].to_numpy(dtype=str),
        bounds,
        meeting,
        labels=labels,
        path=path,
        header_lines=1,
        date_fmt="%Y/%m/%d",
    )
    return _finish(long, path=path, fmt="cme-fedwatch-meeting-csv", issues=[])


def _sniff_meeting(p: Path, head: str) -> bool:
    first = head.splitlines()[0].strip() if head else ""
    return first.startswith("Date,(0-25),") and "FedMeeting_" in p.name


# -- FedMeetingHistory_<date>.csv --------------------------------------------------------------


def _parse_history(path: Path) -> ParsedFile:
    rows = list(csv.reader(io.StringIO(_read_text(path))))
    if len(rows) < 2 or not rows[1] or rows[1][0].strip() != "Date":
        raise ParseError(
            "not a FedWatch history export",
            path=path,
            row=2,
            expected="a title row, then 'Date,(0-25),(25-50),...'",
            received=rows[1][:3] if len(rows) > 1 else None,
        )
    titles, header, data = rows[0], rows[1], [r for r in rows[2:] if any(c.strip() for c in r)]
    if not data:
        raise _no_rows(path, 3)
    width = len(header)
    cells = np.array([(r + [""] * width)[:width] for r in data], dtype=object).astype(str)
    starts = [(i, _TITLE_RE.findall(t)) for i, t in enumerate(titles) if _TITLE_RE.search(t)]
    issues: list[RowIssue] = []
    frames = []
    for k, (start, found) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else width
        end = min(end, width)
        if start >= width or len(found) != 1 or end <= start:
            issues.append(
                RowIssue(1, "meeting title without data: skipped", detail=" / ".join(found))
            )
            continue
        meeting = pd.Timestamp(pd.to_datetime(found[0], format="%d %b %Y"))
        bounds = _buckets(header[start:end], path=path, row=2, first_col=start)
        frames.append(
            _melt(
                cells[:, 0],
                cells[:, start:end],
                bounds,
                meeting,
                labels=header[start:end],
                path=path,
                header_lines=2,
                date_fmt="%Y/%m/%d",
            )
        )
    if not frames:
        raise ParseError(
            "no meeting block found",
            path=path,
            row=1,
            expected="titles such as 'History for 17 Sep 2025 Fed meeting'",
        )
    return _finish(
        pd.concat(frames, ignore_index=True),
        path=path,
        fmt="cme-fedwatch-history-csv",
        issues=issues,
    )


def _sniff_history(_p: Path, head: str) -> bool:
    lines = head.splitlines()
    return (
        len(lines) > 1
        and "History for " in lines[0]
        and "Fed meeting" in lines[0]
        and lines[1].startswith("Date,(0-25)")
    )


# -- meeting_date,rate_low,rate_high,probability_pct -------------------------------------------


def _parse_probabilities(path: Path) -> ParsedFile:
    df = read_csv_text(path)
    require_columns(df, ("meeting_date", "rate_low", "rate_high", "probability_pct"), path=path)
    if df.empty:
        raise _no_rows(path, 2)
    if "watch_date" in df.columns:
        watch = strict_dates(df, "watch_date", path=path)
    else:
        m = _FILE_DATE_RE.search(path.name)
        day = pd.to_datetime(f"{m[1]}-{m[2]}-{m[3]}", errors="coerce") if m else pd.NaT
        if pd.isna(day):
            raise ParseError(
                "cannot tell the watch date",
                path=path,
                expected="a watch_date column or a date in the file name (fedwatch_2026-07-14.csv)",
                received=path.name,
            )
        watch = pd.Series(pd.Timestamp(day), index=df.index)
    meeting = strict_dates(df, "meeting_date", path=path)
    low = strict_numeric(df, "rate_low", path=path, required=True)
    high = strict_numeric(df, "rate_high", path=path, required=True)
    raise_first_bad(
        (high - low).round(6) != 25,
        "not a 25 bp range",
        path=path,
        column="rate_high",
        expected="rate_high = rate_low + 25 (bp)",
        received=df["rate_high"],
    )
    pct = strict_numeric(df, "probability_pct", path=path)
    issues: list[RowIssue] = []
    empty = pct.isna()
    if empty.any():
        pos = np.flatnonzero(empty.to_numpy())
        issues.append(
            RowIssue(
                int(pos[0]) + 2,
                f"{len(pos)} empty probability cells: missing, not 0 (not stored)",
                date=f"{meeting.iloc[pos[0]]:%Y-%m-%d}",
                detail=f"range {df['rate_low'].iloc[pos[0]]}-{df['rate_high'].iloc[pos[0]]} bp",
            )
        )
    long = pd.DataFrame(
        {
            "watch_date": watch.to_numpy(),
            "meeting_date": meeting.to_numpy(),
            "target_lower": low.to_numpy() / 100.0,
            "target_upper": high.to_numpy() / 100.0,
            "probability": pct.to_numpy() / 100.0,
            "line": np.arange(len(df)) + 2,
        }
    )[~empty.to_numpy()]
    return _finish(long, path=path, fmt="cme-fedwatch-probabilities-csv", issues=issues)


def _sniff_probabilities(_p: Path, head: str) -> bool:
    first = head.splitlines()[0].strip().lower() if head else ""
    cols = set(first.split(","))
    return {"meeting_date", "rate_low", "rate_high", "probability_pct"} <= cols


for _fmt in (
    FileFormat(
        "cme-fedwatch-meeting-csv",
        "fedwatch_reference",
        "CME FedWatch download FedMeeting_<YYYYMMDD>.csv: Date,(0-25),(25-50),...",
        _sniff_meeting,
        _parse_meeting,
    ),
    FileFormat(
        "cme-fedwatch-history-csv",
        "fedwatch_reference",
        "CME FedWatch FedMeetingHistory_<date>.csv: meetings side by side, 2-row header",
        _sniff_history,
        _parse_history,
    ),
    FileFormat(
        "cme-fedwatch-probabilities-csv",
        "fedwatch_reference",
        "FedWatch figures of one watch date: meeting_date,rate_low,rate_high,probability_pct",
        _sniff_probabilities,
        _parse_probabilities,
    ),
):
    register_format(_fmt)

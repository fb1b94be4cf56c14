"""File formats for the FOMC meeting calendar (dataset ``fomc_meetings``).

* ``fomc-dates-csv`` — ``start_date,end_date,meeting_type,has_projection_materials,…``: scheduled
  ("regular") meetings, notation votes and unscheduled meetings with SEP flags.
* ``fomc-decisions-csv`` — ``meeting_date,statement_type,vote_for,vote_against,target_lower,
  target_upper,decision``: decisions and the target range after each meeting.
* ``rate-decisions-csv`` — economic-calendar export ``FOMCDate,Time,Actual,Forecast,Previous``
  (rates as ``"4.75%"`` strings, newest first): target after each decision since 1982. Before
  February 1994 the Fed did not announce decisions: those rows are target *change dates*
  (kind ``rate_change``). Known inter-meeting actions since 1994 are marked ``unscheduled``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from flowscope.sources._files import FileFormat, ParsedFile, RowIssue, register_format
from flowscope.sources._parsing import (
    raise_first_bad,
    read_csv_text,
    require_columns,
    strict_dates,
    strict_numeric,
)

__all__ = ["INTERMEETING_ACTIONS", "merge_calendars"]

#: Inter-meeting (unscheduled) rate actions announced by the Federal Reserve since 1994
#: (Board press releases of those dates).
INTERMEETING_ACTIONS = frozenset(
    pd.Timestamp(d)
    for d in (
        "1994-04-18",
        "1998-10-15",
        "2001-01-03",
        "2001-04-18",
        "2001-09-17",
        "2008-01-22",
        "2008-10-08",
        "2020-03-03",
        "2020-03-15",
    )
)
_ANNOUNCED_FROM = pd.Timestamp("1994-02-04")
_RANGE_FROM = pd.Timestamp("2008-12-16")
_KIND_MAP = {
    "regular": "scheduled",
    "scheduled": "scheduled",
    "unscheduled": "unscheduled",
    "notation_vote": "notation_vote",
}


def _first_line(head: str) -> str:
    return head.splitlines()[0].strip().lstrip("\ufeff") if head else ""


def _decision(after: pd.Series, before: pd.Series) -> pd.Series:
    diff = (after - before).round(4)
    out = np.where(diff > 0, "hike", np.where(diff < 0, "cut", "hold"))
    return pd.Series(out, index=after.index).where(after.notna() & before.notna())


def _parse_dates_csv(path: Path) -> ParsedFile:
    df = read_csv_text(path)
    require_columns(df, ("start_date", "end_date", "meeting_type"), path=path)
    start = strict_dates(df, "start_date", path=path)
    end = strict_dates(df, "end_date", path=path)
    raw_kind = df["meeting_type"].str.strip().str.lower()
    kind = raw_kind.map(_KIND_MAP)
    raise_first_bad(
        kind.isna(),
        "unknown meeting type",
        path=path,
        column="meeting_type",
        expected="regular, unscheduled or notation_vote",
        received=df["meeting_type"],
    )
    sep = (
        df["has_projection_materials"].str.strip().str.lower().map({"true": True, "false": False})
        if "has_projection_materials" in df.columns
        else pd.Series(pd.NA, index=df.index)
    )
    frame = pd.DataFrame(
        {"meeting_date": end, "start_date": start, "kind": kind, "sep": sep.astype("boolean")}
    )
    return ParsedFile("fomc_meetings", frame, "fomc-calendar", "fomc-dates-csv", str(path))


def _parse_decisions_csv(path: Path) -> ParsedFile:
    df = read_csv_text(path)
    require_columns(
        df,
        ("meeting_date", "statement_type", "target_lower", "target_upper", "decision"),
        path=path,
    )
    date = strict_dates(df, "meeting_date", path=path)
    lower = strict_numeric(df, "target_lower", path=path)
    upper = strict_numeric(df, "target_upper", path=path)
    stype = df["statement_type"].str.strip().str.lower()
    decision = df["decision"].str.strip().str.lower().replace("", pd.NA)
    bad = ~decision.isna() & ~decision.isin(["hike", "cut", "hold"])
    raise_first_bad(
        bad,
        "unknown decision",
        path=path,
        column="decision",
        expected="hike, cut or hold",
        received=df["decision"],
    )
    frame = pd.DataFrame(
        {
            "meeting_date": date,
            "kind": np.where(
                (stype == "decision") & ~date.isin(INTERMEETING_ACTIONS), "scheduled", "unscheduled"
            ),
            "target_lower": lower,
            "target_upper": upper,
            "decision": decision,
        }
    )
    return ParsedFile("fomc_meetings", frame, "fomc-decisions", "fomc-decisions-csv", str(path))


def _parse_rate_decisions(path: Path) -> ParsedFile:
    df = read_csv_text(path)
    require_columns(df, ("FOMCDate", "Actual", "Previous"), path=path)
    date = strict_dates(df, "FOMCDate", path=path)
    for col in ("Actual", "Previous"):
        df[col] = df[col].str.strip().str.rstrip("%")
    after = strict_numeric(df, "Actual", path=path)
    before = strict_numeric(df, "Previous", path=path)
    kind = np.where(
        date < _ANNOUNCED_FROM,
        "rate_change",
        np.where(date.isin(INTERMEETING_ACTIONS), "unscheduled", "scheduled"),
    )
    is_range = date >= _RANGE_FROM
    frame = pd.DataFrame(
        {
            "meeting_date": date,
            "kind": kind,
            "target_lower": after.where(~is_range, after - 0.25),
            "target_upper": after,
            "decision": _decision(after, before),
        }
    )
    issues = []
    undecided = after.isna().to_numpy()
    if undecided.any():
        # Schedule-only rows of such exports are unreliable (the 2024 rows list 06-19, 09-25 and
        # 11-06 for the 06-12, 09-18 and 11-07 meetings): keep only dates with a decision.
        issues.append(
            RowIssue(
                row=None,
                reason=f"{int(undecided.sum())} rows without a decision skipped (schedule-only)",
            )
        )
    dup = frame["meeting_date"].duplicated()
    raise_first_bad(dup, "duplicate date", path=path, column="FOMCDate", received=df["FOMCDate"])
    frame = frame[~undecided].sort_values("meeting_date").reset_index(drop=True)
    return ParsedFile(
        "fomc_meetings", frame, "rate-decisions", "rate-decisions-csv", str(path), issues
    )


def merge_calendars(*frames: pd.DataFrame) -> pd.DataFrame:
    """Merge calendar frames into one row per meeting; earlier frames win field by field.

    Parameters
    ----------
    *frames
        ``fomc_meetings`` frames in priority order (most trusted first).

    Returns
    -------
    DataFrame
        One row per ``meeting_date`` with every canonical column that any frame had.
    """
    cols = [
        "meeting_date", "start_date", "kind", "sep", "statement_release", "minutes_release",
        "target_lower", "target_upper", "decision",
    ]  # fmt: skip
    if not frames:
        msg = "merge_calendars needs at least one frame"
        raise ValueError(msg)
    parts = [f.reindex(columns=cols).set_index("meeting_date") for f in frames]
    merged = parts[0]
    for part in parts[1:]:
        merged = merged.combine_first(part)
    return merged.reset_index()[cols].sort_values("meeting_date").reset_index(drop=True)


register_format(
    FileFormat(
        "fomc-dates-csv",
        "fomc_meetings",
        "meeting calendar: start_date,end_date,meeting_type,has_projection_materials",
        lambda _p, head: _first_line(head).startswith("start_date,end_date,meeting_type"),
        _parse_dates_csv,
    )
)
register_format(
    FileFormat(
        "fomc-decisions-csv",
        "fomc_meetings",
        "decisions: meeting_date,statement_type,vote_for,vote_against,target_lower,target_upper,decision",
        lambda _p, head: _first_line(head).startswith("meeting_date,statement_type"),
        _parse_decisions_csv,
    )
)
register_format(
    FileFormat(
        "rate-decisions-csv",
        "fomc_meetings",
        "economic-calendar rate decisions: FOMCDate,Time,Actual,Forecast,Previous",
        lambda _p, head: _first_line(head).startswith("FOMCDate,Time,Actual"),
        _parse_rate_decisions,
    )
)

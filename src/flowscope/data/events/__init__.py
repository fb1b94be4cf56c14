"""Bundled event sets (CSV files next to this module) and a reader for users' own event files.

Sets: ``halvings`` and ``etf_launch`` (bundled CSVs, sources in their headers and
``README.md``), ``fomc`` and ``minutes`` (built from the store's ``fomc_meetings`` table,
which the caller passes in).
"""

from __future__ import annotations

import importlib.resources
import io
from pathlib import Path
from typing import TYPE_CHECKING

from flowscope._lazy import lazy_module
from flowscope.errors import InsufficientDataError, ParseError, ValidationError

if TYPE_CHECKING:
    import pandas as pd

    from flowscope.analytics.events import FomcEventKind
else:
    pd = lazy_module("pandas")

__all__ = ["EVENT_SETS", "event_set", "read_events_csv"]

#: Name -> description of every event set.
EVENT_SETS: dict[str, str] = {
    "fomc": (
        "FOMC decision days: last day of every meeting the calendar records as held "
        "(scheduled, unscheduled, intermeeting rate changes)"
    ),
    "minutes": "FOMC minutes release days (US/Eastern) of the meetings held",
    "halvings": "Bitcoin block-subsidy halvings (UTC dates)",
    "etf_launch": "US spot-Bitcoin ETF launch, 2024-01-11",
}


#: Column names accepted for the event date or timestamp, in order of preference.
_DATE_COLUMNS: tuple[str, ...] = ("date", "ts", "timestamp", "datetime", "event_date")


def _parse(text: str, origin: str) -> pd.DataFrame:
    lines = text.splitlines()
    skipped = 0
    while skipped < len(lines) and lines[skipped].lstrip().startswith("#"):
        skipped += 1
    body = "\n".join(lines[skipped:])
    if not body.strip():
        msg = "empty events file"
        raise ParseError(msg, path=origin, expected="a header with a 'date' column")
    try:
        raw = pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        msg = f"not a readable CSV table ({exc})"
        raise ParseError(msg, path=origin, expected="CSV with a 'date' column") from None
    cols = {str(c).strip().lower(): c for c in raw.columns}
    for alias in _DATE_COLUMNS:
        if alias in cols:
            cols["date"] = cols[alias]
            break
    if "date" not in cols:
        msg = "no 'date' column"
        raise ParseError(
            msg,
            path=origin,
            row=skipped + 1,
            expected=f"one of the columns {', '.join(_DATE_COLUMNS)}",
            received=list(raw.columns),
        )
    dates = pd.to_datetime(
        raw[cols["date"]].astype(str).str.strip(), errors="coerce", format="mixed", utc=True
    ).dt.tz_localize(None)
    bad = dates.isna()
    if bad.any():
        i = int(bad.to_numpy().argmax())
        msg = "not a date"
        raise ParseError(
            msg,
            path=origin,
            row=skipped + 2 + i,
            column=cols["date"],
            expected="YYYY-MM-DD",
            received=raw[cols["date"]].iloc[i],
        )
    label = raw[cols["label"]].astype(str) if "label" in cols else dates.dt.strftime("%Y-%m-%d")
    return pd.DataFrame({"date": dates.dt.normalize(), "label": label}).sort_values(
        "date", ignore_index=True
    )


def read_events_csv(path: str | Path) -> pd.DataFrame:
    """Read a user's events file: CSV with a ``date`` column (and optional ``label``).

    The date column may also be called ``ts``, ``timestamp``, ``datetime`` or
    ``event_date``. Leading ``#`` lines are comments. Timestamps with an offset are
    converted to UTC, then reduced to their UTC date (naive values are taken as UTC).

    Returns
    -------
    DataFrame
        ``date`` (naive midnight), ``label``, sorted by date.

    Raises
    ------
    ParseError
        Naming the file, row and column of the first bad value.
    """
    p = Path(path)
    return _parse(p.read_text(encoding="utf-8"), str(p))


def event_set(name: str, *, meetings: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return a bundled event set as ``date``/``label`` rows.

    Parameters
    ----------
    name
        One of :data:`EVENT_SETS`.
    meetings
        The ``fomc_meetings`` table (``store.fomc_meetings()``), needed for ``fomc`` and
        ``minutes``.
    """
    from flowscope.analytics.events import fomc_events

    if name in ("fomc", "minutes"):
        if meetings is None or meetings.empty:
            msg = f"event set {name!r} needs the fomc_meetings table: run `flowscope init` first"
            raise InsufficientDataError(msg)
        kind: FomcEventKind = "statement" if name == "fomc" else "minutes"
        events = fomc_events(meetings, kinds=(kind,), include_unscheduled=True, held_only=True)
        if events.empty:
            msg = f"no FOMC {kind} dates in the fomc_meetings table"
            raise InsufficientDataError(msg)
        return events[["date", "label"]]
    if name not in EVENT_SETS:
        msg = f"unknown event set {name!r}; choose one of {', '.join(EVENT_SETS)}"
        raise ValidationError(msg, param_name="name", received=name)
    res = importlib.resources.files(__name__) / f"{name}.csv"
    return _parse(res.read_text(encoding="utf-8"), f"flowscope/data/events/{name}.csv")

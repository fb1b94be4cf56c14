"""One query shape for connectors that serve several series (intervals, symbols, contracts).

``flowscope update`` asks such a connector for each series from its own newest row held, so
``start`` may be one date (all series) or a mapping ``{series: date}``; a series missing from
the mapping gets the connector's default start. Dates are naive UTC calendar days; ``end``
is inclusive. ``now`` (UTC) decides which bars have ended: a bar whose period has not ended
is still in progress and is never stored.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from flowscope.errors import DataQualityWarning, ValidationError
from flowscope.sources._base import Query
from flowscope.sources._files import RowIssue

__all__ = ["SeriesQuery", "build_series_query", "report_issues", "to_day"]


@dataclass(frozen=True, kw_only=True)
class SeriesQuery(Query):
    """Series to fetch, each from its own start day, up to ``end`` (inclusive) and ``now``.

    ``starts`` maps each series to its first day (naive, UTC) or ``None`` (the connector's
    default history); ``defaulted`` names the series whose start was not given; ``now`` is
    a tz-aware UTC timestamp.
    """

    series: tuple[str, ...]
    starts: dict[str, pd.Timestamp | None] = field(default_factory=dict)
    #: Series whose start is the connector's default (no start given for them).
    defaulted: frozenset[str] = frozenset()
    now: pd.Timestamp = field(default_factory=lambda: pd.Timestamp.now(tz="UTC"))


def to_day(value: Any, *, source: str, param: str) -> pd.Timestamp | None:
    """A date-like value as a naive day (tz-aware values are converted to UTC first)."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        msg = f"{source}: {param}={value!r} is not a date (use YYYY-MM-DD)"
        raise ValidationError(msg, param_name=param, received=value) from exc
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts.normalize()


def build_series_query(
    source: str,
    params: dict[str, Any],
    *,
    series_param: str,
    default_series: Sequence[str],
    normalise: Callable[[str], str],
    allowed: Sequence[str] | None = None,
    default_start: Callable[[str, pd.Timestamp], pd.Timestamp | None] = lambda s, now: None,
) -> SeriesQuery:
    """Validate ``start``, ``end``, ``now`` and the series parameter of a multi-series source.

    Parameters
    ----------
    source
        Connector name, for messages.
    params
        Keyword arguments given to ``build_query``.
    series_param
        Name of the parameter holding the series (``intervals``, ``symbols``, ``contracts``).
    default_series
        Series fetched when the parameter is not given.
    normalise
        Turns one user-given series name into its canonical spelling (e.g. upper case).
    allowed
        The only series accepted, or ``None`` for any.
    default_start
        First day for a series without a start, from ``(series, now)``.

    Raises
    ------
    ValidationError
        Unknown parameter, unknown series, a start after the end, or an unreadable date.
    """
    known = {"start", "end", "now", series_param}
    unknown = sorted(set(params) - known)
    if unknown:
        msg = f"{source}: unknown parameter(s) {unknown}; use {', '.join(sorted(known))}"
        raise ValidationError(msg, param_name=unknown[0], received=unknown)
    raw_series = params.get(series_param)
    if isinstance(raw_series, str):
        raw_series = [raw_series]
    series = tuple(dict.fromkeys(normalise(s) for s in (raw_series or default_series)))
    if not series or (allowed is not None and any(s not in allowed for s in series)):
        msg = f"{source}: {series_param}={list(series)} not supported; use {list(allowed or [])}"
        raise ValidationError(msg, param_name=series_param, received=list(series))
    now_raw = params.get("now")
    now = pd.Timestamp.now(tz="UTC") if now_raw is None else pd.Timestamp(now_raw)
    now = now.tz_localize("UTC") if now.tzinfo is None else now.tz_convert("UTC")
    end = to_day(params.get("end"), source=source, param="end")
    start_raw = params.get("start")
    if isinstance(start_raw, Mapping):
        given = {
            normalise(str(k)): to_day(v, source=source, param="start") for k, v in start_raw.items()
        }
        common = None
    else:
        common = to_day(start_raw, source=source, param="start")
        given = dict.fromkeys(series, common)
    starts = {s: given[s] if given.get(s) is not None else default_start(s, now) for s in series}
    if common is None and end is not None:  # per-series starts past the end: nothing new
        starts = {s: min(d, end) if d is not None else None for s, d in starts.items()}
    for s, day in starts.items():
        if day is not None and end is not None and day > end:
            msg = f"{source}: start {day:%Y-%m-%d} of {s} is after end {end:%Y-%m-%d}"
            raise ValidationError(msg, param_name="start", received=str(day.date()))
    defaulted = frozenset(s for s in series if given.get(s) is None)
    return SeriesQuery(
        start=common, end=end, series=series, starts=starts, defaulted=defaulted, now=now
    )


def report_issues(source: str, issues: Sequence[object]) -> None:
    """Warn (``DataQualityWarning``) about bars kept out, naming up to five of them."""
    if issues:
        text = [
            f"{i.date}: {i.reason}" + (f" [{i.detail}]" if i.detail else "")
            if isinstance(i, RowIssue) and i.row is None and i.date
            else str(i)
            for i in issues[:5]
        ]
        warnings.warn(
            f"{source}: {len(issues)} bar(s) kept out: " + "; ".join(text),
            DataQualityWarning,
            stacklevel=3,
        )

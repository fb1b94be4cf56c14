"""Canonical dataset specification: columns, keys, units and time zone, declared once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from flowscope.schemas.plausibility import Plausibility

__all__ = [
    "NOT_SUBJECT",
    "Availability",
    "AvailabilityKind",
    "AvailabilityRule",
    "Column",
    "DatasetSpec",
    "PublicationSchedule",
    "Schedule",
    "ScheduleKind",
]

#: How often a series gets a new observation, and on which days:
#:
#: * ``xnys`` — one per NYSE session; the figure of session ``S`` is published that evening
#:   (US time), so on UTC day ``D`` the newest expected is the last session before ``D``.
#: * ``utc_daily`` — one per UTC day (24/7 markets); the bar of day ``D - 1`` is complete
#:   at 00:00 UTC of ``D``.
#: * ``us_business`` — one per US federal-reserve business day (weekdays less US federal
#:   holidays); newest expected: the last business day before ``D``.
#: * ``weekly`` / ``monthly`` — one per week / calendar month, on the grid of the newest
#:   observation; a period is expected once it has ended.
#: * ``fomc_meeting`` — one per scheduled FOMC meeting (the statement), due after the
#:   meeting day.
#: * ``fomc_minutes`` — one per scheduled FOMC meeting, due after its minutes release
#:   (``minutes_release`` of the calendar; three weeks after the meeting when not known).
ScheduleKind: TypeAlias = Literal[
    "xnys", "utc_daily", "us_business", "weekly", "monthly", "fomc_meeting", "fomc_minutes"
]


@dataclass(frozen=True)
class Schedule:
    """When new observations of one series are due.

    Attributes
    ----------
    kind
        Publication rhythm (see :data:`ScheduleKind`).
    grace_periods
        Periods a series may lag its newest expected observation before it is called
        stale (late publication, provisional last rows).
    """

    kind: ScheduleKind
    grace_periods: int = 0


@dataclass(frozen=True)
class PublicationSchedule:
    """Schedule of every series of a dataset, declared once.

    Attributes
    ----------
    default
        Schedule of series not listed below; ``None`` = not subject to staleness.
    by_prefix
        ``(group prefix, schedule)`` pairs, first match wins (``("BTC", utc_daily)``).
    by_group
        ``(group value, schedule)`` pairs for named series (checked before prefixes).
    judge_series
        Whether each series is judged on its own; ``False`` when series end by design
        (futures contracts expire) and only the dataset as a whole can be stale.
    """

    default: Schedule | None = None
    by_prefix: tuple[tuple[str, Schedule | None], ...] = ()
    by_group: tuple[tuple[str, Schedule | None], ...] = ()
    judge_series: bool = True

    @property
    def subject(self) -> bool:
        """Whether any series of the dataset can be stale."""
        return self.default is not None or any(
            sched is not None for _, sched in (*self.by_group, *self.by_prefix)
        )

    def for_group(self, group: str | None) -> Schedule | None:
        """Return the schedule of series ``group`` (``None``: not subject to staleness)."""
        if group is not None:
            for name, sched in self.by_group:
                if group == name:
                    return sched
            for prefix, sched in self.by_prefix:
                if group.startswith(prefix):
                    return sched
        return self.default


#: When a row becomes usable by a decision (point in time), see ``docs/regime.md``:
#:
#: * ``after_close`` — the figure of day ``S`` is published after the US close, usable from
#:   ``at`` (local time) on the day after ``S`` (ETF flows: 09:00 New York the next morning).
#: * ``local_time`` — usable at ``at`` (local time) on the data date plus ``lag_days`` US
#:   business days (futures settlements, FRED series, daily equity bars at the close).
#: * ``period_end`` — a monthly figure dated at its month's start, usable ``lag_days`` US
#:   business days after the month ends, at ``at`` (FRED monthly series).
#: * ``bar_end`` — at the end of the bar: ``ts`` plus the bar length (24/7 crypto bars).
#: * ``release_time`` — at the instant in ``time_column`` (FOMC text: 14:00 ET); a stored
#:   time of exactly 00:00 UTC means "time unknown": then ``at`` on that UTC day.
#: * ``in_advance`` — known before the dates it describes (the FOMC meeting calendar).
AvailabilityKind: TypeAlias = Literal[
    "after_close", "local_time", "period_end", "bar_end", "release_time", "in_advance"
]


@dataclass(frozen=True)
class Availability:
    """When one series' rows become known (see :data:`AvailabilityKind`).

    Attributes
    ----------
    kind
        The rule.
    at
        Local wall-clock time as ``"HH:MM"`` in ``tz`` (``after_close``, ``local_time``,
        ``period_end``, and ``release_time`` when the time is unknown).
    tz
        IANA time zone of ``at``.
    lag_days
        US business days (weekdays) after the data date (``local_time``) or month end
        (``period_end``).
    time_column
        Column holding the release instant (``release_time``).
    """

    kind: AvailabilityKind
    at: str = "00:00"
    tz: str = "America/New_York"
    lag_days: int = 0
    time_column: str | None = None

    def describe(self) -> str:
        """One line for docs and explanations."""
        where = f"{self.at} {self.tz}"
        lag = f" + {self.lag_days} business day(s)" if self.lag_days else ""
        return {
            "after_close": f"the day after the data date, {where}",
            "local_time": f"data date{lag}, {where}",
            "period_end": f"month end{lag}, {where}",
            "bar_end": "bar start + bar length (UTC)",
            "release_time": f"stored release time; when unknown the release day, {where}",
            "in_advance": "known in advance",
        }[self.kind]


@dataclass(frozen=True)
class AvailabilityRule:
    """Point-in-time availability of every series of a dataset, declared once.

    Attributes
    ----------
    default
        Rule of series not listed below; ``None`` = not declared (not usable by signals).
    by_prefix
        ``(group prefix, rule)`` pairs, first match wins.
    by_group
        ``(group value, rule)`` pairs (checked before prefixes).
    """

    default: Availability | None = None
    by_prefix: tuple[tuple[str, Availability], ...] = ()
    by_group: tuple[tuple[str, Availability], ...] = ()

    def for_group(self, group: str | None) -> Availability | None:
        """Return the rule of series ``group``."""
        if group is not None:
            for name, rule in self.by_group:
                if group == name:
                    return rule
            for prefix, rule in self.by_prefix:
                if group.startswith(prefix):
                    return rule
        return self.default


#: Datasets whose availability is not declared.
NOT_DECLARED = AvailabilityRule()

#: Datasets that are never stale (calendars, snapshots, derived tables).
NOT_SUBJECT = PublicationSchedule()

#: Columns every dataset carries (provenance).
PROVENANCE = ("source", "ts_ingested")


@dataclass(frozen=True)
class Column:
    """One canonical column.

    Attributes
    ----------
    name
        Lower snake_case column name.
    sql_type
        DuckDB type (``DATE``, ``TIMESTAMPTZ``, ``DOUBLE``, ``VARCHAR``, ``BIGINT``, ``BOOLEAN``).
    unit
        Unit of the values (``USD``, ``%``, ``bp``, ``BTC``, ``UTC date`` …) or ``""``.
    description
        One line, reused by the CLI help and report tooltips.
    nullable
        Whether the value may be missing.
    """

    name: str
    sql_type: str
    unit: str = ""
    description: str = ""
    nullable: bool = True


@dataclass(frozen=True)
class DatasetSpec:
    """A canonical dataset held in the store.

    Attributes
    ----------
    name
        Table name (snake_case noun).
    columns
        Data columns, *excluding* ``source`` and ``ts_ingested`` (added to every dataset).
    key
        Columns that identify a row, *excluding* ``source``: each source keeps its own copy
        of a row, and the store's key is ``key + ("source",)``.
    time_column
        Column used for date ranges, coverage and gap detection.
    group_column
        Column that splits the dataset into series for coverage (``fund``, ``symbol`` …).
    track_revisions
        When a re-import changes the values of an existing key, keep the superseded row in
        ``<name>__revisions`` (with ``ts_superseded``) instead of discarding it.
    description
        One line for ``flowscope status`` and docs.
    source_preference
        Sources in order of trust, most trusted first. When several sources hold the same
        key, readers that ask for one row per key keep the most trusted source's row;
        sources not listed come after the listed ones, alphabetically. Overridable per
        dataset in the settings (``source_preference``).
    publication
        When new rows are due, per series (see ``docs/freshness.md``); default: never stale.
    availability
        When each row becomes usable by a point-in-time decision (see ``docs/regime.md``);
        default: not declared.
    plausibility
        What a plausible row looks like (see ``docs/importing.md``); rows failing it are
        never stored. ``None``: not declared.
    """

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    time_column: str
    group_column: str | None = None
    track_revisions: bool = False
    description: str = ""
    source_preference: tuple[str, ...] = ()
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)
    publication: PublicationSchedule = NOT_SUBJECT
    availability: AvailabilityRule = NOT_DECLARED
    plausibility: Plausibility | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})
        missing = [k for k in (*self.key, self.time_column) if k not in self._by_name]
        if missing:
            msg = f"dataset {self.name!r}: key/time columns {missing} are not declared columns"
            raise ValueError(msg)

    @property
    def column_names(self) -> tuple[str, ...]:
        """Data column names followed by ``source`` and ``ts_ingested``."""
        return (*(c.name for c in self.columns), *PROVENANCE)

    @property
    def store_key(self) -> tuple[str, ...]:
        """Primary key in the store: ``key + ("source",)``."""
        return (*self.key, "source")

    @property
    def value_columns(self) -> tuple[str, ...]:
        """Data columns that are not part of the key (compared on re-import)."""
        return tuple(c.name for c in self.columns if c.name not in self.key)

    def column(self, name: str) -> Column:
        """Return the :class:`Column` called ``name``."""
        return self._by_name[name]

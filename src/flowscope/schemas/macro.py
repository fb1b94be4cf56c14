"""Macro-liquidity FRED series held in the ``rates`` dataset: units and release times.

The ``rates`` dataset stores FRED observations as they are published (``series``, ``date``,
``value``); its ``value`` column is percent for rates, but balance-sheet and money-stock
series carry their own FRED unit. Each series below declares that unit (with the factor to
US dollars), its observation frequency, and when an observation becomes public, so every
value is used only from its release time (``flowscope.analytics.macro.release_times``).

Release rules (all times US/Eastern):

* ``same_day`` — ``date + days`` at ``time_et`` (H.4.1: the Wednesday level is published
  Thursday 16:30, ``days=1``; overnight RRP results 13:15 the same day).
* ``next_business_day`` — the next weekday after ``date`` at ``time_et`` (EFFR 09:00, SOFR
  08:00 for the previous business day). US holidays push the real release a day later; the
  rule may then be one day early for that observation.
* ``next_monday`` — the Monday after ``date`` at ``time_et`` (H.10 broad dollar index,
  published weekly for the week before).
* ``after_month_end`` — the end of the observation's calendar month plus ``days`` at
  ``time_et`` (H.6 money stock, about four weeks after the month; CPI, PCE). These are
  conservative bounds: the real release is on or before that time for most months.

FRED files hold the newest vintage, not the first release: revised series (M2, CPI, PCE)
therefore carry some look-ahead even when the release time is respected.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

__all__ = [
    "MACRO_SERIES",
    "TGA_SERIES",
    "MacroSeries",
    "Release",
    "ReleaseKind",
    "macro_series",
]

ReleaseKind: TypeAlias = Literal["same_day", "next_business_day", "next_monday", "after_month_end"]


@dataclass(frozen=True)
class Release:
    """When an observation dated ``date`` becomes public (see the module notes).

    Attributes
    ----------
    kind
        Release rule.
    days
        Calendar days added (``same_day``: after the date; ``after_month_end``: after the
        end of the observation's month).
    time_et
        Release time of day, US/Eastern, ``HH:MM``.
    """

    kind: ReleaseKind
    days: int = 0
    time_et: str = "00:00"


@dataclass(frozen=True)
class MacroSeries:
    """One FRED series used by the macro indicators.

    Attributes
    ----------
    series
        FRED id.
    name
        Short description.
    unit
        FRED unit as published (``USD mn``, ``USD bn``, ``%``, ``index``).
    usd_factor
        Factor to US dollars (1e6 for ``USD mn``, 1e9 for ``USD bn``); ``None`` when the
        series is not an amount of dollars.
    frequency
        ``daily``, ``weekly`` or ``monthly``.
    release
        Release rule.
    max_age_days
        Age of the newest observation (days before the as-of day) beyond which a value
        computed from it is flagged stale.
    """

    series: str
    name: str
    unit: str
    usd_factor: float | None
    frequency: Literal["daily", "weekly", "monthly"]
    release: Release
    max_age_days: int


_H41 = Release("same_day", days=1, time_et="16:30")  # Wednesday level, Thursday 16:30 ET
_H15 = Release("same_day", days=0, time_et="18:00")  # Treasury yields, end of day
_KNOWN = Release("same_day", days=0, time_et="00:00")  # set in advance (target range, IORB)

MACRO_SERIES: tuple[MacroSeries, ...] = (
    MacroSeries("WALCL", "Fed total assets, Wednesday level", "USD mn", 1e6, "weekly", _H41, 14),
    MacroSeries(
        "WTREGEN", "Treasury General Account, week average", "USD bn", 1e9, "weekly", _H41, 14
    ),
    MacroSeries(
        "WDTGAL", "Treasury General Account, Wednesday level", "USD mn", 1e6, "weekly", _H41, 14
    ),
    MacroSeries(
        "RRPONTSYD",
        "Overnight reverse repo, daily",
        "USD bn",
        1e9,
        "daily",
        Release("same_day", days=0, time_et="13:15"),
        7,
    ),
    MacroSeries("WRESBAL", "Reserve balances, week average", "USD bn", 1e9, "weekly", _H41, 14),
    MacroSeries(
        "M2SL",
        "M2 money stock, monthly, seasonally adjusted",
        "USD bn",
        1e9,
        "monthly",
        Release("after_month_end", days=28, time_et="13:00"),
        100,
    ),
    MacroSeries(
        "WM2NS",
        "M2 money stock, weekly, not seasonally adjusted",
        "USD bn",
        1e9,
        "weekly",
        Release("after_month_end", days=28, time_et="13:00"),
        70,
    ),
    MacroSeries("DGS2", "2-year Treasury yield", "%", None, "daily", _H15, 7),
    MacroSeries("DGS10", "10-year Treasury yield", "%", None, "daily", _H15, 7),
    MacroSeries("T10YIE", "10-year breakeven inflation", "%", None, "daily", _H15, 7),
    MacroSeries("DFII10", "10-year TIPS real yield", "%", None, "daily", _H15, 7),
    MacroSeries(
        "DTWEXBGS",
        "Nominal broad US dollar index (H.10)",
        "index",
        None,
        "daily",
        Release("next_monday", days=0, time_et="16:15"),
        14,
    ),
    MacroSeries(
        "EFFR",
        "Effective federal funds rate",
        "%",
        None,
        "daily",
        Release("next_business_day", time_et="09:00"),
        7,
    ),
    MacroSeries(
        "SOFR",
        "Secured overnight financing rate",
        "%",
        None,
        "daily",
        Release("next_business_day", time_et="08:00"),
        7,
    ),
    MacroSeries("IORB", "Interest on reserve balances", "%", None, "daily", _KNOWN, 7),
    MacroSeries("DFEDTARL", "Target range, lower bound", "%", None, "daily", _KNOWN, 7),
    MacroSeries("DFEDTARU", "Target range, upper bound", "%", None, "daily", _KNOWN, 7),
    MacroSeries(
        "CPIAUCSL",
        "CPI, all items, index",
        "index",
        None,
        "monthly",
        Release("after_month_end", days=20, time_et="08:30"),
        90,
    ),
    MacroSeries(
        "PCEPILFE",
        "Core PCE price index",
        "index",
        None,
        "monthly",
        Release("after_month_end", days=31, time_et="08:30"),
        100,
    ),
    MacroSeries(
        "NFCI",
        "Chicago Fed National Financial Conditions Index (week to Friday; > 0 tighter)",
        "index",
        None,
        "weekly",
        Release("same_day", days=5, time_et="08:30"),
        14,
    ),
)

#: Treasury General Account series, first preferred (either unit is reconciled to USD).
TGA_SERIES: tuple[str, ...] = ("WDTGAL", "WTREGEN")

_BY_ID = {m.series: m for m in MACRO_SERIES}


def macro_series(series: str) -> MacroSeries:
    """Declaration of FRED series ``series``.

    Raises
    ------
    KeyError
        If the series is not a declared macro series.
    """
    return _BY_ID[series]

"""Display units, in one place: analytics return USD and %, the report and CLI show $M.

Conversions happen once, at display time. Rounding to 0.1 $M matches how Farside
publishes flows.
"""

from __future__ import annotations

from typing import TypeVar, overload

import pandas as pd

__all__ = ["USD_PER_MUSD", "fmt_musd", "fmt_pct", "musd"]

#: US dollars in one display unit ($M).
USD_PER_MUSD = 1e6

_Frame = TypeVar("_Frame", pd.Series, pd.DataFrame)


@overload
def musd(x: float) -> float: ...
@overload
def musd(x: _Frame) -> _Frame: ...
def musd(x: float | _Frame) -> float | _Frame:
    """USD to $M rounded to 0.1 (a missing value stays missing).

    Examples
    --------
    >>> musd(-528_345_000.0)
    -528.3
    """
    if isinstance(x, pd.Series | pd.DataFrame):
        return (x / USD_PER_MUSD).round(1)
    try:
        f = float(x)
    except (TypeError, ValueError):
        return float("nan")
    return round(f / USD_PER_MUSD, 1)


def fmt_musd(usd: float, *, signed: bool = True) -> str:
    """``"+1,234.5 $M"`` from an amount in USD (``"-"`` when missing).

    Examples
    --------
    >>> fmt_musd(-250e6)
    '-250.0 $M'
    >>> fmt_musd(250e6, signed=False)
    '250.0 $M'
    """
    if pd.isna(usd):
        return "-"
    return f"{usd / USD_PER_MUSD:{'+' if signed else ''},.1f} $M"


def fmt_pct(fraction: float, *, digits: int = 1, signed: bool = False) -> str:
    """``"12.3 %"`` from a fraction (0.123); ``"-"`` when missing.

    Examples
    --------
    >>> fmt_pct(0.1234)
    '12.3 %'
    """
    if pd.isna(fraction):
        return "-"
    return f"{100 * fraction:{'+' if signed else ''}.{digits}f} %"

"""Lifetimes of the US spot-Bitcoin ETFs: first and last trading day of each fund.

The bundled table ``flowscope/data/funds.csv`` has one row per fund ticker with columns
``ticker``, ``name``, ``issuer``, ``first_day`` (first US trading day as a spot ETF,
``YYYY-MM-DD``), ``last_day`` (last trading day, empty while the fund trades),
``first_day_source`` (the public document the date comes from) and ``checked`` (how the date
was checked against real flow data). Dates are US trading days (New York), stored as naive
midnight like every ``etf_flows`` date.

Importers use it to tell a fund's real zero-flow days from the ``0`` or ``-`` that flow tables
write for a fund before it launched or after it closed; analytics use it to count only a
fund's own sessions. A user's CSV with the same columns (``ticker`` and ``first_day`` at
least) can replace or extend rows: ``fund_lifetimes("my_funds.csv")``.
"""

from __future__ import annotations

import importlib.resources
import io
from pathlib import Path

import pandas as pd

from flowscope.errors import ParseError

__all__ = ["FUND_COLUMNS", "fund_lifetimes", "read_fund_lifetimes"]

#: Columns of a fund lifetime table, in order.
FUND_COLUMNS: tuple[str, ...] = (
    "ticker",
    "name",
    "issuer",
    "first_day",
    "last_day",
    "first_day_source",
    "checked",
)
_REQUIRED = ("ticker", "first_day")


def _parse(text: str, origin: str) -> pd.DataFrame:
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, comment="#")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        msg = f"not a readable CSV table ({str(exc).splitlines()[0][:160] if str(exc) else exc})"
        raise ParseError(msg, path=origin, expected="ticker,first_day,…") from None
    raw.columns = [str(c).strip().lower() for c in raw.columns]
    missing = [c for c in _REQUIRED if c not in raw.columns]
    if missing:
        msg = f"missing column(s) {missing}"
        raise ParseError(
            msg, path=origin, row=1, expected=",".join(FUND_COLUMNS), received=list(raw.columns)
        )
    for c in FUND_COLUMNS:
        if c not in raw.columns:
            raw[c] = ""
    raw = raw[list(FUND_COLUMNS)].apply(lambda s: s.str.strip())
    raw["ticker"] = raw["ticker"].str.upper()
    rows = pd.RangeIndex(2, len(raw) + 2)  # 1-based file rows, header = row 1
    empty = (raw["ticker"] == "").to_numpy()
    if empty.any():
        k = int(empty.argmax())
        msg = "empty ticker"
        raise ParseError(msg, path=origin, row=int(rows[k]), column="ticker", received="")
    dup = raw["ticker"].duplicated().to_numpy()
    if dup.any():
        k = int(dup.argmax())
        msg = "ticker listed twice"
        raise ParseError(
            msg, path=origin, row=int(rows[k]), column="ticker", received=raw["ticker"].iloc[k]
        )
    out = raw.copy()
    for col, required in (("first_day", True), ("last_day", False)):
        txt = raw[col]
        day = pd.to_datetime(txt, format="%Y-%m-%d", errors="coerce")
        bad = (day.isna() & ((txt != "") | required)).to_numpy()
        if bad.any():
            k = int(bad.argmax())
            msg = "not a date"
            raise ParseError(
                msg,
                path=origin,
                row=int(rows[k]),
                column=col,
                expected="YYYY-MM-DD" + ("" if required else " or empty (still trading)"),
                received=txt.iloc[k],
            )
        out[col] = day.astype("datetime64[ns]")
    before = (out["last_day"] < out["first_day"]).to_numpy()
    if before.any():
        k = int(before.argmax())
        msg = "last trading day is before the first"
        raise ParseError(
            msg,
            path=origin,
            row=int(rows[k]),
            column="last_day",
            expected=f"on or after {raw['first_day'].iloc[k]}",
            received=raw["last_day"].iloc[k],
        )
    return out.reset_index(drop=True)


def read_fund_lifetimes(path: str | Path) -> pd.DataFrame:
    """Read a fund lifetime CSV (``ticker``, ``first_day`` [, ``last_day``, …]).

    Returns
    -------
    DataFrame
        Columns :data:`FUND_COLUMNS`; ``first_day``/``last_day`` naive midnight (US trading
        days), ``last_day`` NaT while a fund trades; missing text columns are empty strings.

    Raises
    ------
    ParseError
        Naming the file, row and column of the first bad cell (bad date, empty or repeated
        ticker, last day before the first).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"cannot read the fund table ({exc})"
        raise ParseError(msg, path=p) from None
    return _parse(text, str(p))


def fund_lifetimes(extra: str | Path | pd.DataFrame | None = None) -> pd.DataFrame:
    """The bundled fund lifetime table, optionally with a user's rows replacing or adding funds.

    Parameters
    ----------
    extra
        A CSV path (read with :func:`read_fund_lifetimes`) or a frame with the same columns;
        its rows replace bundled rows of the same ticker and add new tickers.

    Returns
    -------
    DataFrame
        One row per ticker, columns :data:`FUND_COLUMNS`, sorted by ``first_day`` then
        ``ticker``; dates are naive midnight (US trading days), ``last_day`` NaT while trading.

    Examples
    --------
    >>> t = fund_lifetimes().set_index("ticker")
    >>> f"{t.loc['BTC', 'first_day']:%Y-%m-%d}"
    '2024-07-31'
    """
    res = importlib.resources.files("flowscope") / "data" / "funds.csv"
    table = _parse(res.read_text(encoding="utf-8"), "flowscope/data/funds.csv")
    if extra is not None:
        more = extra if isinstance(extra, pd.DataFrame) else read_fund_lifetimes(extra)
        table = pd.concat([table[~table["ticker"].isin(more["ticker"])], more], ignore_index=True)
    return table.sort_values(["first_day", "ticker"], kind="stable").reset_index(drop=True)

"""File formats: Artemis and DefiLlama ETF exports, independent cross-checks of Farside.

All values are US dollars (not millions).

* ``artemis-aum-daily`` (``date,ARKB,…,Bitcoin,…,IBIT``): per-fund AUM, calendar-daily with
  weekends carried forward -> ``etf_flows`` rows with ``aum_usd`` only (``flow_usd`` NULL),
  source ``artemis``. Non-session rows are kept out (one issue summarises them); values before a
  fund's first trading day (fund lifetime table ``flowscope/data/funds.csv``) give no row, and
  a zero AUM inside a fund's life is a gap in the export, kept out and reported. ``Bitcoin`` is the
  Grayscale Bitcoin Mini Trust, ticker ``BTC``. Values are rounded to cents (the export has
  float noise such as ``65299999.99999999``).
* ``artemis-flows-monthly`` (``date,<TICKER> - ETF Flows,…``, month-end dates) ->
  ``etf_flows_agg`` (period ``month``, asset ``bitcoin``, one row per fund; months before a
  fund's launch, written 0, are kept out and reported).
* ``artemis-flows-weekly`` (``date,Bitcoin - ETF Flows,Ethereum - ETF Flows,…``, Sundays) ->
  ``etf_flows_agg`` (period ``week`` Monday..Sunday, fund ``Total``, one row per asset).
* ``defillama-etf-history`` (``date,gecko_id,total_flow_usd``) -> ``etf_flows`` fund ``Total``,
  source ``defillama``, bitcoin rows only (the other assets are reported and skipped).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from flowscope.calendars import is_session
from flowscope.errors import ParseError
from flowscope.sources._files import FileFormat, ParsedFile, RowIssue, register_format
from flowscope.sources._parsing import raise_first_bad, read_csv_text
from flowscope.sources.formats._lifetimes import keep_out_of_life, life_bounds

__all__ = [
    "parse_artemis_aum",
    "parse_artemis_flows",
    "parse_defillama_history",
]

_FLOW_COL = re.compile(r"^(.+?)\s*-\s*ETF Flows$", re.IGNORECASE)
_ASSETS = {"bitcoin", "ethereum", "ripple", "solana", "xrp", "litecoin", "dogecoin", "hedera"}


def _read_table(path: Path) -> pd.DataFrame:
    try:
        df = read_csv_text(path)  # CSV or Parquet, as string cells
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError) as exc:
        msg = (
            f"cannot read CSV: {str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__}"
        )
        raise ParseError(msg, path=path) from None
    if df.empty or "date" not in [c.strip().lower() for c in df.columns]:
        msg = "expected a 'date' column and at least one data row"
        raise ParseError(msg, path=path, row=1, expected="date,…", received=",".join(df.columns))
    df.columns = [c.strip() for c in df.columns]
    return df.rename(columns={c: "date" for c in df.columns if c.lower() == "date"})


def _dates(df: pd.DataFrame, path: Path) -> pd.DatetimeIndex:
    raw = df["date"].str.strip().str.slice(0, 10)
    d = pd.to_datetime(raw, format="%Y-%m-%d", errors="coerce")
    bad = d.isna() | (d < pd.Timestamp("1990-01-01")) | (d > pd.Timestamp("2099-12-31"))
    raise_first_bad(
        bad,
        "cannot read the date",
        path=path,
        column="date",
        expected="YYYY-MM-DD",
        received=df["date"],
    )
    return pd.DatetimeIndex(d)


def _numbers(df: pd.DataFrame, cols: list[str], path: Path) -> np.ndarray:
    """Columns as float64 (empty -> NaN); ParseError naming row and column of a bad cell."""
    txt = df[cols].apply(lambda s: s.str.strip().str.replace(",", "", regex=False))
    vals = txt.apply(pd.to_numeric, errors="coerce")
    bad = vals.isna().to_numpy() & (txt.to_numpy() != "")
    mat: np.ndarray = np.array(vals, dtype="float64")
    bad |= ~np.isfinite(np.where(np.isnan(mat), 0.0, mat))
    if bad.any():
        r, c = np.argwhere(bad)[0]
        msg = "not a number"
        raise ParseError(
            msg,
            path=path,
            row=int(r) + 2,
            column=cols[int(c)],
            expected="a number in US dollars",
            received=df[cols[int(c)]].iloc[int(r)],
        )
    return mat


def _sessions(days: pd.DatetimeIndex) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Series.values returning an ndarray")
        out: np.ndarray = np.asarray(is_session(days), dtype=bool)
    return out


def _ticker(name: str) -> str:
    n = name.strip()
    return "BTC" if n.lower() == "bitcoin" else n.upper()


def parse_artemis_aum(path: str | Path, *, lifetimes: pd.DataFrame | None = None) -> ParsedFile:
    """Parse Artemis' daily per-fund AUM export into ``etf_flows`` rows (``aum_usd``, USD).

    Parameters
    ----------
    path
        The CSV export.
    lifetimes
        Fund lifetime table (default: the bundled one, see
        :func:`~flowscope.schemas.funds.fund_lifetimes`): values before a fund's first
        trading day or after its last are kept out and reported.

    Returns
    -------
    ParsedFile
        ``frame`` columns ``date``, ``fund``, ``aum_usd`` (USD, cents); source ``artemis``.
    """
    p = Path(path)
    df = _read_table(p)
    days = _dates(df, p)
    cols = [c for c in df.columns if c != "date"]
    mat = _numbers(df, cols, p)
    issues: list[RowIssue] = []
    sess = _sessions(days)
    if (~sess).any():
        off = days[~sess]
        issues.append(
            RowIssue(
                None,
                f"{int((~sess).sum())} non-session rows (weekends / holidays, AUM carried "
                "forward) kept out",
                detail=", ".join(f"{d:%Y-%m-%d}" for d in off[:5]) + (" …" if len(off) > 5 else ""),
            )
        )
    funds = [_ticker(x) for x in cols]
    first_day, last_day = life_bounds(funds, lifetimes)
    issues.extend(
        keep_out_of_life(
            mat,
            days,
            days,
            list(range(2, len(days) + 2)),
            sess,
            funds,
            first_day,
            last_day,
            unit="USD",
        )
    )
    # funds not in the lifetime table: zero AUM before the first non-zero value = not listed
    unknown = np.isnat(first_day)
    listed = np.maximum.accumulate(np.nan_to_num(mat) > 0, axis=0) | ~unknown[None, :]
    zero_in_life = sess[:, None] & listed & (mat == 0)
    if zero_in_life.any():
        r0, c0 = np.nonzero(zero_in_life)
        issues.append(
            RowIssue(
                int(r0[0]) + 2,
                f"{int(zero_in_life.sum())} zero AUM value(s) inside a fund's life kept out "
                "(a listed fund holds assets; 0 is a gap in the export)",
                date=f"{days[int(r0[0])]:%Y-%m-%d}",
                detail=", ".join(
                    f"{funds[c]} {days[r]:%Y-%m-%d}" for r, c in zip(r0[:5], c0[:5], strict=True)
                ),
            )
        )
    keep = sess[:, None] & listed & ~np.isnan(mat) & ~zero_in_life
    r, c = np.nonzero(keep)
    frame = pd.DataFrame(
        {
            "date": days[r].astype("datetime64[ns]"),
            "fund": np.asarray(funds, dtype=object)[c],
            "aum_usd": np.round(mat[r, c], 2),
        }
    )
    dup = frame.duplicated(["date", "fund"])
    if dup.any():
        k = int(np.flatnonzero(dup.to_numpy())[0])
        msg = "duplicate (date, fund)"
        raise ParseError(
            msg, path=p, received=f"{frame['date'].iloc[k]:%Y-%m-%d} {frame['fund'].iloc[k]}"
        )
    frame = frame.sort_values(["date", "fund"]).reset_index(drop=True)
    return ParsedFile("etf_flows", frame, "artemis", "artemis-aum-daily", str(p), issues)


def parse_artemis_flows(
    path: str | Path, *, period: str, lifetimes: pd.DataFrame | None = None
) -> ParsedFile:
    """Parse Artemis monthly per-fund or weekly per-asset flow exports into ``etf_flows_agg``.

    Parameters
    ----------
    path
        CSV with ``date`` and ``<name> - ETF Flows`` columns (USD).
    period
        ``"month"`` (columns are fund tickers; ``Bitcoin`` = BTC mini trust) or ``"week"``
        (columns are assets, each the all-fund Total).
    lifetimes
        Fund lifetime table for monthly per-fund exports (default: the bundled one): months
        that end before a fund's launch or start after its last trading day are kept out.

    Returns
    -------
    ParsedFile
        ``frame`` columns ``period_end``, ``period``, ``asset``, ``fund``, ``flow_usd`` (USD).
    """
    p = Path(path)
    df = _read_table(p)
    days = _dates(df, p)
    cols = [c for c in df.columns if c != "date"]
    names = []
    for c in cols:
        m = _FLOW_COL.match(c)
        if not m:
            msg = "column is not '<name> - ETF Flows'"
            raise ParseError(msg, path=p, row=1, column=c)
        names.append(m.group(1).strip())
    mat = _numbers(df, cols, p)
    issues: list[RowIssue] = []
    if period == "month":
        ok = days.is_month_end
        funds = [_ticker(n) for n in names]
        assets = ["bitcoin"] * len(names)
    elif period == "week":
        ok = days.day_of_week == 6
        funds = ["Total"] * len(names)
        assets = [n.lower() for n in names]
    else:
        msg = f"period must be 'month' or 'week', got {period!r}"
        raise ParseError(msg, path=p)
    issues.extend(
        RowIssue(
            int(k) + 2, f"date is not a {period} end: row kept out", date=f"{days[k]:%Y-%m-%d}"
        )
        for k in np.flatnonzero(~np.asarray(ok))
    )
    if period == "month":
        starts = pd.DatetimeIndex(days.to_period("M").start_time)
        first_day, last_day = life_bounds(funds, lifetimes)
        issues.extend(
            keep_out_of_life(
                mat,
                starts,
                days,
                list(range(2, len(days) + 2)),
                np.asarray(ok),
                funds,
                first_day,
                last_day,
                unit="USD",
            )
        )
    r, c = np.nonzero(np.asarray(ok)[:, None] & ~np.isnan(mat))
    frame = pd.DataFrame(
        {
            "period_end": days[r].astype("datetime64[ns]"),
            "period": period,
            "asset": np.asarray(assets, dtype=object)[c],
            "fund": np.asarray(funds, dtype=object)[c],
            "flow_usd": np.round(mat[r, c], 2),
        }
    )
    frame = frame.drop_duplicates(["period", "asset", "fund", "period_end"], keep="first")
    frame = frame.sort_values(["period_end", "asset", "fund"]).reset_index(drop=True)
    return ParsedFile(
        "etf_flows_agg", frame, "artemis", f"artemis-flows-{period}ly", str(p), issues
    )


def parse_defillama_history(path: str | Path) -> ParsedFile:
    """Parse DefiLlama's ETF history (``date,gecko_id,total_flow_usd``): bitcoin -> ``Total``.

    Returns
    -------
    ParsedFile
        ``etf_flows`` rows (``date``, ``fund`` = ``"Total"``, ``flow_usd`` USD), source
        ``defillama``. Other assets and non-session dates are reported and kept out.
    """
    p = Path(path)
    df = _read_table(p)
    need = {"gecko_id", "total_flow_usd"}
    if not need <= set(df.columns):
        msg = "missing column(s)"
        raise ParseError(
            msg,
            path=p,
            row=1,
            expected="date,gecko_id,total_flow_usd",
            received=",".join(df.columns),
        )
    days = _dates(df, p)
    flow = _numbers(df, ["total_flow_usd"], p)[:, 0]
    asset = df["gecko_id"].str.strip().str.lower().to_numpy()
    issues: list[RowIssue] = []
    other = asset != "bitcoin"
    if other.any():
        counts = pd.Series(asset[other]).value_counts()
        issues.append(
            RowIssue(
                None,
                "rows of other assets skipped (etf_flows holds spot-Bitcoin ETFs)",
                detail=", ".join(f"{k}: {v}" for k, v in counts.items()),
            )
        )
    btc = ~other
    sess = _sessions(days)
    issues.extend(
        RowIssue(int(k) + 2, "not an NYSE session: row kept out", date=f"{days[k]:%Y-%m-%d}")
        for k in np.flatnonzero(btc & ~sess)
    )
    keep = btc & sess & ~np.isnan(flow)
    frame = pd.DataFrame(
        {
            "date": days[keep].astype("datetime64[ns]"),
            "fund": "Total",
            "flow_usd": np.round(flow[keep]),
        }
    )
    dup = frame.duplicated(["date"])
    issues.extend(
        RowIssue(
            None, "duplicate date: later row ignored", date=f"{frame['date'].iloc[k]:%Y-%m-%d}"
        )
        for k in np.flatnonzero(dup.to_numpy())
    )
    frame = frame[~dup].sort_values("date").reset_index(drop=True)
    return ParsedFile("etf_flows", frame, "defillama", "defillama-etf-history", str(p), issues)


def _first_lines(head: str, n: int = 4) -> list[str]:
    return [ln.strip() for ln in head.splitlines() if ln.strip()][:n]


def _first_dates(lines: list[str]) -> pd.DatetimeIndex:
    d = pd.to_datetime(
        [ln.split(",")[0][:10] for ln in lines[1:]], format="%Y-%m-%d", errors="coerce"
    )
    return pd.DatetimeIndex(d)


def _sniff_aum(path: Path, head: str) -> bool:
    lines = _first_lines(head)
    if len(lines) < 2:
        return False
    cols = [c.strip() for c in lines[0].split(",")]
    return (
        cols[0].lower() == "date"
        and "IBIT" in cols
        and "Total" not in cols
        and not any("ETF Flows" in c for c in cols)
        and "Bitcoin" in cols
    )


def _sniff_flows(period: str) -> Callable[[Path, str], bool]:
    def sniff(path: Path, head: str) -> bool:
        lines = _first_lines(head)
        if len(lines) < 2:
            return False
        cols = [c.strip() for c in lines[0].split(",")]
        if cols[0].lower() != "date" or not all(_FLOW_COL.match(c) for c in cols[1:]):
            return False
        d = _first_dates(lines)
        if d.isna().any():
            return False
        names = {_FLOW_COL.match(c).group(1).strip().lower() for c in cols[1:]}  # type: ignore[union-attr]
        if period == "week":
            return bool(names) and names <= _ASSETS and bool((d.day_of_week == 6).all())
        return not names <= _ASSETS and bool(d.is_month_end.all())

    return sniff


def _sniff_defillama(path: Path, head: str) -> bool:
    lines = _first_lines(head, 2)
    return bool(lines) and lines[0].replace(" ", "").lower() == "date,gecko_id,total_flow_usd"


register_format(
    FileFormat(
        "artemis-aum-daily",
        "etf_flows",
        "Artemis 'Bitcoin ETFs AUM' export: date, one column per fund (USD), calendar days",
        _sniff_aum,
        parse_artemis_aum,
    )
)
register_format(
    FileFormat(
        "artemis-flows-monthly",
        "etf_flows_agg",
        "Artemis monthly per-fund flows: date (month end), '<TICKER> - ETF Flows' (USD)",
        _sniff_flows("month"),
        lambda p: parse_artemis_flows(p, period="month"),
    )
)
register_format(
    FileFormat(
        "artemis-flows-weekly",
        "etf_flows_agg",
        "Artemis weekly crypto ETF flows: date (Sunday), '<Asset> - ETF Flows' (USD, all funds)",
        _sniff_flows("week"),
        lambda p: parse_artemis_flows(p, period="week"),
    )
)
register_format(
    FileFormat(
        "defillama-etf-history",
        "etf_flows",
        "DefiLlama etf-history: date, gecko_id, total_flow_usd (USD); bitcoin -> Total",
        _sniff_defillama,
        parse_defillama_history,
    )
)

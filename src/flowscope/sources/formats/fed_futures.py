"""File formats for 30-day fed funds futures (ZQ) settlements (dataset ``fed_futures``).

Prices are quoted as ``100 - rate`` (rate in percent). Formats:

* ``zq-long-csv``: one row per contract and trade date,
  ``Symbol,Date,Open,High,Low,Close,Volume,OpenInterest`` (gzip accepted); symbols with a
  two-digit year (``ZQZ99`` = Dec 1999, ``ZQF00`` = Jan 2000). Source ``pyfedwatch``.
* ``yahoo-zq-csv``: ``symbol,date,Open,High,Low,Close,Adjusted,Volume`` (Yahoo ``ZQU24.CBT``);
  float32 artefacts (95.480003) are rounded to 1e-5. Source ``yahoo``.
* ``cme-settlements-json`` / ``cme-settlements-csv``: CME's daily settlements page
  (fields ``month`` such as ``JUL 26``, ``open``, ``high``, ``low``, ``last``, ``settle``,
  ``volume``, ``openInterest``). Prices may carry an ``A`` (ask) or ``B`` (bid) suffix, ``-``
  means no trade, volumes use thousands separators. The JSON carries ``tradeDate``
  (``MM/DD/YYYY``); a CSV copied from the page (``Month,Open,…,Settle,Est. Volume,Prior Day
  OI``) takes its trade date from a ``YYYYMMDD`` date in its file name. Source ``cme``.
* ``cme-settlements-tradedate-csv``: the page's JSON records written out one per row with the
  payload's trade date first, ``tradeDate,month,open,high,low,last,change,settle,volume,
  openInterest`` (``MM/DD/YYYY`` or ISO dates); one file may hold many trade dates. Source
  ``cme``.

A settlement must lie in (50, 101]: ``100 - price`` is the rate in percent, and ZQ did settle
slightly above 100 (100.03) when negative rates were priced in May 2020. A price outside that
range (``0``, ``9467``, ``inf``) refuses the file, naming the row. A file without data rows
is refused too.
* ``zq-curve-csv``: a one-day curve ``contract_symbol,contract_month,contract_year,
  close_price,as_of_date``. Source ``cme``.
"""

from __future__ import annotations

import json
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

__all__ = ["contract_month_of", "contract_symbol", "parse_cme_settlements_payload"]

MONTH_CODES = "FGHJKMNQUVXZ"
_MONTH_ABBR = {
    m: i + 1
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    )
}
_MONTH_ABBR["JLY"] = 7  # CME's older spelling of July
_SYMBOL_RE = r"^(?:ZQ|FF)([FGHJKMNQUVXZ])(\d{1,2})(?:\.CBT)?$"
_PRICE_MIN, _PRICE_MAX = 50.0, 101.0


def contract_symbol(month: pd.Series) -> pd.Series:
    """CME symbols with a two-digit year (``ZQU23``) for contract-month dates."""
    m = pd.to_datetime(month)
    code = np.array(list(MONTH_CODES))[m.dt.month.to_numpy() - 1]
    yy = (m.dt.year % 100).map("{:02d}".format)
    return "ZQ" + pd.Series(code, index=m.index) + yy


def contract_month_of(symbols: pd.Series, trade_dates: pd.Series, *, path: Path) -> pd.Series:
    """First day of the delivery month of each symbol, the century taken from the trade date.

    A two-digit (or one-digit) year is read as the year nearest after ``trade date - 2 y``:
    a contract is listed at most a few years ahead and settles at most weeks after expiry.

    Raises
    ------
    ParseError
        For a symbol that is not a ZQ/FF contract code (names the row).
    """
    parts = symbols.str.strip().str.upper().str.extract(_SYMBOL_RE)
    raise_first_bad(
        parts[0].isna(),
        "not a fed funds futures symbol",
        path=path,
        column="symbol",
        expected="ZQ<month code><year>, e.g. ZQU23",
        received=symbols,
    )
    month = parts[0].map(MONTH_CODES.index).to_numpy() + 1
    digits = parts[1].str.len().to_numpy()
    yy = parts[1].astype(int).to_numpy()
    base = pd.DatetimeIndex(trade_dates).year.to_numpy() - 2
    modulus = np.where(digits == 1, 10, 100)
    year = base + (yy - base) % modulus
    return pd.Series(
        pd.to_datetime({"year": year, "month": month, "day": 1}).to_numpy(), index=symbols.index
    )


def _check_prices(frame: pd.DataFrame, *, path: Path) -> None:
    s = frame["settle"]
    raise_first_bad(
        s.notna() & ~((s > _PRICE_MIN) & (s <= _PRICE_MAX)),
        "settlement outside the plausible ZQ range",
        path=path,
        column="settle",
        expected=f"a price above {_PRICE_MIN} and at most {_PRICE_MAX} (100 - rate %)",
        received=s,
    )


def _read(path: Path) -> pd.DataFrame:
    df = read_csv_text(path)
    if df.empty:
        msg = "no data rows (header only?): nothing to import"
        raise ParseError(msg, path=path, row=2, expected="at least one settlement row")
    return df


def _finish(
    frame: pd.DataFrame, *, path: Path, source: str, fmt: str, issues: list[RowIssue] | None = None
) -> ParsedFile:
    issues = list(issues or [])
    _check_prices(frame, path=path)
    missing = frame["settle"].isna().to_numpy()
    if missing.any():
        issues.append(RowIssue(None, f"{int(missing.sum())} rows without a settlement skipped"))
        frame = frame[~missing]
    dup = frame.duplicated(["contract", "date"], keep="last").to_numpy()
    if dup.any():
        issues.append(
            RowIssue(None, f"{int(dup.sum())} duplicate (contract, date) rows: last kept")
        )
        frame = frame[~dup]
    cols = [
        "date",
        "contract",
        "contract_month",
        "open",
        "high",
        "low",
        "settle",
        "volume",
        "open_interest",
    ]
    out = frame.reindex(columns=cols).sort_values(["contract", "date"], ignore_index=True)
    return ParsedFile("fed_futures", out, source, fmt, str(path), issues)


# -- per-contract long CSV (pyfedwatch data) -----------------------------------------------


def _parse_per_contract(
    path: Path,
    *,
    symbol_col: str,
    date_col: str,
    source: str,
    fmt: str,
    decimals: int | None = None,
) -> ParsedFile:
    """One row per (contract, day) with OHLC prices named ``Open``…``Close`` (settle = Close).

    ``decimals`` rounds prices (float32 artefacts such as 95.480003 in Yahoo files).
    """
    df = _read(path)
    require_columns(df, (symbol_col, date_col, "Close"), path=path)
    dates = strict_dates(df, date_col, path=path)
    month = contract_month_of(df[symbol_col], dates, path=path)

    def price(col: str) -> pd.Series:
        values = strict_numeric(df, col, path=path)
        return values.round(decimals) if decimals is not None else values

    frame = pd.DataFrame(
        {
            "date": dates,
            "contract": contract_symbol(month),
            "contract_month": month,
            **{c.lower(): price(c) for c in ("Open", "High", "Low") if c in df.columns},
            "settle": price("Close"),
            "volume": strict_numeric(df, "Volume", path=path) if "Volume" in df else np.nan,
            "open_interest": (
                strict_numeric(df, "OpenInterest", path=path) if "OpenInterest" in df else np.nan
            ),
        }
    )
    return _finish(frame, path=path, source=source, fmt=fmt)


def _parse_long(path: Path) -> ParsedFile:
    return _parse_per_contract(
        path, symbol_col="Symbol", date_col="Date", source="pyfedwatch", fmt="zq-long-csv"
    )


def _sniff_long(_p: Path, head: str) -> bool:
    first = head.splitlines()[0].strip() if head else ""
    return first.startswith("Symbol,Date,") and "Close" in first and "ZQ" in head[:2000]


# -- Yahoo ZQ?24.CBT -----------------------------------------------------------------------


def _parse_yahoo(path: Path) -> ParsedFile:
    return _parse_per_contract(
        path, symbol_col="symbol", date_col="date", source="yahoo", fmt="yahoo-zq-csv", decimals=5
    )


def _sniff_yahoo(_p: Path, head: str) -> bool:
    first = head.splitlines()[0].strip().lower() if head else ""
    return first.startswith("symbol,date,open,high,low,close") and "zq" in head[:2000].lower()


# -- CME settlements page (JSON or CSV) ----------------------------------------------------


def _cme_price(raw: pd.Series) -> pd.Series:
    """CME quote strings to floats: drop A/B suffixes and '+'; '-' / '' -> NaN."""
    s = raw.astype(str).str.strip().str.replace(r"[AB]$", "", regex=True)
    s = s.replace({"-": "", "UNCH": "0", "None": "", "nan": ""})
    return pd.to_numeric(s.str.replace(",", "", regex=False), errors="coerce")


def _cme_frame(
    rows: pd.DataFrame,
    trade_date: pd.Timestamp | pd.Series,
    *,
    path: Path,
    fmt: str,
    header_lines: int = 1,
) -> ParsedFile:
    """Settlement rows (page fields) to ``fed_futures`` rows; ``trade_date`` per file or row."""
    cols = {str(c).lower().replace(" ", "").replace(".", ""): c for c in rows.columns}
    for need in ("month", "settle"):
        if need not in cols:
            msg = "missing field"
            raise ParseError(
                msg,
                path=path,
                column=need,
                expected="CME settlements with fields month, settle, volume, openInterest",
                received=list(rows.columns),
            )
    rows = rows.fillna("").astype(str)
    lines = np.arange(len(rows)) + header_lines + 1
    dates = (
        trade_date.to_numpy()
        if isinstance(trade_date, pd.Series)
        else np.full(len(rows), np.datetime64(trade_date, "ns"))
    )
    month_txt = rows[cols["month"]].str.strip().str.upper()
    issues: list[RowIssue] = []
    parts = month_txt.str.extract(r"^([A-Z]{3})\s*(\d{2})$")
    keep = parts[0].isin(list(_MONTH_ABBR)).to_numpy()
    if (~keep).any():
        other = sorted(set(month_txt[~keep]))
        issues.append(RowIssue(None, "non-contract rows skipped", detail=", ".join(other)))
    rows, parts, lines, dates = rows[keep], parts[keep], lines[keep], dates[keep]
    if rows.empty:
        msg = "no contract rows"
        raise ParseError(msg, path=path, column=cols["month"], expected="months such as 'JUL 26'")
    month = pd.to_datetime(
        {
            "year": 2000 + parts[1].astype(int),
            "month": parts[0].map(_MONTH_ABBR),
            "day": 1,
        }
    )
    settle = _cme_price(rows[cols["settle"]])
    text_bad = settle.isna() & ~rows[cols["settle"]].astype(str).str.strip().isin(["-", ""])
    raise_first_bad(
        text_bad,
        "settlement is not a price",
        path=path,
        column=cols["settle"],
        expected="a price such as 96.3688 (optionally with an A/B suffix) or '-'",
        received=rows[cols["settle"]],
        lines=lines,
    )

    def opt(name: str) -> pd.Series | float:
        for key in (name, name.lower()):
            if key in cols:
                return _cme_price(rows[cols[key]]).to_numpy()
        return np.nan

    frame = pd.DataFrame(
        {
            "date": dates,
            "contract": contract_symbol(month).to_numpy(),
            "contract_month": month.to_numpy(),
            "open": opt("open"),
            "high": opt("high"),
            "low": opt("low"),
            "settle": settle.to_numpy(),
            "volume": opt("volume") if "volume" in cols else opt("estvolume"),
            "open_interest": opt("openinterest") if "openinterest" in cols else opt("priordayoi"),
        }
    )
    return _finish(frame, path=path, source="cme", fmt=fmt, issues=issues)


def parse_cme_settlements_payload(raw: bytes | str, *, origin: str | Path) -> ParsedFile:
    """Parse CME's settlements JSON (``{"tradeDate": "07/14/2026", "settlements": [...]}``).

    Returns
    -------
    ParsedFile
        ``fed_futures`` rows for the trade date (source ``cme``).

    Raises
    ------
    ParseError
        Malformed JSON, missing ``tradeDate``/``settlements``, or a settlement that is not a
        price (names the row and field).
    """
    path = Path(str(origin))
    try:
        payload = json.loads(raw)
    except json.JSONDecodeError as exc:
        msg = f"malformed JSON: {exc.msg}"
        raise ParseError(msg, path=path, row=exc.lineno) from exc
    if not isinstance(payload, dict) or "settlements" not in payload:
        msg = "not a CME settlements payload"
        raise ParseError(msg, path=path, expected="an object with 'settlements'")
    td = str(payload.get("tradeDate", "")).strip()
    trade_date = pd.to_datetime(td, format="%m/%d/%Y", errors="coerce")
    if pd.isna(trade_date):
        trade_date = pd.to_datetime(td, errors="coerce")
    if pd.isna(trade_date):
        msg = "missing or bad trade date"
        raise ParseError(
            msg,
            path=path,
            column="tradeDate",
            expected="MM/DD/YYYY",
            received=td or None,
        )
    items = payload["settlements"]
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        msg = "'settlements' is not a list of objects"
        raise ParseError(msg, path=path, column="settlements")
    rows = pd.DataFrame(items)
    return _cme_frame(
        rows, pd.Timestamp(trade_date).normalize(), path=path, fmt="cme-settlements-json"
    )


def _parse_cme_json(path: Path) -> ParsedFile:
    return parse_cme_settlements_payload(path.read_bytes(), origin=path)


def _parse_cme_csv(path: Path) -> ParsedFile:
    df = _read(path)
    lower = {c.lower().replace(" ", ""): c for c in df.columns}
    trade_date: pd.Timestamp | pd.Series
    if "tradedate" in lower:
        trade_date = strict_dates(df, lower["tradedate"], path=path)
    else:
        m = re.search(r"(20\d{2})[-_]?(\d{2})[-_]?(\d{2})", path.name)
        if not m:
            msg = "cannot tell the trade date"
            raise ParseError(
                msg,
                path=path,
                expected="a tradeDate column or a YYYYMMDD date in the file name",
            )
        trade_date = pd.Timestamp(f"{m[1]}-{m[2]}-{m[3]}")
    return _cme_frame(df, trade_date, path=path, fmt="cme-settlements-csv")


def _parse_cme_tradedate_csv(path: Path) -> ParsedFile:
    df = _read(path)
    dates = strict_dates(df, str(df.columns[0]), path=path)  # MM/DD/YYYY (US) or ISO
    return _cme_frame(df, dates, path=path, fmt="cme-settlements-tradedate-csv")


def _sniff_cme_tradedate_csv(_p: Path, head: str) -> bool:
    first = head.splitlines()[0].lower().replace(" ", "").replace('"', "") if head else ""
    return first.startswith("tradedate,") and ",month," in first and "settle" in first


def _sniff_cme_json(_p: Path, head: str) -> bool:
    h = head.lstrip()
    return h.startswith("{") and '"settlements"' in h and '"settle"' in h


def _sniff_cme_csv(_p: Path, head: str) -> bool:
    first = head.splitlines()[0].lower().replace(" ", "") if head else ""
    return first.startswith("month,") and "settle" in first


# -- one-day curve (contract_symbol, contract_month, contract_year, close_price) ----------


def _parse_curve(path: Path) -> ParsedFile:
    df = _read(path)
    require_columns(df, ("contract_symbol", "close_price", "as_of_date"), path=path)
    dates = strict_dates(df, "as_of_date", path=path)
    month = contract_month_of(df["contract_symbol"], dates, path=path)
    if {"contract_month", "contract_year"}.issubset(df.columns):
        year = strict_numeric(df, "contract_year", path=path, required=True)
        mon = strict_numeric(df, "contract_month", path=path, required=True)
        # a month or year a symbol could never carry is a disagreement like any other
        plausible = year.between(1900, 2200) & mon.between(1, 12) & (mon % 1 == 0)
        given = pd.to_datetime(
            {"year": year.where(plausible, 1900), "month": mon.where(plausible, 1), "day": 1}
        )
        wrong = ~plausible.to_numpy() | (given.to_numpy() != month.to_numpy())
        if wrong.any():
            pos = int(np.flatnonzero(wrong)[0])
            msg = "contract_month/contract_year disagree with the symbol"
            raise ParseError(
                msg,
                path=path,
                row=pos + 2,
                column="contract_symbol",
                expected=f"{year.iloc[pos]:g}-{mon.iloc[pos]:g}",
                received=df["contract_symbol"].iloc[pos],
            )
    frame = pd.DataFrame(
        {
            "date": dates,
            "contract": contract_symbol(month),
            "contract_month": month,
            "settle": strict_numeric(df, "close_price", path=path, required=True),
        }
    )
    return _finish(frame, path=path, source="cme", fmt="zq-curve-csv")


def _sniff_curve(_p: Path, head: str) -> bool:
    first = head.splitlines()[0].strip().lower() if head else ""
    return first.startswith("contract_symbol,") and "close_price" in first


for _fmt in (
    FileFormat(
        "zq-long-csv",
        "fed_futures",
        "ZQ daily per contract: Symbol,Date,Open,High,Low,Close,Volume,OpenInterest",
        _sniff_long,
        _parse_long,
    ),
    FileFormat(
        "yahoo-zq-csv",
        "fed_futures",
        "Yahoo ZQ?YY.CBT daily: symbol,date,Open,High,Low,Close,Adjusted,Volume",
        _sniff_yahoo,
        _parse_yahoo,
    ),
    FileFormat(
        "cme-settlements-json",
        "fed_futures",
        "CME settlements page JSON: tradeDate + settlements[month, settle, volume, ...]",
        _sniff_cme_json,
        _parse_cme_json,
    ),
    FileFormat(
        "cme-settlements-csv",
        "fed_futures",
        "CME settlements CSV: Month,Open,High,Low,Last,Change,Settle,... (date in name)",
        _sniff_cme_csv,
        _parse_cme_csv,
    ),
    FileFormat(
        "cme-settlements-tradedate-csv",
        "fed_futures",
        "CME settlements records with the trade date first: tradeDate,month,...,settle,...",
        _sniff_cme_tradedate_csv,
        _parse_cme_tradedate_csv,
    ),
    FileFormat(
        "zq-curve-csv",
        "fed_futures",
        "one-day ZQ curve: contract_symbol,contract_month,contract_year,close_price,as_of_date",
        _sniff_curve,
        _parse_curve,
    ),
):
    register_format(_fmt)

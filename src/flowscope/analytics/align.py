"""Aligning Bitcoin (24/7, UTC days) with equities (NYSE sessions), and returns.

Two alignments are offered, both explicit:

``"utc_close"`` (daily data, the default)
    For every NYSE session ``d`` the equity close of ``d`` (16:00 New York) is paired with the
    BTC close of UTC day ``d`` (24:00 UTC, i.e. 19:00/20:00 New York, 3 to 4 hours *after*
    the equity close). BTC returns are then session-to-session: Monday's BTC return spans the
    weekend. This is the only choice with daily bars and is what the rotation analytics use.
``"session_close"`` (intraday BTC bars)
    BTC is read at the equity close instant itself, from minute (or hourly) bars: the last
    bar that starts before ``session_close(d)`` as given by exchange-calendars (so half days
    and DST shifts are handled). Use :func:`btc_at_session_close`.

Prices must be adjusted consistently: a series that mixes adjustment variants (split-adjusted
with unadjusted rows, two sources of the same symbol) or that shows an unadjusted split jump
is refused with :class:`~flowscope.errors.DataMixError`.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd

from flowscope.calendars import nyse_calendar, sessions_in_range
from flowscope.errors import DataMixError, InsufficientDataError, ValidationError

__all__ = [
    "SPLIT_RATIOS",
    "AlignMethod",
    "ReturnKind",
    "align_daily",
    "btc_at_session_close",
    "check_adjustment",
    "close_series",
    "is_crypto_symbol",
    "returns",
]

AlignMethod = Literal["utc_close", "session_close"]
ReturnKind = Literal["simple", "log"]

#: Split ratios checked by the unadjusted-split detector (forward and reverse).
SPLIT_RATIOS: tuple[float, ...] = (2.0, 3.0, 4.0, 5.0, 8.0, 10.0, 15.0, 20.0, 25.0, 50.0)
_SPLIT_TOL = 0.03  # relative distance of a one-day price ratio to an exact split ratio


def _suspect_splits(close: pd.Series) -> pd.Series:
    """Days whose close/previous-close ratio sits within 3 % of 1/k or k for a split ratio k."""
    c = close.to_numpy(dtype=np.float64)
    if c.size < 2:
        return close.iloc[:0]
    ratio = c[1:] / c[:-1]
    ks = np.asarray(SPLIT_RATIOS)
    down = np.abs(ratio[:, None] * ks[None, :] - 1.0) < _SPLIT_TOL
    up = np.abs(ratio[:, None] / ks[None, :] - 1.0) < _SPLIT_TOL
    hit = (down | up).any(axis=1)
    return close.iloc[1:][hit]


def is_crypto_symbol(symbol: str) -> bool:
    """True for crypto pairs such as ``BTC-USD``, ``ETH-USDT`` or ``BTCUSDT`` (no corporate
    actions, so no split check)."""
    s = symbol.upper()
    quotes = ("USD", "USDT", "USDC", "EUR", "BTC")
    return ("-" in s and s.rsplit("-", 1)[1] in quotes) or s.endswith(("USDT", "USDC"))


def check_adjustment(prices: pd.DataFrame, *, detect_splits: bool | None = None) -> None:
    """Refuse price bars that mix adjustment variants.

    Parameters
    ----------
    prices
        Bars in the canonical ``prices`` layout: at least ``ts``, ``symbol``, ``close``; the
        ``adjusted`` and ``source`` columns are checked when present.
    detect_splits
        Also scan each symbol for a one-day move that equals a split ratio (1:2, 1:4, 1:10 …
        within 3 %), the signature of an unadjusted split in the series. Default (None):
        for every symbol except crypto pairs (:func:`is_crypto_symbol`), whose genuine
        one-day halvings (BTC on 2013-04-11) would otherwise look like splits.

    Raises
    ------
    DataMixError
        When one symbol carries several ``adjusted`` values, several sources on the same
        day, or a split-sized jump; the message names the symbol, the values and a date.

    Examples
    --------
    >>> bars = pd.DataFrame({"ts": pd.to_datetime(["2024-06-07", "2024-06-10"], utc=True),
    ...     "symbol": "NVDA", "close": [1208.88, 121.79], "adjusted": "none"})
    >>> check_adjustment(bars)
    Traceback (most recent call last):
    ...
    flowscope.errors.DataMixError: NVDA: close moves by a split ratio on 2024-06-10 (1208.88 -> 121.79, 1:10); the series looks unadjusted for a split: use split-adjusted prices
    """
    if prices.empty:
        return
    for symbol, g in prices.groupby("symbol", sort=True):
        if "adjusted" in g.columns:
            kinds = sorted(g["adjusted"].dropna().astype(str).unique())
            if len(kinds) > 1:
                first = g.loc[g["adjusted"] != g["adjusted"].iloc[0], "ts"].iloc[0]
                msg = (
                    f"{symbol}: prices mix adjustment variants {kinds} (first change at "
                    f"{pd.Timestamp(first):%Y-%m-%d}); select one variant (e.g. one source)"
                )
                raise DataMixError(msg, param_name="prices", received=kinds)
        if "source" in g.columns and g["ts"].duplicated().any():
            sources = sorted(g["source"].dropna().astype(str).unique())
            day = g.loc[g["ts"].duplicated(), "ts"].iloc[0]
            msg = (
                f"{symbol}: several sources {sources} hold bars for the same day "
                f"({pd.Timestamp(day):%Y-%m-%d}); pick one with source=..."
            )
            raise DataMixError(msg, param_name="prices", received=sources)
        if detect_splits or (detect_splits is None and not is_crypto_symbol(str(symbol))):
            s = g.sort_values("ts").set_index("ts")["close"].dropna()
            hits = _suspect_splits(s)
            if not hits.empty:
                day = hits.index[0]
                pos = s.index.get_loc(day)
                before, after = float(s.iloc[pos - 1]), float(s.iloc[pos])
                r = before / after if before > after else after / before
                k = min(SPLIT_RATIOS, key=lambda q: abs(r / q - 1))
                arrow = f"1:{k:g}" if before > after else f"{k:g}:1"
                msg = (
                    f"{symbol}: close moves by a split ratio on {pd.Timestamp(day):%Y-%m-%d} "
                    f"({before:.2f} -> {after:.2f}, {arrow}); the series looks unadjusted for "
                    "a split: use split-adjusted prices"
                )
                raise DataMixError(msg, param_name="prices", received=arrow)


def close_series(prices: pd.DataFrame, symbol: str | None = None) -> pd.Series:
    """Daily closes of one symbol as a Series indexed by naive date (the bar's UTC date).

    Parameters
    ----------
    prices
        Canonical ``prices`` bars (``ts`` UTC, ``symbol``, ``close`` …), checked with
        :func:`check_adjustment`.
    symbol
        Symbol to keep (default: the only one present).

    Returns
    -------
    Series
        Close (quote currency) named after the symbol, indexed by ``date`` (naive midnight).
    """
    if symbol is not None:
        prices = prices[prices["symbol"] == symbol]
    if prices.empty:
        msg = f"no price bars for {symbol or 'the requested symbol'}"
        raise InsufficientDataError(msg)
    syms = prices["symbol"].unique()
    if len(syms) > 1:
        msg = f"several symbols {sorted(syms)}: pass symbol="
        raise ValidationError(msg, param_name="symbol", received=list(syms))
    check_adjustment(prices)
    ts = pd.DatetimeIndex(pd.to_datetime(prices["ts"], utc=True))
    idx = ts.tz_convert("UTC").tz_localize(None).normalize()
    out = pd.Series(prices["close"].to_numpy(dtype=np.float64), index=idx, name=str(syms[0]))
    out.index.name = "date"
    return out.sort_index()


def returns(
    close: pd.Series | pd.DataFrame, kind: ReturnKind = "simple"
) -> pd.Series | pd.DataFrame:
    """Period returns from closes (row to row, in order).

    Parameters
    ----------
    close
        Prices (any positive level), one column per instrument.
    kind
        ``"simple"`` (p_t / p_{t-1} - 1) or ``"log"`` (ln p_t - ln p_{t-1}); both as fractions
        (0.01 = 1 %).

    Returns
    -------
    Series or DataFrame
        Same shape; the first row is NaN.

    Examples
    --------
    >>> returns(pd.Series([100.0, 110.0, 99.0])).round(4).tolist()
    [nan, 0.1, -0.1]
    """
    if kind not in ("simple", "log"):
        msg = f"`kind` must be 'simple' or 'log', got {kind!r}"
        raise ValidationError(msg, param_name="kind", received=kind)
    if (close <= 0).to_numpy().any():
        msg = "prices must be positive to compute returns"
        raise ValidationError(msg, param_name="close")
    if kind == "log":
        lg = np.log(close)
        return lg - lg.shift(1)
    return close / close.shift(1) - 1.0


def align_daily(
    btc: pd.Series,
    others: pd.Series | pd.DataFrame | dict[str, pd.Series],
    *,
    method: AlignMethod = "utc_close",
    btc_name: str = "BTC-USD",
) -> pd.DataFrame:
    """Put BTC and equity closes on NYSE sessions.

    Parameters
    ----------
    btc
        BTC closes indexed by naive date: UTC-day closes (``method="utc_close"``) or the
        output of :func:`btc_at_session_close` (``method="session_close"``).
    others
        Equity closes indexed by session date (one Series, a frame or a dict of Series).
    method
        ``"utc_close"``: pair session ``d`` with the BTC close of UTC day ``d``;
        ``"session_close"``: ``btc`` already holds prices at each session's close instant.
    btc_name
        Column name for BTC.

    Returns
    -------
    DataFrame
        Indexed by NYSE session (naive date), column ``btc_name`` then one column per equity;
        only sessions where every column has a price are kept.
    """
    if method not in ("utc_close", "session_close"):
        msg = f"`method` must be 'utc_close' or 'session_close', got {method!r}"
        raise ValidationError(msg, param_name="method", received=method)
    if isinstance(others, pd.Series):
        eq = others.to_frame()
    elif isinstance(others, dict):
        eq = pd.DataFrame(others)
    else:
        eq = others.copy()
    if eq.empty or btc.empty:
        msg = "nothing to align: empty BTC or equity series"
        raise InsufficientDataError(msg)
    start = max(btc.index.min(), eq.index.min())
    end = min(btc.index.max(), eq.index.max())
    sessions = sessions_in_range(start, end)
    frame = pd.concat([btc.rename(btc_name), eq], axis=1, sort=True).reindex(sessions)
    frame.index.name = "date"
    frame = frame.dropna(how="any")
    if frame.empty:
        msg = f"BTC and {list(eq.columns)} share no NYSE session"
        raise InsufficientDataError(msg)
    return frame


def btc_at_session_close(bars: pd.DataFrame, *, max_staleness: str = "5min") -> pd.Series:
    """BTC price at each NYSE session's close instant, from intraday bars.

    Parameters
    ----------
    bars
        Intraday bars with ``ts`` (bar start, tz-aware UTC or naive UTC) and ``close``.
    max_staleness
        How far the last bar before the close may start before it (as a pandas offset);
        sessions without such a bar are left out.

    Returns
    -------
    Series
        Close (USD) of the last bar that starts before the session close (16:00 New York,
        13:00 on half days, taken from exchange-calendars), indexed by session date.
    """
    ts = pd.DatetimeIndex(pd.to_datetime(bars["ts"]))
    ts = ts.tz_localize("UTC") if ts.tz is None else ts.tz_convert("UTC")
    ts = ts.as_unit("ns")
    order = np.argsort(ts.asi8, kind="stable")
    ts = ts[order]
    close = bars["close"].to_numpy(dtype=np.float64)[order]
    if ts.empty:
        msg = "no intraday bars"
        raise InsufficientDataError(msg)
    cal = nyse_calendar()
    sessions = sessions_in_range(ts.min().tz_localize(None).normalize(), ts.max().tz_localize(None))
    if len(sessions) == 0:
        msg = "the intraday bars cover no NYSE session close"
        raise InsufficientDataError(msg)
    closes = pd.DatetimeIndex(cal.closes.reindex(sessions).to_numpy())
    closes = closes.tz_convert("UTC") if closes.tz is not None else closes.tz_localize("UTC")
    closes = closes.as_unit("ns")
    # last bar whose start is strictly before the close instant
    pos = np.searchsorted(ts.asi8, closes.asi8, side="left") - 1
    ok = pos >= 0
    lag = np.full(len(closes), np.iinfo(np.int64).max)
    lag[ok] = closes.asi8[ok] - ts.asi8[pos[ok]]
    ok &= lag <= pd.Timedelta(max_staleness).value
    out = pd.Series(close[pos[ok]], index=sessions[ok], name="BTC-USD")
    out.index.name = "date"
    return out

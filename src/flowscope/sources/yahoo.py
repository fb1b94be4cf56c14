"""Yahoo Finance chart v8 connectors: equity/ETF daily bars and the fed-funds-futures strip.

Both read ``https://query1.finance.yahoo.com/v8/finance/chart/{symbol}?period1=&period2=
&interval=1d&events=div,split`` (one request per symbol, at most :attr:`rate_limit` per
second; the endpoint is unofficial and unmetered, so the rate is kept low) and parse it with
:mod:`flowscope.sources.formats.yahoo_chart`.

* :class:`YahooEquitiesSource` (registry ``yahoo``) → ``prices``: ``ts`` = 00:00 UTC of the
  exchange session date, interval ``1d``, ``adjusted='split'`` (Yahoo's ``quote`` prices
  are split-adjusted as of the request and **not** dividend-adjusted). When an answer for a
  range holds a split on or after its start, the symbol's whole history is read again, so
  the store never mixes bars adjusted before and after the split (``flowscope update``
  counts the re-adjusted rows as changed).
* :class:`YahooFedFundsFuturesSource` (registry ``zq``) → ``fed_futures``: the next
  :data:`ZQ_CONTRACTS` 30-day fed funds futures (``ZQ<month code><yy>.CBT``, from the current
  month on), ``settle`` = Yahoo's daily close rounded to the 0.0025 tick (Yahoo sends
  float32 artefacts such as 95.480003), OHLC rounded likewise, volume in contracts.
  **ZQ prices are CME Group data** (© CME Group, CME's terms of use): flowscope fetches them
  for the user's own use and never bundles or redistributes them.

Stored ``source`` is ``yahoo`` for both. Bars of a session that has not closed are kept out;
impossible bars are kept out too; both are reported with a
:class:`~flowscope.errors.DataQualityWarning`. ``extract`` returns ``{"charts": [{"symbol",
"url", "body"}, ...]}``.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from flowscope.errors import (
    EmptyDataError,
    ParseError,
    SchemaDriftError,
    SourceError,
    ValidationError,
)
from flowscope.sources._base import Source
from flowscope.sources._http import get_bytes
from flowscope.sources._window import SeriesQuery, build_series_query, report_issues
from flowscope.sources.formats.fed_futures import MONTH_CODES, contract_symbol
from flowscope.sources.formats.yahoo_chart import YahooChart, parse_yahoo_chart, session_bars

__all__ = [
    "DEFAULT_SYMBOLS",
    "YAHOO_CHART_URL",
    "ZQ_CONTRACTS",
    "YahooEquitiesSource",
    "YahooFedFundsFuturesSource",
]

YAHOO_CHART_URL = "https://query1.finance.yahoo.com/v8/finance/chart/{symbol}"
#: Equities and ETFs fetched by default.
DEFAULT_SYMBOLS: tuple[str, ...] = (
    "NVDA", "QQQ", "SMH", "SOXX", "XLK", "MSTR", "COIN", "IBIT", "SPY",
)  # fmt: skip
#: ZQ contracts in the default strip: the current month's and the next twelve.
ZQ_CONTRACTS = 13
ZQ_TICK = 0.0025
_ZQ_RE = r"^ZQ[FGHJKMNQUVXZ]\d{2}$"
_EQUITY_FIRST_DAY = pd.Timestamp("2015-01-01")
_ZQ_HISTORY = pd.Timedelta(days=365)
_ZQ_RANGE = (50.0, 110.0)  # 100 - rate %: anything outside is not a fed funds price


class _YahooChartSource(Source[SeriesQuery]):
    name: ClassVar[str] = "yahoo"
    allowed_hosts: ClassVar[tuple[str, ...]] = ("finance.yahoo.com",)
    lookback_days: ClassVar[int] = 7  # about five sessions: Yahoo revises recent bars
    rate_limit: ClassVar[float | None] = 2.0

    def _chart_symbol(self, series: str) -> str:
        return series

    def _history_start(self, now: pd.Timestamp) -> pd.Timestamp:
        return _EQUITY_FIRST_DAY

    def _split_since(self, body: bytes, start: pd.Timestamp, url: str) -> bool:
        try:
            splits = parse_yahoo_chart(body, origin=url).splits
        except (ParseError, SourceError):
            return False  # transform reports it
        return bool((splits["date"] >= start).any())

    def extract(self, query: SeriesQuery) -> bytes:
        """GET one chart per series, ``period1`` at its start day, ``period2`` after ``end``."""
        stop = query.now
        if query.end is not None:
            stop = min(stop, (query.end + pd.Timedelta(days=1)).tz_localize("UTC"))
        charts = []
        for series in query.series:
            start = query.starts.get(series)
            first = start.tz_localize("UTC") if start is not None else pd.Timestamp(0, tz="UTC")
            symbol = self._chart_symbol(series)
            url = YAHOO_CHART_URL.format(symbol=symbol)
            params = {
                "period1": str(int(first.timestamp())),
                "period2": str(int(stop.timestamp())),
                "interval": "1d",
                "events": "div,split",
            }
            body = get_bytes(
                self.client,
                url,
                source=self.name,
                params=params,
                rate_limit=self.rate_limit,
                allowed_hosts=self.allowed_hosts,
            )
            if start is not None and self._split_since(body, start, url):
                # a split re-adjusts the whole history: read it again from the default start
                start = self._history_start(query.now)
                first = start.tz_localize("UTC")
                params["period1"] = str(int(first.timestamp()))
                body = get_bytes(
                    self.client,
                    url,
                    source=self.name,
                    params=params,
                    rate_limit=self.rate_limit,
                    allowed_hosts=self.allowed_hosts,
                )
            charts.append(
                {
                    "symbol": series,
                    "url": url,
                    "start": None if start is None else f"{start:%Y-%m-%d}",
                    "body": body.decode("utf-8", "replace"),
                }
            )
        return json.dumps({"charts": charts}).encode("utf-8")

    def _charts(
        self, query: SeriesQuery, raw: bytes
    ) -> list[tuple[str, YahooChart, pd.Timestamp | None]]:
        out = []
        for item in json.loads(raw)["charts"]:
            origin = item["url"].split("://", 1)[-1]
            try:
                chart = parse_yahoo_chart(item["body"], origin=origin)
            except ParseError as exc:
                msg = f"yahoo: the chart answer no longer has the documented shape: {exc}"
                raise SchemaDriftError(msg, source=self.name) from exc
            expected = self._chart_symbol(item["symbol"])
            if chart.symbol and chart.symbol.upper() != expected.upper():
                msg = f"yahoo: asked for {expected}, the answer is for {chart.symbol} ({origin})"
                raise SchemaDriftError(msg, source=self.name)
            if chart.bars.empty and item["symbol"] in query.defaulted:
                msg = f"yahoo: no daily bar at all for {expected} ({origin})"
                raise EmptyDataError(msg, source=self.name)
            first = item.get("start")
            out.append((item["symbol"], chart, pd.Timestamp(first) if first else None))
        return out

    def _bars(
        self, query: SeriesQuery, raw: bytes
    ) -> tuple[list[tuple[str, pd.DataFrame]], list[str]]:
        frames: list[tuple[str, pd.DataFrame]] = []
        issues: list[str] = []
        for series, chart, start in self._charts(query, raw):
            bars, found = session_bars(chart, now=query.now)
            end = query.end
            if start is not None:
                bars = bars[bars["date"] >= start]
            if end is not None:
                bars = bars[bars["date"] <= end]
            frames.append((series, bars))
            issues.extend(
                f"{series} {i.date}: {i.reason}" if i.date else f"{series}: {i.reason}"
                for i in found
            )
        return frames, issues


class YahooEquitiesSource(_YahooChartSource):
    """Daily split-adjusted (not dividend-adjusted) bars of equities and ETFs from Yahoo.

    ``fetch(symbols=["NVDA"], start="2021-07-01", end="2021-07-31")``; without a start a
    symbol is read from 2015-01-01. ``start`` may map symbols to their own first day.
    """

    dataset: ClassVar[str] = "prices"
    #: ``flowscope update`` starts each symbol from its own newest bar held.
    update_group: ClassVar[str] = "symbol"

    def build_query(self, **params: Any) -> SeriesQuery:
        """Validate ``symbols`` (tickers), ``start`` (day or per-symbol), ``end``, ``now``."""

        def ticker(s: str) -> str:
            t = s.strip().upper()
            if not t or not all(c.isalnum() or c in ".-^=" for c in t):
                msg = f"yahoo: {s!r} is not a ticker (e.g. NVDA, QQQ)"
                raise ValidationError(msg, param_name="symbols", received=s)
            return t

        return build_series_query(
            self.name,
            params,
            series_param="symbols",
            default_series=DEFAULT_SYMBOLS,
            normalise=ticker,
            default_start=lambda s, now: _EQUITY_FIRST_DAY,
        )

    def transform(self, query: SeriesQuery, raw: bytes) -> pd.DataFrame:
        """Parse the charts into ``prices`` rows (``adjusted='split'``).

        Raises
        ------
        SchemaDriftError
            A chart no longer has the documented shape, or is for another symbol.
        EmptyDataError
            A symbol has no bar at all in a request without a start for it.
        """
        frames, issues = self._bars(query, raw)
        cols = ["ts", "symbol", "interval", "open", "high", "low", "close", "volume", "adjusted"]
        parts = [
            bars.assign(
                ts=bars["date"].dt.tz_localize("UTC"), symbol=sym, interval="1d", adjusted="split"
            )[cols]
            for sym, bars in frames
        ]
        report_issues(self.name, issues)
        if not parts:
            return pd.DataFrame(columns=cols)
        return pd.concat(parts, ignore_index=True).sort_values(["symbol", "ts"], ignore_index=True)


def zq_strip(now: pd.Timestamp, n: int = ZQ_CONTRACTS) -> tuple[str, ...]:
    """The ``n`` ZQ contracts from the month of ``now`` on (``ZQZ26``, ``ZQF27`` …)."""
    first = pd.Timestamp(year=now.year, month=now.month, day=1)
    months = pd.Series(pd.date_range(first, periods=n, freq="MS"))
    return tuple(contract_symbol(months))


def _contract_month(contract: str, now: pd.Timestamp) -> pd.Timestamp:
    month = MONTH_CODES.index(contract[2]) + 1
    year = 2000 + int(contract[3:5])
    if year < now.year - 50:  # two-digit years: the century nearest to now
        year += 100
    return pd.Timestamp(year=year, month=month, day=1)


class YahooFedFundsFuturesSource(_YahooChartSource):
    """Daily ZQ settlements (Yahoo close on the 0.0025 tick) of the next 13 contracts.

    CME Group data, fetched for the user's own use; never bundled. ``fetch(contracts=
    ["ZQF27"], start=...)``; without ``contracts`` the strip from the current month; a
    contract without a start is read for the last 365 days.
    """

    dataset: ClassVar[str] = "fed_futures"
    #: ``flowscope update`` starts each contract from its own newest settlement held.
    update_group: ClassVar[str] = "contract"

    def _chart_symbol(self, series: str) -> str:
        return f"{series}.CBT"

    def build_query(self, **params: Any) -> SeriesQuery:
        """Validate ``contracts`` (``ZQF27``), ``start`` (day or per-contract), ``end``, ``now``."""
        import re

        def contract(s: str) -> str:
            c = s.strip().upper().removesuffix(".CBT")
            if not re.match(_ZQ_RE, c):
                msg = f"zq: {s!r} is not a ZQ contract (e.g. ZQF27: month code + 2-digit year)"
                raise ValidationError(msg, param_name="contracts", received=s)
            return c

        now = pd.Timestamp(params.get("now") or pd.Timestamp.now(tz="UTC"))
        return build_series_query(
            "zq",
            params,
            series_param="contracts",
            default_series=zq_strip(now),
            normalise=contract,
            default_start=lambda s, now: (now - _ZQ_HISTORY).tz_localize(None).normalize(),
        )

    def transform(self, query: SeriesQuery, raw: bytes) -> pd.DataFrame:
        """Parse the charts into ``fed_futures`` rows (prices on the 0.0025 tick).

        Raises
        ------
        SchemaDriftError
            A chart no longer has the documented shape, or is for another contract.
        EmptyDataError
            A contract has no bar at all in a request without a start for it.
        """
        frames, issues = self._bars(query, raw)
        cols = [
            "date", "contract", "contract_month", "open", "high", "low", "settle", "volume",
            "open_interest",
        ]  # fmt: skip
        parts = []
        for contract, bars in frames:
            ticks = (bars[["open", "high", "low", "close"]] / ZQ_TICK).round() * ZQ_TICK
            ticks = ticks.round(4)
            out = pd.DataFrame(
                {
                    "date": bars["date"],
                    "contract": contract,
                    "contract_month": _contract_month(contract, query.now),
                    "open": ticks["open"],
                    "high": ticks["high"],
                    "low": ticks["low"],
                    "settle": ticks["close"],
                    "volume": bars["volume"],
                    "open_interest": np.nan,
                }
            )
            lo, hi = _ZQ_RANGE
            odd = ~out["settle"].between(lo, hi)
            issues.extend(
                f"{contract} {d:%Y-%m-%d}: settle {s} outside {lo}-{hi} kept out"
                for d, s in zip(out.loc[odd, "date"], out.loc[odd, "settle"], strict=True)
            )
            parts.append(out[~odd])
        report_issues("zq", issues)
        if not parts:
            return pd.DataFrame(columns=cols)
        out = pd.concat(parts, ignore_index=True)[cols]
        return out.sort_values(["contract", "date"], ignore_index=True)

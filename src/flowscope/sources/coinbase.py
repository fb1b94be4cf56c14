"""Coinbase Exchange connector: BTC-USD daily and hourly candles (dataset ``prices``).

``GET https://api.exchange.coinbase.com/products/BTC-USD/candles?granularity=86400|3600&start=&end=``
answers at most 300 candles ``[time, low, high, open, close, volume]``, newest first, so a
range is read in pages of 300 bars (one request each, at most :attr:`rate_limit` per second;
Coinbase's public limit is about 10 per second). Rows: symbol ``BTC-USD``, interval ``1d``
(UTC day) or ``1h``, ``ts`` = bar start (UTC), prices in USD, volume in BTC, ``adjusted``
``'none'``, source ``coinbase``.

The bar still in progress (its period has not ended at ``now``) is never returned, and bars
with impossible values are kept out; both are reported with a
:class:`~flowscope.errors.DataQualityWarning`. Without a start, daily bars are read from
2015-07-20 (the pair's first full day) and hourly bars for the last 90 days. Market data
from Coinbase's public API is subject to Coinbase's terms: for the user's own use.

``extract`` returns one JSON document ``{"pages": [{"interval", "url", "body"}, ...]}``
holding every page's raw body, so ``transform`` runs on recorded pages.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

import pandas as pd

from flowscope.errors import ParseError, SchemaDriftError
from flowscope.sources._base import Source
from flowscope.sources._http import get_bytes
from flowscope.sources._window import SeriesQuery, build_series_query, report_issues
from flowscope.sources.formats.exchange_candles import (
    INTERVAL_SECONDS,
    parse_coinbase_candles,
    prices_rows,
)

__all__ = ["COINBASE_CANDLES_URL", "CoinbaseCandlesSource"]

COINBASE_CANDLES_URL = "https://api.exchange.coinbase.com/products/BTC-USD/candles"
#: Candles per request (Coinbase's maximum).
PAGE_SIZE = 300
_FIRST_DAY = pd.Timestamp("2015-07-20")
_HOURLY_DEFAULT = pd.Timedelta(days=90)


def _default_start(interval: str, now: pd.Timestamp) -> pd.Timestamp:
    if interval == "1d":
        return _FIRST_DAY
    return (now - _HOURLY_DEFAULT).tz_localize(None).normalize()


class CoinbaseCandlesSource(Source[SeriesQuery]):
    """BTC-USD OHLCV bars from Coinbase Exchange (``1d`` and ``1h``), paginated by 300 bars.

    ``fetch(intervals=["1d"], start="2026-01-01", end="2026-03-31")``; ``start`` may also map
    intervals to their own first day (``{"1d": ..., "1h": ...}``), as ``flowscope update``
    passes it.
    """

    name: ClassVar[str] = "coinbase"
    allowed_hosts: ClassVar[tuple[str, ...]] = ("api.exchange.coinbase.com",)
    dataset: ClassVar[str] = "prices"
    lookback_days: ClassVar[int] = 2
    rate_limit: ClassVar[float | None] = 3.0
    #: ``flowscope update`` starts each interval from its own newest bar held.
    update_group: ClassVar[str] = "interval"

    def build_query(self, **params: Any) -> SeriesQuery:
        """Validate ``intervals`` (``1d``, ``1h``), ``start`` (day or per-interval), ``end``, ``now``."""
        return build_series_query(
            self.name,
            params,
            series_param="intervals",
            default_series=("1d", "1h"),
            normalise=lambda s: s.strip().lower(),
            allowed=tuple(INTERVAL_SECONDS),
            default_start=_default_start,
        )

    def pages(self, query: SeriesQuery, interval: str) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
        """First and last bar start (UTC) of each request for ``interval``."""
        step = pd.Timedelta(seconds=INTERVAL_SECONDS[interval])
        first = (query.starts[interval] or _default_start(interval, query.now)).tz_localize("UTC")
        stop = query.now.ceil(step)
        if query.end is not None:
            stop = min(stop, (query.end + pd.Timedelta(days=1)).tz_localize("UTC"))
        n = max(int((stop - first) / step), 0)
        return [
            (first + k * step, first + (min(k + PAGE_SIZE, n) - 1) * step)
            for k in range(0, n, PAGE_SIZE)
        ]

    def extract(self, query: SeriesQuery) -> bytes:
        """GET every page of every interval (oldest first)."""
        pages = []
        for interval in query.series:
            for a, b in self.pages(query, interval):
                params = {
                    "granularity": str(INTERVAL_SECONDS[interval]),
                    "start": a.isoformat(),
                    "end": b.isoformat(),
                }
                body = get_bytes(
                    self.client,
                    self.settings.url_for(self.name, COINBASE_CANDLES_URL),
                    source=self.name,
                    allowed_hosts=self.allowed_hosts,
                    params=params,
                    rate_limit=self.rate_limit,
                )
                url = f"{COINBASE_CANDLES_URL}?granularity={params['granularity']}&start={a:%Y-%m-%dT%H:%M}"
                pages.append(
                    {"interval": interval, "url": url, "body": body.decode("utf-8", "replace")}
                )
        return json.dumps({"pages": pages}).encode("utf-8")

    def transform(self, query: SeriesQuery, raw: bytes) -> pd.DataFrame:
        """Parse every page into ``prices`` rows; warn about bars kept out.

        Raises
        ------
        SchemaDriftError
            A page is not an array of candles (names the page and candle).
        """
        pages = json.loads(raw)["pages"]
        parsed: dict[str, list[pd.DataFrame]] = {s: [] for s in query.series}
        for page in pages:
            origin = page["url"].split("://", 1)[-1]
            try:
                parsed[page["interval"]].append(parse_coinbase_candles(page["body"], origin=origin))
            except ParseError as exc:
                msg = f"coinbase: the candles answer no longer has the documented shape: {exc}"
                raise SchemaDriftError(msg, source=self.name) from exc
        pieces = {
            k: pd.concat(v, ignore_index=True) if v else parse_coinbase_candles("[]", origin="")
            for k, v in parsed.items()
        }
        out, issues = prices_rows(
            pieces, symbol="BTC-USD", now=query.now, starts=query.starts, end=query.end
        )
        report_issues(self.name, issues)
        return out

"""Kraken connector: BTC-USD (Kraken pair ``XBTUSD``) daily and hourly OHLC (dataset ``prices``).

``GET https://api.kraken.com/0/public/OHLC?pair=XBTUSD&interval=1440|60&since=`` answers
``{"error": [], "result": {"XXBTZUSD": [[time, open, high, low, close, vwap, volume, count],
...], "last": <id>}}``. **Kraken serves only the 720 most recent bars** of an interval (30
days of hourly bars, about two years of daily bars), whatever ``since`` asks: when a range
starts before the first bar returned, a :class:`~flowscope.errors.GapWarning` says from when
the bars actually run. One request per interval, at most :attr:`rate_limit` per second (Kraken's
public counter allows about one per second).

Rows: symbol ``BTC-USD``, interval ``1d`` (UTC day) or ``1h``, ``ts`` = bar start (UTC),
prices in USD, volume in BTC, ``adjusted`` ``'none'``, source ``kraken``. Kraken's last bar
is the one in progress: it is kept out and reported (``DataQualityWarning``), as are bars with
impossible values. Market data from Kraken's public API is subject to Kraken's terms: for
the user's own use.

``extract`` returns ``{"pages": [{"interval", "url", "body"}, ...]}`` (one page per interval).
"""

from __future__ import annotations

import json
import warnings
from typing import Any, ClassVar

import pandas as pd

from flowscope.errors import GapWarning, ParseError, SchemaDriftError
from flowscope.sources._base import Source
from flowscope.sources._http import get_bytes
from flowscope.sources._window import SeriesQuery, build_series_query, report_issues
from flowscope.sources.formats.exchange_candles import (
    INTERVAL_SECONDS,
    parse_kraken_ohlc,
    prices_rows,
)

__all__ = ["KRAKEN_MAX_BARS", "KRAKEN_OHLC_URL", "KrakenOhlcSource"]

KRAKEN_OHLC_URL = "https://api.kraken.com/0/public/OHLC"
#: Most bars Kraken returns for one interval (the most recent ones).
KRAKEN_MAX_BARS = 720
_MINUTES = {"1d": 1440, "1h": 60}


class KrakenOhlcSource(Source[SeriesQuery]):
    """BTC-USD OHLC bars from Kraken (``1d``, ``1h``); at most the 720 most recent bars."""

    name: ClassVar[str] = "kraken"
    allowed_hosts: ClassVar[tuple[str, ...]] = ("api.kraken.com",)
    dataset: ClassVar[str] = "prices"
    lookback_days: ClassVar[int] = 2
    rate_limit: ClassVar[float | None] = 1.0
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
        )

    def extract(self, query: SeriesQuery) -> bytes:
        """GET one OHLC answer per interval (``since`` one bar before the start day)."""
        pages = []
        for interval in query.series:
            params = {"pair": "XBTUSD", "interval": str(_MINUTES[interval])}
            start = query.starts.get(interval)
            if start is not None:
                since = start.tz_localize("UTC") - pd.Timedelta(seconds=INTERVAL_SECONDS[interval])
                params["since"] = str(int(since.timestamp()))
            body = get_bytes(
                self.client,
                self.settings.url_for(self.name, KRAKEN_OHLC_URL),
                source=self.name,
                allowed_hosts=self.allowed_hosts,
                params=params,
                rate_limit=self.rate_limit,
            )
            url = f"{KRAKEN_OHLC_URL}?pair=XBTUSD&interval={params['interval']}"
            pages.append(
                {"interval": interval, "url": url, "body": body.decode("utf-8", "replace")}
            )
        return json.dumps({"pages": pages}).encode("utf-8")

    def transform(self, query: SeriesQuery, raw: bytes) -> pd.DataFrame:
        """Parse the answers into ``prices`` rows; warn about bars kept out and short history.

        Raises
        ------
        SchemaDriftError
            An answer no longer has the documented shape.
        SourceError
            Kraken answered with an error message.
        """
        pieces: dict[str, pd.DataFrame] = {}
        for page in json.loads(raw)["pages"]:
            origin = page["url"].split("://", 1)[-1]
            try:
                bars, _last = parse_kraken_ohlc(page["body"], origin=origin)
            except ParseError as exc:
                msg = f"kraken: the OHLC answer no longer has the documented shape: {exc}"
                raise SchemaDriftError(msg, source=self.name) from exc
            pieces[page["interval"]] = bars
            start = query.starts.get(page["interval"])
            step = pd.Timedelta(seconds=INTERVAL_SECONDS[page["interval"]])
            if (
                start is not None
                and len(bars)
                and bars["ts"].iloc[0] > start.tz_localize("UTC") + step
            ):
                warnings.warn(
                    f"kraken: only the {KRAKEN_MAX_BARS} most recent {page['interval']} bars are "
                    f"served; the range starts {start:%Y-%m-%d} but the bars start "
                    f"{bars['ts'].iloc[0]:%Y-%m-%d %H:%M} UTC (use coinbase for older bars)",
                    GapWarning,
                    stacklevel=2,
                )
        out, issues = prices_rows(
            pieces, symbol="BTC-USD", now=query.now, starts=query.starts, end=query.end
        )
        report_issues(self.name, issues)
        return out

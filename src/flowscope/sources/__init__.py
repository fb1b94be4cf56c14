"""Data connectors (online sources) and file importers.

Online connectors register under a name (``get_source("farside")``); file layouts register
as :class:`~flowscope.sources._files.FileFormat` (``read_file(path, dataset)``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from flowscope.errors import ValidationError

if TYPE_CHECKING:
    from flowscope.sources._base import Query, Source
    from flowscope.sources._files import (
        FileFormat,
        ParsedFile,
        RowIssue,
        detect_format,
        list_formats,
        read_file,
        register_format,
    )

# Loaded on first use (PEP 562), so that importing a light submodule such as
# ``flowscope.sources._inputs`` does not import pandas.
_LAZY: dict[str, str] = {
    "Query": "flowscope.sources._base",
    "Source": "flowscope.sources._base",
    "FileFormat": "flowscope.sources._files",
    "ParsedFile": "flowscope.sources._files",
    "RowIssue": "flowscope.sources._files",
    "detect_format": "flowscope.sources._files",
    "list_formats": "flowscope.sources._files",
    "read_file": "flowscope.sources._files",
    "register_format": "flowscope.sources._files",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        msg = f"module 'flowscope.sources' has no attribute {name!r}"
        raise AttributeError(msg)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "SOURCES",
    "FileFormat",
    "ParsedFile",
    "Query",
    "RowIssue",
    "Source",
    "detect_format",
    "get_source",
    "list_formats",
    "list_sources",
    "read_file",
    "register_format",
]

#: Online connectors: name -> "module:Class" (imported lazily).
SOURCES: dict[str, str] = {
    "farside": "flowscope.sources.farside:FarsideEtfFlowsSource",
    "sosovalue": "flowscope.sources.sosovalue:SoSoValueEtfFlowsSource",
    "fred": "flowscope.sources.fred:FredSeriesSource",
    "fomc": "flowscope.sources.fomc:FederalReserveFomcSource",
    "coinbase": "flowscope.sources.coinbase:CoinbaseCandlesSource",
    "kraken": "flowscope.sources.kraken:KrakenOhlcSource",
    "yahoo": "flowscope.sources.yahoo:YahooEquitiesSource",
    "zq": "flowscope.sources.yahoo:YahooFedFundsFuturesSource",
    "kalshi": "flowscope.sources.kalshi:KalshiFomcSource",
    "polymarket": "flowscope.sources.polymarket:PolymarketFomcSource",
}


def list_sources() -> list[str]:
    """Names of the online connectors."""
    return sorted(SOURCES)


def get_source(name: str) -> type[Source]:  # type: ignore[type-arg]
    """Return the connector class registered as ``name``."""
    try:
        target = SOURCES[name]
    except KeyError:
        msg = f"unknown source {name!r}; known: {', '.join(list_sources()) or 'none'}"
        raise ValidationError(msg, param_name="source", received=name) from None
    module, cls = target.split(":")
    return getattr(importlib.import_module(module), cls)  # type: ignore[no-any-return]

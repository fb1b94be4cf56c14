"""Farside online connector, run on the real saved page through httpx.MockTransport."""

from __future__ import annotations

from pathlib import Path

import httpx
import pandas as pd
import pytest

from flowscope.errors import (
    DataQualityWarning,
    OfflineError,
    SchemaDriftError,
    SourceHTTPError,
    ValidationError,
)
from flowscope.sources import get_source
from flowscope.sources.farside import FARSIDE_BTC_URL, FarsideEtfFlowsSource
from flowscope.storage import Store

PAGE = "etf_flows/juanbarmo10_farside_btc_page_trimmed_2026-07.html"


def _client(handler: httpx.MockTransport) -> httpx.Client:
    return httpx.Client(transport=handler)


def test_fetch_real_page_through_mock_transport(shared_data: Path, store: Store) -> None:
    body = (shared_data / PAGE).read_bytes()
    seen: list[str] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(str(req.url))
        return httpx.Response(200, content=body, headers={"content-type": "text/html"})

    assert get_source("farside") is FarsideEtfFlowsSource
    src = FarsideEtfFlowsSource(_client(httpx.MockTransport(handler)))
    with pytest.warns(DataQualityWarning, match="2026-07-23"):
        frame = src.fetch(start="2026-07-13", end="2026-07-23")
    assert seen == [FARSIDE_BTC_URL]
    # the 5 sessions before start come too, so revisions of recent days are picked up
    assert frame["date"].min() == pd.Timestamp("2026-07-06")
    frame = frame[frame["date"] >= pd.Timestamp("2026-07-13")]
    assert frame["date"].max() == pd.Timestamp("2026-07-22")
    tot = frame[frame["fund"] == "Total"].set_index("date")["flow_usd"] / 1e6
    assert tot.round(1).tolist() == [-424.7, 181.1, 107.7, 79.1, 132.3, 226.8, 203.2, 69.1]
    res = store.upsert("etf_flows", frame, source=src.name, origin="test")
    assert res.inserted == len(frame)
    assert store.upsert("etf_flows", frame, source=src.name).unchanged == len(frame)


def test_errors_map_to_source_errors() -> None:
    def not_found(req: httpx.Request) -> httpx.Response:
        return httpx.Response(404, text="gone")

    def offline(req: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route", request=req)

    def garbage(req: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html><body><p>Under maintenance</p></body></html>")

    with pytest.raises(SourceHTTPError) as ei:
        FarsideEtfFlowsSource(_client(httpx.MockTransport(not_found))).fetch()
    assert ei.value.status == 404
    with pytest.raises(OfflineError):
        FarsideEtfFlowsSource(_client(httpx.MockTransport(offline))).fetch()
    with pytest.raises(SchemaDriftError, match="no ETF flow table"):
        FarsideEtfFlowsSource(_client(httpx.MockTransport(garbage))).fetch()
    with pytest.raises(ValidationError):
        FarsideEtfFlowsSource(_client(httpx.MockTransport(garbage))).build_query(
            start="2026-07-10", end="2026-07-01"
        )

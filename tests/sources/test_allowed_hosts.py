"""Connectors fetch only from the hosts they declare; redirects elsewhere are refused unsent."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from flowscope.config import Settings
from flowscope.errors import DisallowedHostError, SourceAuthError, SourceHTTPError
from flowscope.sources import get_source, list_sources
from flowscope.sources._http import get_bytes, make_client
from flowscope.sources.fomc import FederalReserveFomcSource, parse_calendar
from flowscope.sources.sosovalue import SoSoValueEtfFlowsSource

CALENDAR = "fed_fomccalendars_2026-04-08__SEP_Analyzer.htm"


def _calendar(shared_data: Path) -> str:
    return (shared_data / "http_payloads" / CALENDAR).read_text(encoding="utf-8")


def test_every_connector_declares_its_hosts():
    for name in list_sources():
        cls = get_source(name)
        assert cls.allowed_hosts, f"{name} declares no allowed host"
        assert all(h == h.lower() and "/" not in h for h in cls.allowed_hosts)


def test_redirect_to_another_host_is_refused_and_not_followed():
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.host)
        if request.url.host == "farside.co.uk":
            return httpx.Response(302, headers={"Location": "https://evil.example/steal"})
        return httpx.Response(200, content=b"<html>not Farside</html>")

    client = httpx.Client(transport=httpx.MockTransport(handler))
    with pytest.raises(DisallowedHostError, match=r"evil\.example"):
        get_bytes(
            client,
            "https://farside.co.uk/bitcoin-etf-flow-all-data/",
            source="farside",
            allowed_hosts=("farside.co.uk",),
        )
    assert asked == ["farside.co.uk"]


def test_redirect_within_allowed_host_is_followed():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "https://www.federalreserve.gov/new"})
        return httpx.Response(200, content=b"ok")

    client = httpx.Client(transport=httpx.MockTransport(handler))
    body = get_bytes(
        client,
        "https://www.federalreserve.gov/old",
        source="fomc",
        allowed_hosts=("federalreserve.gov",),
    )
    assert body == b"ok"


def test_url_outside_allowed_hosts_is_never_requested():
    asked: list[str] = []
    client = httpx.Client(
        transport=httpx.MockTransport(lambda r: asked.append(str(r.url)) or httpx.Response(200))
    )
    with pytest.raises(DisallowedHostError):
        get_bytes(
            client,
            "https://federalreserve.gov.evil.example/x",
            source="fomc",
            allowed_hosts=("federalreserve.gov",),
        )
    assert asked == []


def test_fomc_calendar_links_to_other_hosts_are_ignored(shared_data):
    page = _calendar(shared_data).replace(
        'href="/newsevents/pressreleases/monetary20260128a.htm"',
        'href="https://evil.example/newsevents/pressreleases/monetary20260128a.htm"',
    )
    cal = parse_calendar(page)
    hosts = {httpx.URL(u).host for u in cal["url"]}
    assert hosts == {"www.federalreserve.gov"}
    assert not cal["url"].str.contains("evil").any()
    assert (cal["meeting_date"] == "2026-01-28").any()  # its other links are kept


def test_fomc_fetch_requests_only_federalreserve_hosts(shared_data):
    page = _calendar(shared_data).replace(
        'href="/monetarypolicy/fomcminutes20260128.htm"',
        'href="http://attacker.example/monetarypolicy/fomcminutes20260128.htm"',
    )
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.host)
        if request.url.path.endswith("fomccalendars.htm"):
            return httpx.Response(200, content=page.encode())
        return httpx.Response(404)

    client = httpx.Client(transport=httpx.MockTransport(handler))
    src = FederalReserveFomcSource(client, Settings())
    with pytest.raises(SourceHTTPError):  # the first federalreserve.gov page is a 404
        src.extract(src.build_query(start="2026-01-01", end="2026-03-31"))
    assert asked and set(asked) == {"www.federalreserve.gov"}


SECRET = "sk-live-0123456789abcdef"


def _soso(handler) -> SoSoValueEtfFlowsSource:
    settings = Settings(sosovalue_key=SECRET)
    client = make_client(settings)
    client._transport = httpx.MockTransport(handler)
    return SoSoValueEtfFlowsSource(client, settings)


def test_sosovalue_error_body_is_filtered_cut_and_redacted():
    body = (
        "<html><head><script>alert(1)</script></head><body><h1>Internal error</h1>"
        f"<p>request header x-soso-api-key={SECRET} failed\x1b[31m</p>"
        + "x" * 5000
        + "</body></html>"
    )
    src = _soso(lambda r: httpx.Response(500, text=body, headers={"Content-Type": "text/html"}))
    with pytest.raises(SourceHTTPError) as info:
        src.fetch()
    msg = str(info.value)
    assert SECRET not in msg
    assert "<script>" not in msg and "alert" not in msg and "\x1b" not in msg
    assert "Internal error" in msg
    assert len(msg) < 400


def test_sosovalue_redirect_to_other_host_is_refused():
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.host)
        return httpx.Response(307, headers={"Location": "https://collector.example/x"})

    with pytest.raises(DisallowedHostError):
        _soso(handler).fetch()
    assert asked == ["api.sosovalue.xyz"]


def test_sosovalue_error_code_message_echoing_the_key_is_redacted():
    doc = '{"code": 40001, "msg": "invalid key ' + SECRET + '", "data": null}'
    src = _soso(lambda r: httpx.Response(200, text=doc))
    with pytest.raises(SourceAuthError) as info:
        src.fetch()
    assert SECRET not in str(info.value)
    assert "[redacted]" in str(info.value)

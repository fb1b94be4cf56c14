"""Every online connector under injected faults: 429 with Retry-After, 503, a truncated body.

Each connector is served its recorded payload (../shared/data/http_payloads, the real Farside
page) or, where no real body exists, a body in the documented shape built from real values
(Coinbase and Kraken daily bars from the CryptoQuant series, FRED policy rates from the FRED
pull, a ZQ chart from Yahoo's ZQZ24 values; the recorded Kalshi and Polymarket order books
behind FOMC market metadata in the documented shape). The first request (or every request) fails as a
server would; the connector then succeeds after the retry or raises a clear flowscope error,
and a real store is left exactly as it was.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pandas as pd
import pytest
from tests.sources.test_kalshi_source import fomc_payloads
from tests.sources.test_polymarket_source import gamma_event
from tests.sources.test_yahoo_source import NVDA, body_of, zq_chart

from flowscope.errors import SourceError, TruncatedResponseError
from flowscope.sources import get_source

CQ = "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"
FRED_LONG = "fed_futures/fred_policy_rates_riskmodel_2021-05_2026-08_long.csv"
FARSIDE = "etf_flows/juanbarmo10_farside_btc_page_trimmed_2026-07.html"


@dataclass(frozen=True)
class Case:
    name: str
    params: dict[str, Any]
    serve: Callable[[Any], Callable[[httpx.Request], httpx.Response]]


def _farside(shared):
    page = (shared / FARSIDE).read_bytes()
    return lambda req: httpx.Response(200, content=page)


def _fred(shared):
    long = pd.read_csv(shared / FRED_LONG)
    ids = ["DFEDTARL", "DFEDTARU", "EFFR", "IORB", "SOFR"]
    wide = (
        long[long["series_id"].isin(ids) & (long["date"] >= "2026-08-01")]
        .pivot(index="date", columns="series_id", values="value")
        .reindex(columns=ids)
    )
    body = wide.rename_axis("observation_date").to_csv(na_rep=".").encode()
    return lambda req: httpx.Response(200, content=body)


def _cq(shared) -> pd.DataFrame:
    daily = pd.read_csv(shared / CQ).dropna()
    daily["ts"] = pd.to_datetime(daily["date"]).dt.tz_localize("UTC")
    return daily[daily["date"] >= "2026-03-01"]


def _coinbase(shared):
    daily = _cq(shared)

    def handler(req: httpx.Request) -> httpx.Response:
        a, b = pd.Timestamp(req.url.params["start"]), pd.Timestamp(req.url.params["end"])
        rows = daily[(daily["ts"] >= a) & (daily["ts"] <= b)].iloc[::-1]
        return httpx.Response(
            200,
            json=[
                [int(r.ts.timestamp()), r.Low, r.High, r.Open, r.Close, r.Volume]
                for r in rows.itertuples()
            ],
        )

    return handler


def _kraken(shared):
    rows = [
        [int(r.ts.timestamp()), str(r.Open), str(r.High), str(r.Low), str(r.Close), "0",
         str(r.Volume), 0]
        for r in _cq(shared).itertuples()
    ]  # fmt: skip
    body = {"error": [], "result": {"XXBTZUSD": rows, "last": 1}}
    return lambda req: httpx.Response(200, json=body)


def _yahoo(shared):
    body = body_of(shared, NVDA)
    return lambda req: httpx.Response(200, content=body)


def _zq(shared):
    body = zq_chart(shared, "ZQZ24", regular_end="2024-09-10 19:00+00:00")
    return lambda req: httpx.Response(200, content=body)


def _kalshi(shared):
    payloads = fomc_payloads(shared)

    def handler(req: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=payloads[req.url.path.removeprefix("/trade-api/v2")])

    return handler


def _polymarket(shared):
    book = json.loads(
        (shared / "http_payloads/polymarket_clob_book_jdvance2028_yes__ccxt.json").read_text()
    )
    event = gamma_event(book["asset_id"])

    def handler(req: httpx.Request) -> httpx.Response:
        if req.url.host == "gamma-api.polymarket.com":
            return httpx.Response(200, json=event)
        if req.url.params["token_id"] == book["asset_id"]:
            return httpx.Response(200, json=book)
        return httpx.Response(200, json={"bids": [], "asks": []})

    return handler


CASES = [
    Case("farside", {}, _farside),
    Case("fred", {"start": "2026-08-01", "end": "2026-08-21"}, _fred),
    Case("coinbase", {"intervals": ["1d"], "start": "2026-03-01", "end": "2026-04-11"}, _coinbase),
    Case("kraken", {"intervals": ["1d"], "start": "2026-03-01", "end": "2026-04-11"}, _kraken),
    Case("yahoo", {"symbols": ["NVDA"], "start": "2021-02-01", "end": "2022-01-31"}, _yahoo),
    Case(
        "zq",
        {"contracts": ["ZQZ24"], "start": "2024-08-01", "end": "2024-09-09", "now": "2024-09-10"},
        _zq,
    ),
    Case("kalshi", {"now": "2025-11-19T18:30:00Z"}, _kalshi),
    Case(
        "polymarket",
        {"events": ["fed-decision-in-december"], "now": "2026-06-12T19:00:00Z"},
        _polymarket,
    ),
]


class _CutStream(httpx.SyncByteStream):
    def __init__(self, head: bytes, expected: int) -> None:
        self.head, self.expected = head, expected

    def __iter__(self) -> Iterator[bytes]:
        yield self.head
        msg = f"peer closed connection: received {len(self.head)} of {self.expected} bytes"
        raise httpx.RemoteProtocolError(msg)


def _faulty(base, fault: str, *, always: bool = False):
    calls = {"n": 0}

    def handler(req: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1 or always:
            if fault == "429":
                return httpx.Response(429, headers={"Retry-After": "3"}, content=b"slow down")
            if fault == "503":
                return httpx.Response(503, content=b"<html><body>Service Unavailable</body></html>")
            good = base(req).content
            return httpx.Response(
                200,
                headers={"Content-Length": str(len(good))},
                stream=_CutStream(good[: len(good) // 3], len(good)),
            )
        return base(req)

    return httpx.Client(transport=httpx.MockTransport(handler)), calls


def _fetch(case: Case, client: httpx.Client) -> pd.DataFrame:
    with _Quiet():
        return get_source(case.name)(client).fetch(**case.params)


class _Quiet:
    """Connector data-quality warnings (e.g. an in-progress bar) are not under test here."""

    def __enter__(self) -> None:
        import warnings

        self._cm = warnings.catch_warnings()
        self._cm.__enter__()
        from flowscope.errors import FlowscopeWarning

        warnings.simplefilter("ignore", FlowscopeWarning)

    def __exit__(self, *exc: object) -> None:
        self._cm.__exit__(*exc)


@pytest.fixture(params=CASES, ids=[c.name for c in CASES])
def case(request) -> Case:
    return request.param


def _clean(case: Case, shared) -> pd.DataFrame:
    return _fetch(case, httpx.Client(transport=httpx.MockTransport(case.serve(shared))))


def test_429_with_retry_after_is_waited_out_then_succeeds(case, shared_data, http_waits):
    client, calls = _faulty(case.serve(shared_data), "429")
    out = _fetch(case, client)
    assert 3.0 in http_waits.waits  # the server's Retry-After, not the back-off
    pd.testing.assert_frame_equal(out, _clean(case, shared_data))
    assert not out.empty
    assert calls["n"] >= 2


def test_503_then_success(case, shared_data, http_waits):
    client, _ = _faulty(case.serve(shared_data), "503")
    out = _fetch(case, client)
    pd.testing.assert_frame_equal(out, _clean(case, shared_data))
    assert len(http_waits.waits) >= 1


def test_truncated_body_is_retried_then_succeeds(case, shared_data):
    client, calls = _faulty(case.serve(shared_data), "cut")
    out = _fetch(case, client)
    pd.testing.assert_frame_equal(out, _clean(case, shared_data))
    assert calls["n"] >= 2


def test_truncated_every_time_is_a_clear_error_and_the_store_is_unchanged(case, shared_data, store):
    first = _clean(case, shared_data)
    spec = get_source(case.name).dataset
    store.upsert(spec, first.head(3), source="earlier")
    before = store.read(spec).to_csv()
    client, calls = _faulty(case.serve(shared_data), "cut", always=True)
    with pytest.raises(TruncatedResponseError) as info:
        _fetch(case, client)
    assert isinstance(info.value, SourceError)
    message = str(info.value)
    assert "\n" not in message and "Traceback" not in message
    assert calls["n"] == 3  # the first try and two retries
    assert store.read(spec).to_csv() == before


def test_error_messages_never_show_query_strings(shared_data):
    # Coinbase's pages carry start/end in the query; a 503 that never ends names the host only
    case = CASES[2]
    client, _ = _faulty(case.serve(shared_data), "503", always=True)
    with pytest.raises(SourceError) as info:
        _fetch(case, client)
    assert "api.exchange.coinbase.com" in str(info.value)
    assert "start=" not in str(info.value) and "?" not in str(info.value)
    assert json.dumps(str(info.value))  # one printable line

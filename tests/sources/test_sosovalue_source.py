"""SoSoValue connector on constructed payloads (real Farside/Artemis figures, see the
fixtures README) through httpx.MockTransport; the key never leaks."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import httpx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowscope.analytics.flows import reconcile_sources
from flowscope.config import Settings, load_settings
from flowscope.errors import FlowscopeError, SourceAuthError, SourceHTTPError
from flowscope.sources import get_source
from flowscope.sources.sosovalue import SoSoValueEtfFlowsSource, parse_sosovalue
from flowscope.storage import Store

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "flows"
HIST = (FIX / "sosovalue_historicalInflowChart_2025-11.json").read_bytes()
CUR = (FIX / "sosovalue_currentEtfDataMetrics_2025-11-18.json").read_bytes()
KEY = "sk-test-DO-NOT-LEAK-123"


def _source(handler, key: str | None = KEY) -> SoSoValueEtfFlowsSource:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return SoSoValueEtfFlowsSource(client, Settings(sosovalue_key=key))


def test_fetch_parses_total_history_and_funds() -> None:
    calls: list[tuple[str, str, dict]] = []

    def handler(req: httpx.Request) -> httpx.Response:
        calls.append((req.method, req.url.path, json.loads(req.content)))
        assert req.headers["x-soso-api-key"] == KEY
        body = HIST if req.url.path.endswith("historicalInflowChart") else CUR
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    assert get_source("sosovalue") is SoSoValueEtfFlowsSource
    frame = _source(handler).fetch(start="2025-11-13", end="2025-11-18")
    assert [c[:2] for c in calls] == [
        ("POST", "/openapi/v2/etf/historicalInflowChart"),
        ("POST", "/openapi/v2/etf/currentEtfDataMetrics"),
    ]
    assert calls[0][2] == {"type": "us-btc-spot"}
    tot = frame[frame["fund"] == "Total"].set_index("date")["flow_usd"]
    assert (tot / 1e6).round(1).tolist() == [-866.7, -492.1, -254.6, -372.8]
    ibit = frame[(frame["fund"] == "IBIT")].iloc[0]
    assert ibit["date"] == pd.Timestamp("2025-11-18")
    assert ibit["flow_usd"] == -523_200_000.0
    assert ibit["aum_usd"] == pytest.approx(73_281_420_380.0)
    assert len(frame[frame["date"] == pd.Timestamp("2025-11-18")]) == 12  # 11 funds + Total


def test_reconciles_with_farside(bundled_store: Store, tmp_path: Path) -> None:
    store = Store(tmp_path / "s.duckdb")
    store.upsert("etf_flows", bundled_store.etf_flows(start="2025-11-13", end="2025-11-18"))
    store.upsert("etf_flows", parse_sosovalue(HIST), source="sosovalue")
    store.upsert("etf_flows", parse_sosovalue(CUR), source="sosovalue")
    rec = reconcile_sources(store.etf_flows())
    both = rec[rec["n_sources"] == 2]
    assert len(both) == 4 + 11
    assert set(both["status"]) == {"agree"}
    store.close()


def test_missing_and_rejected_key_never_shown() -> None:
    def ok(req: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=HIST)

    with pytest.raises(SourceAuthError, match="FLOWSCOPE_SOSOVALUE_KEY"):
        _source(ok, key=None).fetch()

    def denied(req: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"code": 401, "msg": "invalid api key"})

    with pytest.raises(SourceAuthError) as ei:
        _source(denied).fetch()
    assert KEY not in str(ei.value)
    assert KEY not in repr(Settings(sosovalue_key=KEY))

    def coded(req: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"code": 40001, "msg": "api key expired", "data": None})

    with pytest.raises(SourceAuthError) as ei:
        _source(coded).fetch()
    assert KEY not in str(ei.value)

    def down(req: httpx.Request) -> httpx.Response:
        return httpx.Response(503, text="busy")

    with pytest.raises(SourceHTTPError) as ei2:
        _source(down).fetch()
    assert ei2.value.status == 503
    assert KEY not in str(ei2.value)


def test_key_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWSCOPE_SOSOVALUE_KEY", KEY)
    seen = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req.headers["x-soso-api-key"])
        return httpx.Response(200, content=HIST)

    src = SoSoValueEtfFlowsSource(
        httpx.Client(transport=httpx.MockTransport(handler)), load_settings()
    )
    src.fetch(per_fund=False)
    assert seen == [KEY]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300) | st.sampled_from([HIST, CUR]).map(lambda b: b[: len(b) // 2]))
def test_parser_raises_only_flowscope_errors(raw: bytes) -> None:
    with contextlib.suppress(FlowscopeError):
        parse_sosovalue(raw)


@settings(max_examples=150, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
        lambda c: (
            st.lists(c, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "code",
                        "msg",
                        "data",
                        "list",
                        "date",
                        "ticker",
                        "totalNetInflow",
                        "dailyNetInflow",
                        "value",
                        "lastUpdateDate",
                        "netAssets",
                    ]
                ),
                c,
                max_size=5,
            )
        ),
        max_leaves=12,
    )
)
def test_parser_on_random_json_shapes(doc: object) -> None:
    with contextlib.suppress(FlowscopeError):
        parse_sosovalue(json.dumps(doc).encode())

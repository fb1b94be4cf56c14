"""FRED connector (fredgraph.csv) offline: recorded-layout payloads served by httpx.MockTransport."""

from __future__ import annotations

import warnings

import httpx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.conftest import FIXTURES

from flowscope.errors import (
    DataQualityWarning,
    EmptyDataError,
    FlowscopeError,
    OfflineError,
    SchemaDriftError,
    SourceHTTPError,
    ValidationError,
)
from flowscope.sources import get_source, read_file
from flowscope.sources.fred import FREDGRAPH_URL, FredSeriesSource

MULTI = FIXTURES / "rates" / "fredgraph_DFEDTARL_DFEDTARU_EFFR_202607.csv"
SINGLE = FIXTURES / "rates" / "fredgraph_EFFR_202607.csv"


def client_serving(body: bytes, seen: list[httpx.Request] | None = None, status: int = 200):
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        return httpx.Response(status, content=body)

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_registered_under_fred():
    assert get_source("fred") is FredSeriesSource


def test_fetch_builds_one_request_and_parses_all_series():
    seen: list[httpx.Request] = []
    src = FredSeriesSource(client_serving(MULTI.read_bytes(), seen))
    out = src.fetch(series=["DFEDTARL", "dfedtaru", "EFFR"], start="2026-07-01", end="2026-07-31")
    assert len(seen) == 1
    url = seen[0].url
    assert str(url.copy_with(query=None)) == FREDGRAPH_URL
    assert url.params["id"] == "DFEDTARL,DFEDTARU,EFFR"
    assert (url.params["cosd"], url.params["coed"]) == ("2026-07-01", "2026-07-31")
    counts = out.groupby("series").size().to_dict()
    assert counts == {"DFEDTARL": 31, "DFEDTARU": 31, "EFFR": 23}  # no EFFR on weekends
    v = out.set_index(["series", "date"])["value"]
    assert v[("DFEDTARU", pd.Timestamp("2026-07-14"))] == 3.75
    assert v[("EFFR", pd.Timestamp("2026-07-14"))] == 3.63


def test_connector_and_file_importer_agree(shared_data):
    out = FredSeriesSource(client_serving(SINGLE.read_bytes())).fetch(series="EFFR")
    from_file = read_file(
        shared_data / "fed_futures" / "fred_policy_rates_riskmodel_2021-05_2026-08_long.csv"
    ).frame
    ref = from_file[
        (from_file.series == "EFFR") & from_file.date.dt.strftime("%Y-%m").eq("2026-07")
    ]
    pd.testing.assert_frame_equal(
        out.reset_index(drop=True), ref[["series", "date", "value"]].reset_index(drop=True)
    )


def test_range_is_applied_to_the_answer():
    out = FredSeriesSource(client_serving(SINGLE.read_bytes())).fetch(
        series="EFFR", start="2026-07-14", end="2026-07-17"
    )
    assert out["date"].dt.day.tolist() == [14, 15, 16, 17]


def test_html_answer_is_schema_drift():
    body = b"<!DOCTYPE html><html><body>Series not found</body></html>"
    with pytest.raises(SchemaDriftError, match="not a fredgraph CSV"):
        FredSeriesSource(client_serving(body)).fetch(series="EFFR")


def test_missing_series_column_is_schema_drift():
    with pytest.raises(SchemaDriftError, match=r"\['SOFR'\]"):
        FredSeriesSource(client_serving(SINGLE.read_bytes())).fetch(series=["EFFR", "SOFR"])


def test_bad_value_in_payload_is_schema_drift_naming_the_line():
    body = SINGLE.read_bytes().replace(b"2026-07-14,3.63", b"2026-07-14,3.6x3")
    with pytest.raises(
        SchemaDriftError, match=r"fredgraph\.csv\?id=EFFR, row 11, column .EFFR.*3\.6x3"
    ):
        FredSeriesSource(client_serving(body)).fetch(series="EFFR")


def test_nothing_new_is_an_empty_frame_but_no_data_at_all_is_an_error():
    out = FredSeriesSource(client_serving(SINGLE.read_bytes())).fetch(
        series="EFFR", start="2026-07-04", end="2026-07-05"
    )
    assert out.empty
    assert list(out.columns) == ["series", "date", "value"]
    header_only = b"observation_date,EFFR\n"
    with pytest.raises(EmptyDataError, match="EFFR"):
        FredSeriesSource(client_serving(header_only)).fetch(series="EFFR")


def test_http_error_and_offline():
    with pytest.raises(SourceHTTPError) as err:
        FredSeriesSource(client_serving(b"oops", status=500)).fetch(series="EFFR")
    assert err.value.status == 500

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route", request=request)

    offline = httpx.Client(transport=httpx.MockTransport(refuse))
    with pytest.raises(OfflineError, match="fred"):
        FredSeriesSource(offline).fetch(series="EFFR")


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"series": ["EF FR"]}, "bad series id"),
        ({"series": "EFFR", "start": "2026-08-01", "end": "2026-07-01"}, "after end"),
        ({"series": "EFFR", "frequency": "m"}, "unknown parameter"),
    ],
)
def test_build_query_validates(params, match):
    with pytest.raises(ValidationError, match=match):
        FredSeriesSource(client_serving(b"")).build_query(**params)


def test_default_series_are_the_policy_rates():
    q = FredSeriesSource(client_serving(b"")).build_query()
    assert q.series == ("DFEDTARL", "DFEDTARU", "EFFR", "IORB", "SOFR")


@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_mangled_payloads_raise_only_flowscope_errors(data):
    text = MULTI.read_text()
    pos = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    cut = data.draw(st.integers(min_value=0, max_value=30))
    junk = data.draw(st.text(alphabet=',.-0123456789 \nxEFR"', max_size=8))
    body = (text[:pos] + junk + text[pos + cut :]).encode()
    src = FredSeriesSource(client_serving(body))
    try:
        # garbage rows (e.g. a stray far date) are kept out with a DataQualityWarning: a report
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DataQualityWarning)
            out = src.fetch(series=["DFEDTARL", "DFEDTARU", "EFFR"], start="2026-07-01")
    except FlowscopeError:
        return
    assert list(out.columns) == ["series", "date", "value"]
    assert out["value"].notna().all()
    assert out["value"].between(-50, 100).all()

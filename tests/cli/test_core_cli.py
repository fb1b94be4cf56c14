"""Core commands on a real store: init (bundle), status, import, update (offline), brief."""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx
import pandas as pd
import pytest
from typer.testing import CliRunner

import flowscope.sources
import flowscope.sources._http
from flowscope.cli import app
from flowscope.sources import Query, Source
from flowscope.sources._http import get_bytes
from flowscope.storage import Store

runner = CliRunner()
CQ = "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"


def _run(db, *args):
    return runner.invoke(app, ["--db", str(db), *args])


def _content(db) -> dict[str, list[str]]:
    with Store(db) as s:
        tables = [r[0] for r in s.connection.execute("SHOW TABLES").fetchall()]
        return {
            t: sorted(map(str, s.connection.execute(f"SELECT * FROM {t}").fetchall()))
            for t in tables
        }


def test_init_loads_bundle_and_status_lists_every_dataset(tmp_path):
    db = tmp_path / "s.duckdb"
    res = _run(db, "init")
    assert res.exit_code == 0, res.output
    assert "etf_flows" in res.output and "farside" in res.output
    res = _run(db, "status", "--format", "json", "--asof", "2026-11-30")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    by = {r["dataset"]: r for r in rows}
    assert set(by) >= {"etf_flows", "prices", "rates", "fomc_meetings", "fed_futures", "fomc_docs"}
    # The five bundled price files hold
    # 6,033 + 4,328 + 5,152 + 2,766 + 27,317 daily bars.
    assert by["prices"]["oldest_date"] == "2007-03-09"  # XLK (TradingView)
    assert by["prices"]["rows"] == 6033 + 4328 + 5152 + 2766 + 27317
    assert by["etf_flows"]["oldest_date"] == "2024-01-11"
    assert by["rates"]["newest_date"] == "2026-08-21"


def test_init_twice_changes_nothing(tmp_path):
    db = tmp_path / "s.duckdb"
    assert _run(db, "init").exit_code == 0
    before = _content(db)
    res = _run(db, "init")
    assert res.exit_code == 0
    assert "+0 new, 0 changed" in res.output
    after = _content(db)
    before.pop("ingest_log"), after.pop("ingest_log")
    assert before == after


def test_import_same_real_file_twice_keeps_row_counts(tmp_path, shared_data):
    db = tmp_path / "s.duckdb"
    f = shared_data / CQ
    first = _run(db, "import", "prices", str(f))
    assert first.exit_code == 0, first.output
    assert "+6,033 new" in first.output
    n1 = _content(db)["prices"]
    second = _run(db, "import", "prices", str(f))
    assert second.exit_code == 0
    assert "unchanged (same content" in second.output  # recognised by its SHA-256, not read
    assert _content(db)["prices"] == n1
    forced = _run(db, "import", "prices", str(f), "--force")
    assert forced.exit_code == 0
    assert "+0 new, 0 changed, 6,033 unchanged" in forced.output
    assert _content(db)["prices"] == n1


@pytest.mark.parametrize(
    ("mangle", "expect"),
    [
        (lambda lines: [*lines[:300], lines[300] + ",1,2", *lines[301:310]], "line 301"),
        (
            lambda lines: [lines[0], *lines[1:200], lines[200].replace(",", ",x", 1)],
            "row 201, column 'open'",
        ),
    ],
)
def test_import_malformed_file_fails_clearly_and_store_unchanged(
    tmp_path, shared_data, mangle, expect
):
    db = tmp_path / "s.duckdb"
    assert (
        _run(
            db,
            "import",
            "rates",
            str(shared_data / "fed_futures/fred_policy_rates_riskdivergence/EFFR.csv"),
        ).exit_code
        == 0
    )
    before = _content(db)
    lines = (shared_data / CQ).read_text().splitlines()
    bad = tmp_path / "btc_usd_bad.csv"
    bad.write_text("\n".join(mangle(lines)) + "\n")
    res = _run(db, "import", "prices", str(bad))
    assert res.exit_code == 1
    assert str(bad.name) in res.output and expect in res.output
    assert _content(db) == before


def test_import_unknown_dataset_lists_known(tmp_path, shared_data):
    res = _run(tmp_path / "s.duckdb", "import", "price", str(shared_data / CQ))
    assert res.exit_code == 1
    assert "known datasets" in res.output


@dataclass(frozen=True, kw_only=True)
class _ProbeQuery(Query):
    pass


class _ProbeSource(Source[_ProbeQuery]):
    """A connector that talks to a real URL through the injected client."""

    name = "probe"
    dataset = "rates"

    def build_query(self, **params):
        return _ProbeQuery(start=params.get("start"), end=params.get("end"))

    def extract(self, query):
        return get_bytes(
            self.client, "https://fred.stlouisfed.org/graph/fredgraph.csv?id=EFFR", source=self.name
        )

    def transform(self, query, raw):
        return pd.DataFrame({"series": ["EFFR"], "date": ["2026-08-21"], "value": [3.6]})


def test_update_offline_says_so_exits_nonzero_and_leaves_store(tmp_path, monkeypatch):
    db = tmp_path / "s.duckdb"
    assert _run(db, "init").exit_code == 0
    before = _content(db)

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("name resolution failed", request=request)

    monkeypatch.setattr(
        flowscope.sources._http,
        "make_client",
        lambda settings=None: httpx.Client(transport=httpx.MockTransport(refuse)),
    )
    monkeypatch.setattr(flowscope.sources, "get_source", lambda name: _ProbeSource)
    res = _run(db, "update", "--connector", "probe")
    assert res.exit_code == 3  # offline
    assert "offline" in res.output and "not changed" in res.output
    assert _content(db) == before


def test_brief_prints_real_numbers_and_writes_html(tmp_path):
    db = tmp_path / "s.duckdb"
    assert _run(db, "init").exit_code == 0
    html = tmp_path / "brief.html"
    res = _run(db, "brief", "--html", str(html), "--asof", "2026-04-10")
    assert res.exit_code == 0, res.output
    # CryptoQuant BTC close on 2026-04-10 and the all-fund Total that day (first release).
    assert "Latest ETF flow day 2026-04-10: all-fund Total +240.4 $M" in res.output
    assert "Fed target range 3.50-3.75 %" in res.output
    page = html.read_text()
    assert page.startswith("<!DOCTYPE html>") and "Data inventory" in page
    assert "http://" not in page.split("<script", 1)[0]  # no external assets in the head/body


def test_export_csv_and_parquet_round_trip_through_canonical_import(tmp_path):
    src_db, dst_db = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    assert _run(src_db, "init").exit_code == 0
    with Store(src_db) as s:
        rates = s.rates(["DFEDTARL", "DFEDTARU"], start="2025-01-01", end="2025-12-31")
    csv, parquet = tmp_path / "rates.csv", tmp_path / "rates.parquet"
    rates.drop(columns="ts_ingested").to_csv(csv, index=False)
    rates.to_parquet(parquet)
    for f, fmt in ((csv, "canonical-rates"), (parquet, "canonical-rates")):
        res = _run(dst_db, "import", "rates", str(f))
        assert res.exit_code == 0, res.output
        assert fmt in res.output
    with Store(dst_db) as s:
        back = s.rates(["DFEDTARL", "DFEDTARU"])
    assert len(back) == len(rates) == 730
    assert back["value"].tolist() == rates["value"].tolist()
    assert set(back["source"]) == {"fred"}


def test_update_runs_real_connectors_on_recorded_payloads_and_fetches_only_gaps(
    tmp_path, monkeypatch, shared_data
):
    """``flowscope update`` with the Farside and FRED connectors behind a replaying transport."""
    db = tmp_path / "s.duckdb"
    assert _run(db, "init").exit_code == 0
    page = (
        shared_data / "etf_flows/juanbarmo10_farside_btc_page_trimmed_2026-07.html"
    ).read_bytes()
    with Store(db) as s:
        fred_held = s.rates(source="fred")
    seen: list[httpx.URL] = []

    def fredgraph(url: httpx.URL) -> bytes:
        """A fredgraph.csv answer for the requested ids and dates, from the real FRED rows held."""
        ids = url.params["id"].split(",")
        rows = fred_held[fred_held["series"].isin(ids)]
        rows = rows[rows["date"] >= pd.Timestamp(url.params.get("cosd", "1900-01-01"))]
        wide = rows.pivot(index="date", columns="series", values="value").reindex(columns=ids)
        wide.index = wide.index.strftime("%Y-%m-%d")
        return wide.rename_axis("observation_date").to_csv(na_rep="").encode()

    def replay(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        if request.url.host == "farside.co.uk":
            return httpx.Response(200, content=page, headers={"content-type": "text/html"})
        if request.url.host == "fred.stlouisfed.org":
            return httpx.Response(
                200, content=fredgraph(request.url), headers={"content-type": "text/csv"}
            )
        return httpx.Response(404)

    monkeypatch.setattr(
        flowscope.sources._http,
        "make_client",
        lambda settings=None: httpx.Client(transport=httpx.MockTransport(replay)),
    )
    with Store(db) as s:
        rates_before = len(s.rates())
    res = _run(db, "update", "--connector", "farside", "--connector", "fred")
    assert res.exit_code == 0, res.output
    with Store(db) as s:
        july = s.etf_flows(funds="Total", source="farside", start="2026-07-01", end="2026-07-31")
        rates_after = len(s.rates())
    # The real page's 13 published July sessions arrive; its unpublished 23 Jul row does not.
    assert july["date"].dt.strftime("%m-%d").tolist()[0] == "07-06"
    assert len(july) == 13
    assert "2026-07-23" not in set(july["date"].dt.strftime("%Y-%m-%d"))
    # FRED is asked only for days after the newest held observation (2026-08-21), less its
    # 7-day look-back for revisions of recent daily rates.
    fred_calls = [u for u in seen if u.host == "fred.stlouisfed.org"]
    assert fred_calls[0].params["cosd"] == "2026-08-15"
    assert rates_after == rates_before
    again = _run(db, "update", "--connector", "farside", "--connector", "fred", "--format", "json")
    assert again.exit_code == 0, again.output
    farside = json.loads(again.stdout)["sources"][0]
    assert (farside["source"], farside["rows_new"], farside["rows_changed"]) == ("farside", 0, 0)

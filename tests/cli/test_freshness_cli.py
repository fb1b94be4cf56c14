"""`status` ages and stale flags, and the brief's stale-input banner, on the bundled real data.

Hand-computed values (reference day Mon 2026-11-30): the newest NYSE session before it is
Fri 2026-11-27 (Thanksgiving, Thu 26, is closed); the bundled Farside flows end 2026-04-10,
234 days earlier (20 days of April + 31 + 30 + 31 + 31 + 30 + 31 + 30); Yahoo BTC ends
2026-07-23 (130 days; UTC days, so 2026-11-29 is due); FRED DFEDTARU ends 2026-08-21 (101
days); the last FOMC meeting before it was 2026-10-28 and the newest statement held is of
2026-04-29 (215 days).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from flowscope.cli import app
from flowscope.report.brief import stale_inputs
from flowscope.storage import Store

runner = CliRunner()


@pytest.fixture(scope="module")
def bundled_db(tmp_path_factory):
    db = tmp_path_factory.mktemp("fresh") / "s.duckdb"
    res = runner.invoke(app, ["--db", str(db), "init"])
    assert res.exit_code == 0, res.output
    return db


def _run(db, *args):
    return runner.invoke(app, ["--db", str(db), *args])


def test_status_json_gives_ages_and_stale_flags(bundled_db):
    res = _run(bundled_db, "status", "--format", "json", "--asof", "2026-11-30")
    assert res.exit_code == 0, res.output
    by = {r["dataset"]: r for r in json.loads(res.stdout)}
    flows = by["etf_flows"]
    assert flows["newest_date"] == "2026-04-10"
    assert flows["expected_latest_date"] == "2026-11-27"
    assert flows["age_days"] == 234
    assert flows["stale"] is True
    assert flows["stale_series"] == 13  # 12 funds + Total
    prices = by["prices"]
    assert (prices["newest_date"], prices["newest_series"]) == ("2026-07-23", "BTC-USD")
    assert (prices["age_days"], prices["expected_latest_date"]) == (130, "2026-11-29")
    assert by["rates"]["newest_date"] == "2026-08-21" and by["rates"]["age_days"] == 101
    assert by["fomc_docs"]["expected_latest_date"] == "2026-10-28"
    assert by["fomc_docs"]["age_days"] == 215
    assert by["fomc_meetings"]["stale"] is None  # a calendar is never stale
    assert by["fed_futures"]["rows"] == 0 and by["fed_futures"]["stale"] is None


def test_status_asof_right_after_the_data_is_fresh(bundled_db):
    res = _run(bundled_db, "status", "--format", "json", "--asof", "2026-04-13")
    by = {r["dataset"]: r for r in json.loads(res.stdout)}
    flows = by["etf_flows"]
    assert (flows["newest_date"], flows["age_days"], flows["stale"]) == ("2026-04-10", 3, False)
    # Rows dated after the reference day are left out: rates held to 2026-08-21 count to Apr 13.
    assert by["rates"]["newest_date"] == "2026-04-13"


def test_status_by_series_shows_each_fund_and_the_table_says_stale(bundled_db):
    res = _run(
        bundled_db, "status", "--by-series", "--dataset", "etf_flows", "--format", "json",
        "--asof", "2026-11-30",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    by = {r["series"]: r for r in json.loads(res.stdout)}
    # MSBT has figures on 2026-04-08 and 04-09 only (blank on 04-10: missing, not zero).
    assert (by["MSBT"]["newest_date"], by["MSBT"]["age_days"]) == ("2026-04-09", 235)
    assert by["MSBT"]["periods_behind"] == 161 and by["Total"]["periods_behind"] == 160
    table = _run(bundled_db, "status", "--asof", "2026-11-30")
    assert table.exit_code == 0
    assert "STALE" in table.output and "234" in table.output


@pytest.mark.parametrize("cmd", ["status", "brief"])
def test_bad_asof_is_one_line_naming_the_option(bundled_db, cmd):
    res = _run(bundled_db, cmd, "--asof", "notadate")
    assert res.exit_code == 2  # usage error
    assert "--asof" in res.output and "notadate" in res.output
    assert "Traceback" not in res.output
    assert len(res.output.strip().splitlines()) == 1


def test_brief_banner_lists_stale_inputs_first(bundled_db, tmp_path):
    html = tmp_path / "b.html"
    res = _run(bundled_db, "brief", "--asof", "2026-11-30", "--html", str(html))
    assert res.exit_code == 0, res.output
    out = " ".join(res.output.replace("│", " ").split())  # undo the panel's line wrapping
    # The verdict comes first, then the stale-input banner, before any front's section.
    stale = out.index("STALE INPUTS as of 2026-11-30")
    assert out.index("Verdict") < stale < out.index("Spot-Bitcoin ETF flows")
    assert "Total: newest 2026-04-10 (234 days old), expected 2026-11-27" in out
    assert "prices BTC-USD: newest 2026-07-23 (130 days old), expected 2026-11-29" in out
    assert "prices NVDA: newest 2025-12-31 (334 days old), expected 2026-11-27" in out
    assert "Spot-Bitcoin ETF flows (as of 2026-04-10)" in out
    page = html.read_text()
    assert page.index('class="stale"') < page.index('id="data"')
    assert "as of 2026-04-10" in page


def test_brief_json_is_one_document_with_the_banner_and_section_dates(bundled_db):
    res = _run(bundled_db, "brief", "--asof", "2026-11-30", "--format", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["asof_date"] == "2026-11-30"
    stale = {(r["dataset"], r["series"]): r for r in doc["stale_inputs"]}
    assert stale[("etf_flows", "Total")] == {
        "dataset": "etf_flows",
        "series": "Total",
        "newest_date": "2026-04-10",
        "age_days": 234,
        "expected_latest_date": "2026-11-27",
        "periods_behind": 160,
    }
    assert stale[("rates", "EFFR")]["newest_date"] == "2026-08-20"
    assert stale[("fomc_docs", "statement")]["expected_latest_date"] == "2026-10-28"
    assert ("rates", "SOFR") not in stale  # the brief does not read SOFR
    dates = {s["key"]: s["asof_date"] for s in doc["sections"]}
    assert dates["flows"] == "2026-04-10"
    assert dates["tone"] == "2026-05-20"  # minutes of the Apr 29 meeting, released May 20


def test_brief_right_after_the_data_has_no_banner(bundled_db, tmp_path):
    # On Fri 2026-01-02 every input the brief reads is current: flows and NVDA end on the
    # last session (Wed 2025-12-31; Jan 1 is a holiday), BTC and FRED reach Jan 1/2, the
    # Dec 10 statement is held and its minutes (released Dec 30) too.
    with Store(bundled_db, read_only=True) as s:
        assert stale_inputs(s, today="2026-01-02").empty
        assert not stale_inputs(s, today="2026-01-07").empty  # NVDA ends 2025-12-31
    html = tmp_path / "b.html"
    res = _run(bundled_db, "brief", "--asof", "2026-01-02", "--html", str(html))
    assert res.exit_code == 0, res.output
    assert "STALE" not in res.output
    assert 'class="stale"' not in html.read_text()


def test_brief_json_alias_and_default_day_is_today_utc(bundled_db):
    res = _run(bundled_db, "brief", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["asof_date"] == f"{dt.datetime.now(dt.UTC).date():%Y-%m-%d}"
    assert isinstance(doc["stale_inputs"], list)
    bad = _run(bundled_db, "brief", "--format", "yaml")
    assert bad.exit_code == 2 and "--format" in bad.output


def test_importing_a_later_real_file_clears_the_stale_flag(shared_data, tmp_path):
    # Bundle QQQ (TradingView) ends Fri 2026-04-17: on Fri 2026-07-24 it is 98 days old.
    # Yahoo QQQ from the macro folder runs to Thu 2026-07-23, the last session before.
    db = tmp_path / "s.duckdb"
    assert _run(db, "init").exit_code == 0
    args = ("status", "--by-series", "--dataset", "prices", "--format", "json")
    before = {r["series"]: r for r in json.loads(_run(db, *args, "--asof", "2026-07-24").stdout)}
    qqq = before["QQQ"]
    assert (qqq["newest_date"], qqq["age_days"], qqq["stale"]) == ("2026-04-17", 98, True)
    assert qqq["expected_latest_date"] == "2026-07-23"
    f = shared_data / "macro" / "market_kittycapital" / "QQQ.csv"
    assert _run(db, "import", "prices", str(f)).exit_code == 0
    after = {r["series"]: r for r in json.loads(_run(db, *args, "--asof", "2026-07-24").stdout)}
    qqq = after["QQQ"]
    assert (qqq["newest_date"], qqq["age_days"], qqq["stale"]) == ("2026-07-23", 1, False)
    assert qqq["newest_source"] == "yahoo" and qqq["sources"] == "tradingview, yahoo"
    assert after["SPY"]["stale"] is True  # not imported: still 2026-04-17

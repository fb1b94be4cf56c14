"""`flowscope rates ...` and the brief's rates section on a real store."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from flowscope.analytics.fedwatch import implied_probabilities
from flowscope.cli import app
from flowscope.report._brief_model import BriefContext
from flowscope.report.sections import rates as section
from flowscope.sources import read_file
from flowscope.storage import Store

runner = CliRunner()
FF = "fed_futures"


@pytest.fixture(scope="module")
def db(tmp_path_factory, shared_data):
    """Bundled calendar and FRED rates, ZQ settlements 2021-06..2023-09 and the 2026-07-14 curve."""
    from flowscope._bundle import load_bundle

    path = tmp_path_factory.mktemp("rates") / "rates.duckdb"
    with Store(path) as store:
        load_bundle(store)
        zq = read_file(shared_data / FF / "pyfedwatch_zq_daily_long.csv.gz").frame
        store.upsert("fed_futures", zq[zq.date >= "2021-06-01"], source="pyfedwatch")
        curve = read_file(
            shared_data / FF / "cme_fedwatch_validation_Mguten" / "cme_validation_zq_curve.csv"
        )
        store.upsert("fed_futures", curve.frame, source=curve.source)
    return path


@pytest.fixture
def empty_db(tmp_path):
    from flowscope._bundle import load_bundle

    path = tmp_path / "empty.duckdb"
    with Store(path) as store:
        load_bundle(store)
    return path


def run(db, *args):
    return runner.invoke(app, ["--db", str(db), "rates", *args])


def test_odds_latest_reproduces_cme_on_2026_07_14(db):
    res = run(db, "odds", "--format", "json")
    assert res.exit_code == 0, res.output
    rows = {r["meeting"]: r for r in json.loads(res.stdout)}
    july = rows["2026-07-29"]
    assert july["p_hike_pct"] == pytest.approx(36.9, abs=0.05)  # CME FedWatch: 36.9 %
    assert july["p_hold_pct"] == pytest.approx(63.1, abs=0.05)
    assert rows["2026-09-16"]["likely_range_pct"] == "3.75-4.00"
    assert len(rows) == 8


def test_odds_table_names_watch_date_range_and_staleness(db):
    res = run(db, "odds", "--asof", "2026-08-30")
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "settlements of 2026-07-14" in text
    assert "STALE: 47 days old" in text
    assert "3.50-3.75 %" in text


def test_odds_for_one_meeting_asof_matches_the_engine(db, shared_data):
    res = run(db, "odds", "--asof", "2022-03-01", "--meeting", "2022-05-04", "--format", "csv")
    assert res.exit_code == 0, res.output
    got = pd.read_csv(pd.io.common.StringIO(res.output))
    zq = read_file(shared_data / FF / "pyfedwatch_zq_daily_long.csv.gz").frame
    with Store(db, read_only=True) as store:
        cal = store.fomc_meetings()
    want = implied_probabilities(
        zq,
        cal.loc[cal.kind == "scheduled", "meeting_date"],
        watch_date="2022-03-01",
        target_range=(0.0, 0.25),
        unscheduled=cal.loc[cal.kind.isin(["unscheduled", "rate_change"]), "meeting_date"],
    )
    want = want[want.meeting_date == "2022-05-04"].set_index("change_bp")["probability"] * 100
    got = got.set_index("change_bp")
    for bp, p in want.items():
        assert got.loc[bp, "probability_pct"] == pytest.approx(p, abs=0.006)
    assert got.loc[50, "probability_pct"] > 90  # a 50 bp total by May was near certain
    assert "probability_week_ago_pct" in got.columns


def test_odds_unknown_meeting_lists_the_priced_ones(db):
    res = run(db, "odds", "--meeting", "2026-08-15")
    assert res.exit_code == 4
    assert "no odds for a meeting on 2026-08-15" in res.output
    assert "2026-07-29" in res.output


def test_odds_without_futures_says_how_to_import(empty_db):
    res = run(empty_db, "odds")
    assert res.exit_code == 4
    assert "flowscope import fed_futures" in " ".join(res.output.split())


def test_bad_date_option_is_a_clean_error(db):
    res = run(db, "odds", "--asof", "yesterday-ish")
    assert res.exit_code == 2
    assert "--asof: not a date: 'yesterday-ish'" in res.stderr


def test_history_table_and_chart(db, tmp_path):
    out = tmp_path / "h.html"
    res = run(db, "history", "--meeting", "2022-06-15", "--start", "2022-05-01",
              "--html", str(out), "--format", "csv")  # fmt: skip
    assert res.exit_code == 0, res.output
    table = pd.read_csv(pd.io.common.StringIO(res.stdout), parse_dates=["watch_date"])
    assert table["watch_date"].min() >= pd.Timestamp("2022-05-02")
    assert table["watch_date"].max() == pd.Timestamp("2022-06-14")
    # the 75 bp hike of 2022-06-15 was priced in only in its last days
    first, last = table.iloc[0], table.iloc[-1]
    assert last["expected_rate_pct"] > first["expected_rate_pct"]
    html = out.read_text()
    assert "plotly" in html.lower()
    assert "2022-06-15" in html


def test_events_statement_and_minutes_moves(db):
    res = run(db, "events", "--start", "2022-01-01", "--format", "json")
    assert res.exit_code == 0, res.output
    ev = pd.DataFrame(json.loads(res.output))
    assert set(ev["kind"]) == {"statement", "minutes"}
    june = ev[(ev.date == "2022-06-15") & (ev.kind == "statement")].iloc[0]
    assert june["next_meeting"] == "2022-07-27"
    minutes = ev[ev.kind == "minutes"]
    assert "2022-07-06" in set(minutes["date"])
    only = run(db, "events", "--kind", "minutes", "--start", "2022-01-01", "--format", "json")
    assert {r["kind"] for r in json.loads(only.output)} == {"minutes"}


def test_panel_is_stored_idempotently(db, tmp_path):
    import shutil

    copy = tmp_path / "copy.duckdb"
    shutil.copy(db, copy)
    res = run(copy, "panel", "--start", "2023-01-01", "--end", "2023-03-31")
    assert res.exit_code == 0, res.output
    again = run(copy, "panel", "--start", "2023-01-01", "--end", "2023-03-31")
    assert "0 rows inserted, 0 updated" in " ".join(again.output.split())
    with Store(copy, read_only=True) as store:
        held = store.read("fedwatch_panel")
    sums = held.groupby(["watch_date", "meeting_date"])["probability"].sum()
    from flowscope.calendars import sessions_in_range

    # one watch date per CME settlement day (NYSE sessions in Q1 2023)
    assert held["watch_date"].nunique() == len(sessions_in_range("2023-01-01", "2023-03-31"))
    assert (sums - 1).abs().max() < 1e-9


def test_brief_section_with_futures(db):
    with Store(db, read_only=True) as store:
        sec = section.build(BriefContext.load(store, pd.Timestamp("2026-07-15")))
    assert sec is not None
    text = "\n".join(sec.bullets)
    assert "Next FOMC meeting: 2026-07-29" in text
    assert "Target range 3.50-3.75 %" in text
    assert sec.facts["watch_date"] == "2026-07-14"
    assert sec.facts["p_hike"] == pytest.approx(0.369, abs=5e-4)
    assert sec.facts["stale"] is False
    assert sec.table is not None and len(sec.table) == 8
    assert sec.figures


def test_brief_section_in_2022_reports_week_change_and_largest_event(db):
    with Store(db, read_only=True) as store:
        sec = section.build(BriefContext.load(store, pd.Timestamp("2022-06-20")))
    assert sec is not None
    assert sec.facts["odds_meeting"] == "2022-07-27"
    assert "d_hike_1w_pp" in sec.facts
    assert sec.facts["largest_event"].split()[0] in {"statement", "minutes"}


def test_brief_section_without_futures_says_how_to_import(empty_db):
    with Store(empty_db, read_only=True) as store:
        sec = section.build(BriefContext.load(store, pd.Timestamp("2026-07-15")))
    assert sec is not None
    text = " ".join(sec.bullets)
    assert "No fed funds futures are held up to 2026-07-15" in text
    assert "flowscope import fed_futures" in text
    assert "p_hike" not in sec.facts


def test_brief_section_with_old_futures_flags_them_stale(db):
    with Store(db, read_only=True) as store:
        sec = section.build(BriefContext.load(store, pd.Timestamp("2026-04-10")))
    assert sec is not None
    assert sec.facts["watch_date"] == "2023-09-15"
    assert sec.facts["stale"] is True
    assert "STALE" in " ".join(sec.bullets)


def test_odds_when_held_contracts_price_no_meeting(empty_db, shared_data):
    curve = read_file(
        shared_data / FF / "cme_fedwatch_validation_Mguten" / "cme_validation_zq_curve.csv"
    ).frame
    with Store(empty_db) as store:
        store.upsert("fed_futures", curve[curve.contract == "ZQQ26"], source="cme")
    res = run(empty_db, "odds")
    assert res.exit_code == 4
    text = " ".join(res.output.split())
    assert "price no upcoming FOMC meeting" in text
    assert "2026-07-14" in text


def test_week_ago_column_compares_absolute_ranges_across_a_hike(db):
    # 2022-03-16 hiked to 0.25-0.50: a week later the comparison is still range by range
    res = run(db, "odds", "--asof", "2022-03-18", "--meeting", "2022-05-04", "--format", "json")
    assert res.exit_code == 0, res.output
    rows = {r["target_lower_pct"]: r for r in json.loads(res.stdout)}
    assert rows[0.5]["change_bp"] == 25  # one more hike from 0.25-0.50
    assert (
        rows[0.5]["probability_week_ago_pct"] > 30
    )  # already likely a week before (as +50 bp then)
    assert sum(r["probability_pct"] for r in rows.values()) == pytest.approx(100, abs=0.05)


# -- starting target range and past meetings --------------------------------------------------


@pytest.fixture(scope="module")
def stale_fred_db(tmp_path_factory, shared_data):
    """Bundled FOMC calendar, the real FRED pull cut 4 weeks before the 2022-06-15 hike, ZQ 2022."""
    import importlib.resources

    path = tmp_path_factory.mktemp("stale") / "stale.duckdb"
    base = importlib.resources.files("flowscope") / "data"
    with Store(path) as store, (base / "fomc_meetings.parquet").open("rb") as fh:
        store.upsert("fomc_meetings", pd.read_parquet(fh), source="flowscope-calendar")
        fred = read_file(shared_data / FF / "fred_policy_rates_riskmodel_2021-05_2026-08_long.csv")
        store.upsert("rates", fred.frame[fred.frame.date <= "2022-05-18"], source="fred")
        zq = read_file(shared_data / FF / "pyfedwatch_zq_daily_long.csv.gz").frame
        store.upsert("fed_futures", zq[zq.date >= "2022-01-01"], source="pyfedwatch")
    return path


def test_odds_with_fred_behind_a_hike_use_the_calendar_and_say_so(stale_fred_db, db):
    args = ("odds", "--asof", "2022-06-28", "--meeting", "2022-07-27", "--format", "json")
    stale = run(stale_fred_db, *args)
    full = run(db, *args)
    assert stale.exit_code == 0 and full.exit_code == 0, stale.output + full.output
    got = pd.DataFrame(json.loads(stale.stdout))
    want = pd.DataFrame(json.loads(full.stdout))
    # the same ranges and probabilities as with the complete FRED file
    cols = ["target_lower_pct", "target_upper_pct", "change_bp", "probability_pct"]
    pd.testing.assert_frame_equal(got[cols], want[cols])
    assert set(got["target_range_lower_pct"]) == {1.50}
    assert set(got["target_range_source"]) == {"fomc_calendar"}
    assert set(got["target_range_date"]) == {"2022-06-15"}
    warning = got["target_range_warning"].iloc[0]
    assert "2022-05-18" in warning and "0.75-1.00" in warning and "FOMC calendar" in warning
    assert "note:" in stale.stderr and "using the FOMC calendar" in stale.stderr
    # complete FRED: FRED is the input, nothing to warn about
    assert set(want["target_range_source"]) == {"fred"}
    assert want["target_range_warning"].isna().all()
    assert full.stderr == ""


def test_odds_table_names_the_range_input(stale_fred_db):
    res = run(stale_fred_db, "odds", "--asof", "2022-06-28")
    assert res.exit_code == 0, res.output
    text = " ".join(res.stdout.split())
    assert "current target range 1.50-1.75 % (FOMC calendar, decision of 2022-06-15)" in text


def test_odds_asof_after_the_last_futures_never_call_a_past_meeting_upcoming(db):
    res = run(db, "odds", "--asof", "2026-04-10", "--format", "json")
    assert res.exit_code == 0, res.output
    rows = pd.DataFrame(json.loads(res.stdout))
    assert set(rows["watch_date"]) == {"2023-09-15"}
    assert (rows["meeting"] <= "2026-04-10").all()
    assert set(rows["meeting_status"]) == {"held"}
    table = run(db, "odds", "--asof", "2026-04-10")
    text = " ".join(table.stdout.split())
    assert "no futures held for the next meeting 2026-04-29" in text
    assert "already held" in text
    # a few days after the last settlement: only the meeting in between is past
    res = run(db, "odds", "--asof", "2023-10-01", "--format", "json")
    status = {r["meeting"]: r["meeting_status"] for r in json.loads(res.stdout)}
    assert status.pop("2023-09-20") == "held"
    assert set(status.values()) == {"upcoming"}


def test_panel_says_which_input_gave_the_range(stale_fred_db, tmp_path, shared_data):
    import shutil

    zq = read_file(shared_data / FF / "pyfedwatch_zq_daily_long.csv.gz").frame
    days = zq.loc[(zq.date >= "2022-05-02") & (zq.date <= "2022-06-30"), "date"].drop_duplicates()
    # the calendar is newer from the hike of 06-15 on, and on the meeting day 05-04 (FRED
    # shows that day's decision only from the next day)
    after_hike = int(((days >= "2022-06-15") | (days == "2022-05-04")).sum())

    copy = tmp_path / "copy.duckdb"
    shutil.copy(stale_fred_db, copy)
    res = run(copy, "panel", "--start", "2022-05-02", "--end", "2022-06-30")
    assert res.exit_code == 0, res.output
    text = " ".join(res.stdout.split())
    assert (
        f"target range: FRED on {len(days) - after_hike} watch dates, FOMC calendar on "
        f"{after_hike};" in text
    )
    assert "on 2022-06-30: 1.50-1.75 % (FOMC calendar, decision of 2022-06-15)" in text
    assert "note:" in res.stderr


def test_brief_section_with_fred_behind_names_the_calendar(stale_fred_db):
    from flowscope.errors import StaleDataWarning

    with (
        Store(stale_fred_db, read_only=True) as store,
        pytest.warns(StaleDataWarning, match="using the FOMC calendar"),
    ):
        sec = section.build(BriefContext.load(store, pd.Timestamp("2022-06-28")))
    assert sec is not None
    text = "\n".join(sec.bullets)
    assert "Target range 1.50-1.75 % (FOMC calendar, decision of 2022-06-15)" in text
    assert sec.facts["target_range_source"] == "fomc_calendar"
    assert "2022-05-18" in sec.facts["target_range_warning"]
    assert sec.facts["odds_meeting"] == "2022-07-27"


def test_brief_section_with_only_past_meetings_priced_says_so(db):
    with Store(db, read_only=True) as store:
        sec = section.build(BriefContext.load(store, pd.Timestamp("2026-04-10")))
    assert sec is not None
    text = " ".join(sec.bullets)
    assert "Newest ZQ settlements 2023-09-15" in text
    assert "no futures held for the next meeting 2026-04-29" in text
    assert "Odds for" not in text
    assert "p_hike" not in sec.facts and "odds_meeting" not in sec.facts

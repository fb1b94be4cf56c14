"""`flowscope rates compare` on a real store: the shared Polymarket/Kalshi file imported.

Expected figures are the file's cells read by hand (see tests/analytics/test_prediction_markets.py):
around the minutes of 2025-11-19 14:00 ET (19:00 UTC), "no change" went from 65.5 % / 66.5 %
(Polymarket / Kalshi, 18:30:39 UTC) to 66.5 % / 68.5 % (20:30:31 UTC).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from flowscope.cli import app
from flowscope.storage import Store

runner = CliRunner()
FILE = "fed_futures/prediction_markets/neo-journalism_polymarket_kalshi_dec2025_nochange_30min.csv"
CAL = Path(__file__).resolve().parents[2] / "src/flowscope/data/fomc_meetings.parquet"


@pytest.fixture(scope="module")
def db(tmp_path_factory, shared_data) -> Path:
    path = tmp_path_factory.mktemp("pm") / "pm.duckdb"
    with Store(path) as store:
        store.upsert("fomc_meetings", pd.read_parquet(CAL), source="bundle")
    res = runner.invoke(
        app, ["--db", str(path), "import", "prediction_markets", str(shared_data / FILE)]
    )
    assert res.exit_code == 0, res.output
    assert "2,012" in res.output
    return path


def run(db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), "rates", "compare", *args])


def test_table_shows_both_venues_across_the_minutes(db):
    res = run(db, "--meeting", "2025-12-10")
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "kalshi, polymarket quotes 2025-11-16 06:01 .. 2025-12-07 04:30 UTC" in out
    assert "minutes" in out and "2025-11-19T19:00:00+00:00" in out
    assert "66.50" in out and "68.50" in out  # Kalshi before / after
    assert "no fed funds futures held" in res.stderr


def test_json_moves_equal_hand_values(db):
    res = run(db, "--meeting", "2025-12-10", "--format", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["venues"] == ["kalshi", "polymarket"] and doc["futures_held"] is False
    moves = {(m["release_kind"], m["source"]): m for m in doc["release_moves"]}
    k, p = moves[("minutes", "kalshi")], moves[("minutes", "polymarket")]
    assert (k["no_change_before_pct"], k["no_change_after_pct"], k["no_change_move_pp"]) == (
        66.5, 68.5, 2.0,
    )  # fmt: skip
    assert (p["no_change_before_pct"], p["no_change_after_pct"], p["no_change_move_pp"]) == (
        65.5, 66.5, 1.0,
    )  # fmt: skip
    assert p["cut_bound_move_pp"] == -1.0
    row = next(r for r in doc["timeline"] if r["ts_utc"].startswith("2025-11-19T18:30:39"))
    assert row["polymarket_cut_upper_bound_pct"] == 34.5  # 1 - 0.655
    assert row["polymarket_minus_kalshi_no_change_pp"] == -1.0
    assert len(doc["timeline"]) == 1006


def test_around_given_in_new_york_time_and_wider_window(db):
    res = run(db, "--meeting", "2025-12-10", "--around", "2025-11-19 14:00", "--hours", "4",
              "--format", "json")  # fmt: skip
    assert res.exit_code == 0, res.output
    moves = {m["source"]: m for m in json.loads(res.stdout)["release_moves"]}
    assert moves["polymarket"]["no_change_move_pp"] == -1.0  # 65.5 -> 64.5 (22:58:29 UTC)
    assert moves["kalshi"]["no_change_move_pp"] == 2.0  # 66.5 -> 68.5


def test_csv_and_chart(db, tmp_path):
    chart = tmp_path / "pm.html"
    res = run(db, "--meeting", "2025-12-10", "--format", "csv", "--chart", str(chart))
    assert res.exit_code == 0, res.output
    header = res.stdout.splitlines()[0]
    assert header.startswith("ts_utc,kalshi_no_change_pct")
    assert chart.stat().st_size > 10_000 and "plotly" in chart.read_text()[:5000].lower()


def test_meeting_without_quotes_is_exit_4_naming_the_held_ones(db):
    res = run(db, "--meeting", "2026-01-28")
    assert res.exit_code == 4
    assert "2025-12-10" in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_bad_around_is_a_usage_error(db):
    res = run(db, "--meeting", "2025-12-10", "--around", "after lunch")
    assert res.exit_code == 2
    assert "--around" in res.stderr and "Traceback" not in res.output

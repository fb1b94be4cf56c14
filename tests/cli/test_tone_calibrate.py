"""`flowscope tone calibrate` on a store with the real ZQ settlements of 2018-10..2020-01."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from flowscope.cli import app
from flowscope.sources import read_file
from flowscope.storage import Store

runner = CliRunner()
ZQ = "fed_futures/pyfedwatch_zq_daily_long.csv.gz"


@pytest.fixture(scope="module")
def db(tmp_path_factory, shared_data):
    from flowscope._bundle import load_bundle

    path = tmp_path_factory.mktemp("calib") / "calib.duckdb"
    with Store(path) as store:
        load_bundle(store)
        zq = read_file(shared_data / ZQ).frame
        keep = (zq.date >= "2018-10-01") & (zq.date <= "2020-01-31")
        store.upsert("fed_futures", zq[keep], source="pyfedwatch")
    return path


def test_cut_odds_move_of_the_october_2019_minutes_matches_the_hand_formula(db, shared_data):
    res = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "tone",
            "calibrate",
            "--start",
            "2019-01-01",
            "--end",
            "2019-12-31",
            "--boot",
            "200",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    rel = pd.DataFrame(doc["releases"])
    row = rel[(rel.kind == "minutes") & (rel.release_date == "2019-10-09")].iloc[0]
    assert row["next_meeting"] == "2019-10-30"
    # FedWatch by hand from the real closes (CME method, new rate from the day after):
    # October has the meeting on day 30 (M = 30 of N = 31 days); November has no meeting,
    # so its average is October's end rate. One 25 bp step: P(cut) = (start - end) / 0.25.
    raw = pd.read_csv(shared_data / ZQ)
    close = raw.set_index(["Symbol", "Date"])["Close"]

    def p_cut(day):
        avg, end = 100 - close[("ZQV19", day)], 100 - close[("ZQX19", day)]
        start = (31 * avg - 1 * end) / 30
        return (start - end) / 0.25 * 100

    assert p_cut("2019-10-08") == pytest.approx(80.6, abs=0.01)  # and by hand: 80.6 %
    assert row["p_cut_before_pct"] == pytest.approx(p_cut("2019-10-08"), abs=1e-6)
    assert row["p_cut_on_pct"] == pytest.approx(p_cut("2019-10-09"), abs=1e-6)
    assert row["d_cut_pp"] == pytest.approx(p_cut("2019-10-09") - p_cut("2019-10-08"), abs=1e-6)
    summary = {r["kind"]: r for r in doc["summary"]}
    assert set(summary) == {"minutes", "statement", "pooled"}
    assert summary["pooled"]["n_releases"] == len(rel)
    assert doc["futures_last_date"] == "2020-01-31"


def test_table_names_the_futures_used_and_releases_left_out(db):
    res = runner.invoke(app, ["--db", str(db), "tone", "calibrate", "--boot", "200"])
    assert res.exit_code == 0, res.output
    text = " ".join(res.output.split())
    assert "ZQ settlements" in text and "no evidence" in text
    assert "are not calibrated" in text  # releases after 2020-01 are named


def test_without_futures_exit_4_names_the_import(tmp_path):
    from flowscope._bundle import load_bundle

    path = tmp_path / "empty.duckdb"
    with Store(path) as store:
        load_bundle(store)
    res = runner.invoke(app, ["--db", str(path), "tone", "calibrate", "--format", "json"])
    assert res.exit_code == 4
    assert res.stdout == ""
    assert "flowscope import fed_futures" in " ".join(res.stderr.split())

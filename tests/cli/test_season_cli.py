"""`flowscope season ...` on the bundled data."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from fixtures.rotation.stores import build_store
from flowscope.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory, shared_data):
    path = tmp_path_factory.mktemp("seasoncli") / "season.duckdb"
    build_store(path, shared_data).close()
    return path


def test_season_christmas_table_2015_2024_plus_2025(db):
    res = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "season",
            "christmas",
            "--years",
            "2015-2024",
            "--format",
            "json",
            "--boot",
            "500",
        ],
    )
    assert res.exit_code == 0, res.output
    # one JSON document: the per-year table, the regime summary with CIs, the agreement
    doc = json.loads(res.stdout)
    table, summary = doc["years"], doc["by_regime"]
    # each rule agrees with the note's labels in 5 of its 6 labelled years
    assert doc["labelled_years_agreeing"] == {"ma200": 5, "trailing365": 5, "drawdown": 5}
    assert doc["labelled_years"] == 6
    years = [r["year"] for r in table]
    assert years == [*range(2015, 2025), 2025]
    by_year = {r["year"]: r for r in table}
    assert by_year[2020]["dec25_close"] == pytest.approx(24717.20, abs=0.01)
    assert by_year[2016]["seed_label"] == "bull"
    assert by_year[2021]["agree_ma200"] is False
    assert by_year[2021]["agree_drawdown"] is True
    assert by_year[2025]["seed_label"] is None
    rules = {(r["rule"], r["regime"]) for r in summary}
    assert ("drawdown", "bear") in rules and ("ma200", "bull") in rules
    for r in summary:
        assert r["ci_low_pct"] <= r["mean_pct"] <= r["ci_high_pct"]
    assert "rests on few observations" in res.stderr


def test_season_christmas_table_text(db):
    res = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "season",
            "christmas",
            "--years",
            "2015-2024",
            "--no-latest",
            "--rule",
            "ma200",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "ma200: agrees with the note's labels in 5/6 labelled years" in res.stdout
    assert "2025" not in res.stdout.split("Mean window return")[0]


def test_season_window_and_calendar(db):
    res = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "season",
            "window",
            "--dates",
            "12-15:01-05",
            "--years",
            "2016-2024",
            "--rule",
            "drawdown",
            "--format",
            "csv",
        ],
    )
    assert res.exit_code == 0, res.output
    assert res.stdout.splitlines()[0].startswith("year,close_before,close_end,drawdown,return_pct")
    res = runner.invoke(
        app, ["--db", str(db), "season", "calendar", "--by", "weekday", "--format", "csv"]
    )
    assert res.exit_code == 0, res.output
    assert [ln.split(",")[0] for ln in res.stdout.splitlines()[1:8]] == [
        "Mon",
        "Tue",
        "Wed",
        "Thu",
        "Fri",
        "Sat",
        "Sun",
    ]


def test_season_bad_years_is_a_clear_error(db):
    res = runner.invoke(app, ["--db", str(db), "season", "christmas", "--years", "2024-2015"])
    assert res.exit_code == 2
    assert "--years range is reversed" in res.output


def test_season_christmas_other_source_without_a_later_window(db):
    # Bitstamp/Coinbase ends 2025-09-24: no 2025 window, the table stops at 2024
    res = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "season",
            "christmas",
            "--source",
            "bitstamp-coinbase",
            "--format",
            "csv",
            "--boot",
            "200",
        ],
    )
    assert res.exit_code == 0, res.output
    years = [ln.split(",")[0] for ln in res.stdout.splitlines()[1:]]
    assert years == [str(y) for y in range(2015, 2025)]  # CSV: the per-year table only
    # MANIFEST: mathaszip (Bitstamp/Coinbase) Dec-25 close of 2017 = 14,171.98
    row_2017 = next(ln for ln in res.stdout.splitlines() if ln.startswith("2017,"))
    assert float(row_2017.split(",")[1]) == pytest.approx(14171.98, abs=0.01)

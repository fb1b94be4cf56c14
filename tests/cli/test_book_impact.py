"""`flowscope book impact` on a store built by `flowscope init` (the bundled real data)."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from flowscope.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("bookimpact") / "store.duckdb"
    res = runner.invoke(app, ["--db", str(path), "init"])
    assert res.exit_code == 0, res.output
    return path


def test_book_impact_json_2024_volume_ratio_and_sources(db, shared_data) -> None:
    res = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "book",
            "impact",
            "--christmas",
            "2024",
            "--boot",
            "300",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["kind"] == "model"
    assert doc["volume_source"] == "cryptoquant"
    assert doc["volume_last_day"] == "2026-04-11"
    assert any("Model, not measured" in a for a in doc["assumptions"])
    (row,) = doc["years"]
    # oracle: mean daily USD volume (Volume x Close) Dec 20 .. Jan 2 over Dec 1 .. 14, raw file
    with (shared_data / "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv").open() as fh:
        rows = {r["date"][:10]: r for r in csv.DictReader(fh)}

    def usd(d: dt.date) -> float:
        return float(rows[d.isoformat()]["Volume"]) * float(rows[d.isoformat()]["Close"])

    xmas = sum(usd(dt.date(2024, 12, 20) + dt.timedelta(days=k)) for k in range(14))
    norm = sum(usd(dt.date(2024, 12, 1) + dt.timedelta(days=k)) for k in range(14))
    assert row["volume_ratio"] == pytest.approx(xmas / norm, rel=1e-9)
    assert row["usd_to_move_5pct_christmas"] == pytest.approx(
        25 * row["usd_to_move_1pct_christmas"], rel=1e-12
    )
    assert row["impact_ratio_ci_low"] <= row["impact_ratio"] <= row["impact_ratio_ci_high"]
    # the newest bars (Yahoo, to 2026-07-23) have no volume: said loudly on stderr
    assert "STALE INPUT" in res.stderr


def test_book_impact_default_years_run_to_last_complete_window(db) -> None:
    res = runner.invoke(app, ["--db", str(db), "book", "impact", "--boot", "50", "--format", "csv"])
    assert res.exit_code == 0, res.output
    years = [line.split(",")[0] for line in res.stdout.strip().splitlines()[1:]]
    # CryptoQuant volume ends 2026-04-11: Christmas 2025 (to 2026-01-02) is the last window
    assert years == [str(y) for y in range(2015, 2026)]


def test_book_impact_table_prints_assumptions_and_the_note_claim(db) -> None:
    res = runner.invoke(
        app, ["--db", str(db), "book", "impact", "--christmas", "2023-2024", "--boot", "50"]
    )
    assert res.exit_code == 0, res.output
    assert "MODEL (not measured)" in res.stdout
    assert "Assumptions:" in res.stdout
    assert "$100M normally, $20M at Christmas" in res.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--move-pct", "1,x"], "--move-pct"),
        (["--move-pct", "0"], "--move-pct"),
        (["--christmas", "2024-2020"], "--christmas"),
        (["--y", "0"], "--y"),
        (["--christmas-dates", "12-20"], "--christmas-dates"),
        (["--normal-dates", "13-01:12-14"], "--normal-dates"),
    ],
)
def test_book_impact_bad_options_name_the_option(db, args, needle) -> None:
    res = runner.invoke(app, ["--db", str(db), "book", "impact", *args])
    assert res.exit_code == 2
    assert needle in res.stderr
    assert "Traceback" not in res.output


def test_book_impact_years_without_data_exit_4(db) -> None:
    res = runner.invoke(app, ["--db", str(db), "book", "impact", "--christmas", "2030-2031"])
    assert res.exit_code == 4
    assert "2030" in res.stderr

"""`flowscope prices`: the high of a day, sources joined by trust, formats, clear errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from flowscope.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("prices") / "s.duckdb"
    res = runner.invoke(app, ["--db", str(path), "init"])
    assert res.exit_code == 0, res.output
    return path


def _run(db, *args):
    return runner.invoke(app, ["--db", str(db), "prices", *args])


def test_prices_json_shows_the_high_of_a_day(db, shared_data):
    res = _run(db, "BTC-USD", "--start", "2025-11-18", "--end", "2025-11-18", "--format", "json")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    # the real CryptoQuant file's row for 2025-11-18
    line = next(
        ln
        for ln in (shared_data / "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv")
        .read_text()
        .splitlines()
        if ln.startswith("2025-11-18")
    )
    _, o, h, lo, c, _v = line.split(",")
    assert rows == [
        {
            "symbol": "BTC-USD",
            "date": "2025-11-18",
            "open_usd": pytest.approx(float(o)),
            "high_usd": pytest.approx(float(h)),
            "low_usd": pytest.approx(float(lo)),
            "close_usd": pytest.approx(float(c)),
            "volume_base": pytest.approx(float(_v)),
            "adjusted": "none",
            "source": "cryptoquant",
        }
    ]


def test_prices_table_notes_where_sources_join(db):
    res = _run(db, "BTC-USD", "--start", "2026-04-10", "--end", "2026-04-13")
    assert res.exit_code == 0, res.output
    assert "cryptoquant 2026-04-10..2026-04-11; yahoo 2026-04-12..2026-04-13" in res.output


def test_prices_source_option_keeps_one_source(db):
    res = _run(
        db,
        "BTC-USD",
        "--start",
        "2026-04-10",
        "--end",
        "2026-04-13",
        "--source",
        "cryptoquant",
        "--format",
        "csv",
    )
    assert res.exit_code == 0, res.output
    lines = res.stdout.strip().splitlines()
    assert lines[0].startswith("symbol,date,open_usd")
    assert [ln.split(",")[1] for ln in lines[1:]] == ["2026-04-10", "2026-04-11"]


def test_prices_without_symbol_lists_what_is_held(db):
    res = _run(db, "--format", "json")
    assert res.exit_code == 0, res.output
    held = {(r["symbol"], r["source"]): r for r in json.loads(res.stdout)}
    assert held[("BTC-USD", "cryptoquant")]["first_date"] == "2009-10-05"
    assert held[("NVDA", "yfinance")]["adjusted"] == "split_dividend"


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["BTC-USD", "--start", "notadate"], "--start: not a date: 'notadate'", 2),
        (["BTC-USD", "--interval", "2d"], "--interval: unknown bar length '2d'", 2),
        (["BTC-USD", "--format", "xml"], "--format: unknown format 'xml'", 2),
        (["DOGE"], "no 1d bars for DOGE", 4),
        (["BTC-USD", "--start", "2026-02-01", "--end", "2026-01-01"], "is before --start", 2),
    ],
)
def test_prices_errors_name_the_option(db, args, message, code):
    res = _run(db, *args)
    assert res.exit_code == code
    assert message in res.output
    assert "Traceback" not in res.output


def test_version_option_prints_the_installed_version():
    from importlib.metadata import version

    res = runner.invoke(app, ["--version"])
    assert res.exit_code == 0
    assert res.stdout.strip() == f"flowscope {version('flowscope')}"

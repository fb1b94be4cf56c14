"""``flowscope import`` on real price files: options, warnings and one-line errors."""

from __future__ import annotations

from typer.testing import CliRunner

from flowscope.cli import app
from flowscope.storage import Store

runner = CliRunner()
CQ = "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"
NAUTILUS_1M = "btc_prices/nautilus_btc-perp_1m_2021-12-31_2022-02-01.csv"
TRADES_PARQUET = "orderbook/nautilus_binance_btcusdt_trades.parquet"


def _run(db, *args):
    return runner.invoke(app, ["--db", str(db), "import", *args])


def _prices(db):
    with Store(db) as s:
        return s.sql("SELECT symbol, interval, count(*) AS n FROM prices GROUP BY 1, 2")


def test_forced_layout_on_parquet_fails_in_one_line(tmp_path, shared_data):
    for fmt in ("tradingview-csv", "canonical-prices"):
        res = _run(
            tmp_path / "s.duckdb", "prices", str(shared_data / TRADES_PARQUET), "--file-format", fmt
        )
        assert res.exit_code == 1
        assert "Traceback" not in res.stderr
        assert res.stderr.count("\n") == 1 and res.stderr.startswith("error: ")
        assert "timestamp,trade_id,price,quantity,buyer_maker" in res.stderr


def test_binary_file_as_csv_is_refused_without_bytes(tmp_path, shared_data):
    f = tmp_path / "btc_usd_daily.csv"
    f.write_bytes((shared_data / "fed_futures/pyfedwatch_fomc_data.xlsx").read_bytes())
    res = _run(tmp_path / "s.duckdb", "prices", str(f))
    assert res.exit_code == 1
    assert "binary file (Excel xlsx workbook)" in res.stderr
    assert "PK" not in res.stderr and "\\x" not in res.stderr and "Traceback" not in res.stderr


def test_symbol_and_interval_options_store_the_true_bar_length(tmp_path, shared_data):
    db = tmp_path / "s.duckdb"
    f = tmp_path / "bars.csv"  # a name that says nothing about the instrument
    f.write_text("\n".join((shared_data / NAUTILUS_1M).read_text().splitlines()[:1441]) + "\n")
    res = _run(db, "prices", str(f))
    assert res.exit_code == 1 and "--symbol" in res.stderr
    res = _run(db, "prices", str(f), "--symbol", "BTC-PERP", "--interval", "1d")
    assert res.exit_code == 1 and "its bars are 1m apart" in res.stderr
    res = _run(db, "prices", str(f), "--symbol", "BTC-PERP")
    assert res.exit_code == 0, res.output
    assert "+1,440 new" in res.stdout
    assert _prices(db).to_dict("records") == [{"symbol": "BTC-PERP", "interval": "1m", "n": 1440}]


def test_cut_file_imports_the_rest_and_warns(tmp_path, shared_data):
    db = tmp_path / "s.duckdb"
    lines = (shared_data / CQ).read_text().splitlines()
    f = tmp_path / "btc_usd_cut.csv"
    f.write_text("\n".join([*lines[:-1], lines[-1][:15]]))
    res = _run(db, "prices", str(f))
    assert res.exit_code == 0, res.output
    assert f"row {len(lines)}: truncated last line: not stored" in res.stderr
    assert _prices(db)["n"].tolist() == [6032]

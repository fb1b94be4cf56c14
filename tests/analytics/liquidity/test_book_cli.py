"""`flowscope book metrics` on real files: output formats, notes, errors and exit codes."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from flowscope.cli import app

runner = CliRunner()
HL = "hftbacktest_hyperliquid_btc_l2book_raw_feed_20250126.gz"
SPOT = "hftbacktest_binance_spot_btcusdt_raw_feed_20240808.gz"


@pytest.fixture
def ob(shared_data: Path) -> Path:
    return shared_data / "orderbook"


def test_csv_has_one_row_per_second_with_every_metric(ob):
    res = runner.invoke(app, ["book", "metrics", str(ob / HL), "--format", "csv"])
    assert res.exit_code == 0, res.output
    df = pd.read_csv(io.StringIO(res.stdout))
    # l2Book lines span 19:14:03.89 .. 19:14:29.x: whole seconds 04 .. 29
    assert len(df) == 26
    assert {"slippage_buy_1000000usd_bps", "move_up_10pct_usd", "depth_ask_5pct_base"} <= set(df)
    assert df["spread_usd"].iloc[0] == 1.0


def test_gap_in_a_cut_capture_is_reported(ob, tmp_path):
    lines = gzip.decompress((ob / SPOT).read_bytes()).decode().splitlines(keepends=True)
    depth = [i for i, s in enumerate(lines) if '"depthUpdate"' in s]
    del lines[depth[300]]
    path = tmp_path / "cut.txt"
    path.write_text("".join(lines))
    res = runner.invoke(app, ["book", "metrics", str(path), "--format", "json", "--every", "10s"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert len(doc["gaps"]) == 1 and doc["gaps"][0]["line"] == depth[301]
    assert any(n.startswith("sequence gap at line") for n in doc["notes"])
    assert doc["samples"][-1]["synced"] is False
    assert "sequence gap" in res.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--every", "soon"], "--every"),
        (["--ref", "last"], "--ref"),
        (["--sizes-usd", "100k"], "--sizes-usd"),
        (["--format-in", "kaiko"], "--format-in"),
    ],
)
def test_bad_options_are_usage_errors(ob, args, needle):
    res = runner.invoke(app, ["book", "metrics", str(ob / HL), *args])
    assert res.exit_code == 2
    assert needle in res.stderr and "Traceback" not in res.output


def test_unreadable_file_names_file_and_line(ob, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text(
        '1 {"channel":"l2Book","data":{"coin":"BTC","levels":[[],[]]}}\n1 {oops\n2 {}\n'
    )
    res = runner.invoke(app, ["book", "metrics", str(path), "--format-in", "hyperliquid"])
    assert res.exit_code == 1
    assert "bad.txt, row 2: invalid JSON" in res.stderr

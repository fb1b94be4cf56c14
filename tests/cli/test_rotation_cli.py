"""`flowscope rotation` on the bundled data."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from fixtures.rotation.stores import build_store
from flowscope.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory, shared_data):
    path = tmp_path_factory.mktemp("rotcli") / "rot.duckdb"
    build_store(path, shared_data).close()
    return path


def test_rotation_snapshot_all_assets(db):
    res = runner.invoke(app, ["--db", str(db), "rotation", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assets = [r["asset"] for r in rows]
    assert assets == ["NVDA", "QQQ", "SMH", "SOXX", "XLK", "MSTR", "COIN"]
    nvda = rows[0]
    assert nvda["date"] == "2025-12-31"
    assert -1 <= nvda["corr_60"] <= 1
    assert nvda["regime"] in {"coupled", "decoupled", "neutral"}


def test_rotation_vs_nvda_history_and_html(db, tmp_path):
    out = tmp_path / "nvda.html"
    res = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "rotation",
            "--vs",
            "NVDA",
            "--last",
            "5",
            "--format",
            "csv",
            "--html",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    lines = res.stdout.strip().splitlines()
    header = lines[0].split(",")
    assert header[:3] == ["date", "btc_close_usd", "nvda_close_usd"]
    assert {"corr_30", "corr_60", "corr_90", "beta_60", "rs_trend", "rotation_score"} <= set(header)
    assert lines[-1].startswith("2025-12-31")  # last NVDA session
    assert "wrote" in res.stderr
    html = out.read_text()
    # self-contained: plotly.js inlined, nothing fetched from a CDN
    assert "<html>" in html and '<script src="https://cdn.plot.ly' not in html
    assert len(html) > 1_000_000


def test_rotation_vs_unknown_symbol_is_a_clear_error(db):
    res = runner.invoke(app, ["--db", str(db), "rotation", "--vs", "ZZZZ"])
    assert res.exit_code == 4
    assert "no daily prices held for ZZZZ" in res.output


def test_rotation_session_close_alignment_from_minute_bars(tmp_path, shared_data):
    # one month of real BTC 1-minute bars (read from ../shared/data, not bundled) + QQQ
    from fixtures.rotation.stores import tradingview
    from flowscope.storage import Store

    bars = pd.read_csv(
        shared_data / "btc_prices" / "nautilus_btc-perp_1m_2021-12-31_2022-02-01.csv"
    )
    minute = pd.DataFrame(
        {
            "ts": pd.to_datetime(bars["timestamp"]).dt.tz_localize("UTC"),
            "symbol": "BTC-USD",
            "interval": "1m",
            "open": bars["open"],
            "high": bars["high"],
            "low": bars["low"],
            "close": bars["close"],
            "volume": bars["volume"],
            "adjusted": "none",
        }
    )
    path = tmp_path / "intraday.duckdb"
    with Store(path) as s:
        s.upsert("prices", minute, source="nautilus")
        s.upsert("prices", tradingview(shared_data, "QQQ"), source="tradingview")
    res = runner.invoke(
        app,
        [
            "--db",
            str(path),
            "rotation",
            "--vs",
            "QQQ",
            "--align",
            "session_close",
            "--window",
            "5",
            "--last",
            "20",
            "--format",
            "csv",
        ],
    )
    assert res.exit_code == 0, res.output
    out = pd.read_csv(io.StringIO(res.stdout))
    assert len(out) == 20  # the January 2022 sessions (MLK day out)
    first = out.iloc[0]
    assert first["date"] == "2022-01-03"
    assert "2022-01-17" not in set(out["date"])
    # BTC at 21:00 UTC (16:00 New York) = close of the 20:59 bar
    ts = pd.to_datetime(bars["timestamp"])
    assert (
        first["btc_close_usd"] == bars.loc[ts == pd.Timestamp("2022-01-03 20:59"), "close"].iloc[0]
    )
    res = runner.invoke(app, ["--db", str(path), "rotation", "--vs", "QQQ", "--align", "noon"])
    assert res.exit_code == 2
    assert "--align must be utc_close or session_close" in res.output


def test_rotation_any_pair_smh_vs_qqq(db):
    res = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "rotation",
            "--vs",
            "SMH",
            "--base",
            "QQQ",
            "--last",
            "1",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    (row,) = json.loads(res.stdout)
    assert row["date"] == "2026-04-17"  # both equities run to 2026-04-17
    assert set(row) >= {"qqq_close_usd", "smh_close_usd", "corr_60", "rotation_score"}
    assert row["corr_60"] > 0.5  # chips and the Nasdaq-100 move together
    res = runner.invoke(app, ["--db", str(db), "rotation", "--base", "QQQ"])
    assert res.exit_code == 2
    assert "--base needs --vs" in res.output

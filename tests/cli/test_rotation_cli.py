"""`flowscope rotation` on the bundled data."""

from __future__ import annotations

import json

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
    assert header[:3] == ["date", "btc_close", "nvda_close"]
    assert {"corr_30", "corr_60", "corr_90", "beta_60", "rs_trend", "rotation_score"} <= set(header)
    assert lines[-1].startswith("2025-12-31")  # last NVDA session
    assert "wrote" in res.stderr
    html = out.read_text()
    # self-contained: plotly.js inlined, nothing fetched from a CDN
    assert "<html>" in html and '<script src="https://cdn.plot.ly' not in html
    assert len(html) > 1_000_000


def test_rotation_vs_unknown_symbol_is_a_clear_error(db):
    res = runner.invoke(app, ["--db", str(db), "rotation", "--vs", "ZZZZ"])
    assert res.exit_code == 1
    assert "no daily prices held for ZZZZ" in res.output

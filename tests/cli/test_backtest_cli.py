"""`flowscope backtest` on a store made by `flowscope init` (the bundled real data)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from flowscope.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("btcli") / "bundled.duckdb"
    res = runner.invoke(app, ["--db", str(path), "init"])
    assert res.exit_code == 0, res.output
    return path


def _run(db, *args):
    return runner.invoke(app, ["--db", str(db), "backtest", *args])


def test_table_prints_metrics_rule_window_and_writes_a_small_tear_sheet(db, tmp_path):
    page = tmp_path / "siege.html"
    res = _run(db, "--preset", "siege", "--html", str(page))
    assert res.exit_code == 0, res.output
    out = res.stdout
    for text in ("total_return", "max_drawdown", "calmar", "turnover_ann", "buy_and_hold"):
        assert text in out
    assert "IBIT 10-session flow negative" in out  # the rule's text
    assert "data window 2024-" in out
    assert "09:30 New York" in out
    assert "STALE INPUT: flows_ibit" in res.stderr  # bundled flows end 2026-04-10
    html = page.read_text(encoding="utf-8")
    assert page.stat().st_size <= 1_500_000
    assert html.count("plotly.js (basic - minified) v") == 1  # plotly.js inlined once
    assert html.count("Plotly.newPlot(") == 2
    assert "Data window: 2024-" in html and "Sources: BTC-USD closes" in html
    assert "FOMC statement not dovish" in html
    assert "Monthly returns" in html


def test_walk_forward_reports_out_of_sample_separately(db, tmp_path):
    page = tmp_path / "wf.html"
    res = _run(
        db, "--walk-forward", "--start", "2025-01-01", "--train-days", "180", "--test-days",
        "90", "--format", "json", "--html", str(page),
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    wf = doc["walk_forward"]
    assert wf["n_cells"] == 6  # siege: windows 5, 10, 20 x score levels 2, 3
    assert wf["n_trials"] == 6 * wf["n_folds"] and wf["n_folds"] >= 3
    for fold in wf["folds"]:
        assert fold["test_start"] > fold["train_end"]
        if fold["in_sample_sharpe"] is None:  # no cell held a position in-sample
            assert fold["deflated_sharpe"] is None
        else:
            assert 0 <= fold["deflated_sharpe"] <= 1
    assert any(f["deflated_sharpe"] is not None for f in wf["folds"])
    assert set(wf["out_of_sample"]) >= {"sharpe", "total_return", "max_drawdown"}
    assert wf["out_of_sample"] != doc["metrics"]["strategy"]
    assert page.stat().st_size <= 1_500_000
    assert page.read_text(encoding="utf-8").count("Plotly.newPlot(") == 3


def test_exposure_and_position_changes_match_the_regime_command(db):
    res = _run(db, "--start", "2025-01-01", "--end", "2025-12-31", "--format", "json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    first, last = doc["first_bar"][:10], doc["last_bar"][:10]
    reg = runner.invoke(
        app, ["--db", str(db), "regime", "--start", first, "--asof", last, "--format", "json"]
    )
    assert reg.exit_code == 0, reg.output
    pos = np.array([row["position"] for row in json.loads(reg.stdout)["history"]])
    assert len(pos) == doc["n_bars"]
    # a position decided on day D is held over the next bar: the last day's is never held
    assert doc["metrics"]["strategy"]["exposure"] == pytest.approx(np.mean(pos[:-1] != 0))
    changes = int((np.diff(np.concatenate([[0.0], pos])) != 0).sum())
    assert doc["n_position_changes"] == changes
    assert doc["metrics"]["strategy"]["n_trades"] == changes
    assert changes > 2


def test_impact_slippage_model_costs_more_than_no_slippage(db):
    base = ["--start", "2025-01-01", "--end", "2025-12-31", "--fee-bps", "0", "--format", "json"]
    free = _run(db, *base, "--slippage-bps", "0")
    impact = _run(db, *base, "--slippage-model", "impact", "--capital-usd", "100000000")
    assert free.exit_code == 0 and impact.exit_code == 0, impact.output
    f, i = json.loads(free.stdout), json.loads(impact.stdout)
    assert i["slippage_model"] == "impact"
    assert i["metrics"]["strategy"]["total_return"] < f["metrics"]["strategy"]["total_return"]
    assert (
        i["metrics"]["buy_and_hold"]["total_return"] < f["metrics"]["buy_and_hold"]["total_return"]
    )


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--slippage-model", "impact", "--slippage-bps", "3"], "--slippage-bps"),
        (["--risk-off", "sideways"], "--risk-off"),
        (["--preset", "moon"], "--preset"),
        (["--start", "2025-13-01"], "--start"),
        (["--target-vol", "-5"], "--target-vol"),
    ],
)
def test_bad_options_are_usage_errors_naming_the_option(db, args, option):
    res = _run(db, *args)
    assert res.exit_code == 2
    assert option in res.stderr
    assert "Traceback" not in res.output

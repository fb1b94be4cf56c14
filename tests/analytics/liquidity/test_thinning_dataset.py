"""`flowscope book thinning` on real Hyperliquid books moved into and out of a Christmas week."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from _snapshot_data import write_dataset
from typer.testing import CliRunner

from flowscope.analytics.liquidity.thinning import holiday_windows
from flowscope.cli import app

runner = CliRunner()
SAMPLE_DAY = pd.Timestamp("2025-01-26", tz="UTC")


def _shift_to(day: str) -> pd.Timedelta:
    return pd.Timestamp(day, tz="UTC") - SAMPLE_DAY


def test_holiday_books_at_half_size_give_a_ratio_of_one_half(tmp_path: Path) -> None:
    # the same real books on Christmas Eve with every size halved, and on two normal days
    shifts = [_shift_to("2024-12-24"), pd.Timedelta(0), pd.Timedelta(days=1)]
    write_dataset(tmp_path, shifts, size_factors=[0.5, 1.0, 1.0])
    res = runner.invoke(
        app, ["book", "thinning", str(tmp_path), "--boot", "200", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["holiday_covered"] is True and doc["note"] is None
    assert (doc["n_snapshots"], doc["n_snapshots_holiday"]) == (138, 46)
    rows = {r["metric"]: r for r in doc["thinning"]}
    depth = rows["depth_usd_0p01pct"]
    assert depth["ratio"] == pytest.approx(0.5)
    assert depth["ratio_ci_low"] <= 0.5 <= depth["ratio_ci_high"]
    assert rows["spread_bps"]["ratio"] == pytest.approx(1.0)
    # 20 levels never reach 1 %: no figure, not zero
    assert rows["depth_usd_1pct"]["ratio"] is None
    assert rows["slippage_buy_10000usd_bps"]["ratio"] >= 1.0  # thinner book costs more
    hours = {r["hour_of_week"] for r in doc["by_hour_of_week"]}
    assert 1 * 24 + 19 in hours  # Tuesday 2024-12-24 19:14 UTC


def test_no_holiday_in_the_data_is_said(tmp_path: Path) -> None:
    write_dataset(tmp_path, [pd.Timedelta(0)])
    res = runner.invoke(app, ["book", "thinning", str(tmp_path), "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["holiday_covered"] is False and doc["thinning"] == []
    assert doc["note"].startswith("no holiday window in the data:")
    assert "2025-01-26 19:14" in doc["note"]


def test_us_holidays_and_missing_dataset(tmp_path: Path) -> None:
    wins = holiday_windows(
        "us", pd.Timestamp("2024-11-01", tz="UTC"), pd.Timestamp("2024-12-31", tz="UTC")
    )
    assert [s.strftime("%m-%d") for s, _ in wins] == ["11-28", "12-25"]  # Thanksgiving, Christmas
    res = runner.invoke(app, ["book", "thinning", str(tmp_path / "none")])
    assert res.exit_code == 4
    assert "no such snapshot directory" in res.output

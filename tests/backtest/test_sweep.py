"""Sweeps and walk-forward on real BTC daily closes (CryptoQuant, 2018-2026)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flowscope.backtest import (
    deflated_sharpe,
    ma_crossover_positions,
    run_backtest,
    sweep_ma_crossover,
    walk_forward,
)
from flowscope.backtest.sweep import expected_max_sharpe
from flowscope.errors import BacktestError

CSV = (
    Path(__file__).resolve().parents[3]
    / "shared/data/btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"
)


@pytest.fixture(scope="module")
def close() -> pd.Series:
    if not CSV.is_file():
        pytest.skip("shared data not present")
    df = pd.read_csv(CSV)
    s = pd.Series(df["Close"].to_numpy(), index=pd.to_datetime(df["date"], utc=True))
    return s["2019-01-01":"2024-12-31"]


def test_deflated_sharpe_reproduces_the_paper_example() -> None:
    # Bailey & López de Prado (2014), section "A numerical example": SR0 = 0.1132, DSR = 0.9004.
    assert expected_max_sharpe(0.5 / 250, 100) == pytest.approx(0.1132, abs=5e-5)
    dsr = deflated_sharpe(
        2.5 / 250**0.5, sharpe_variance=0.5 / 250, n_trials=100, n_obs=1250, skew=-3, kurtosis=10
    )
    assert dsr == pytest.approx(0.9004, abs=5e-5)


@pytest.mark.parametrize("short", [False, True])
def test_sweep_cells_equal_the_engine_on_the_same_positions(close: pd.Series, short: bool) -> None:
    sw = sweep_ma_crossover(
        close, fast=[5, 10], slow=[30, 60], thresholds=[0.0, 0.02], short=short, fee_bps=10
    )
    assert sw.n_trials == 8
    for _, cell in sw.cells.iterrows():
        pos = ma_crossover_positions(
            close, int(cell["fast"]), int(cell["slow"]), cell["threshold"], short=short
        )
        summ = run_backtest(close, pos, fee_bps=10).summary()["strategy"]
        for key in summ.index:
            assert cell[key] == pytest.approx(summ[key], rel=1e-9, abs=1e-12), key


def test_keep_equity_curves_match_the_engine(close: pd.Series) -> None:
    sw = sweep_ma_crossover(close, fast=[7], slow=[50], thresholds=[0.01], keep_equity=True)
    assert sw.equity is not None
    pos = ma_crossover_positions(close, 7, 50, 0.01)
    eq = run_backtest(close, pos).equity
    np.testing.assert_allclose(sw.equity[0].to_numpy(), eq.to_numpy(), rtol=1e-12)


def test_crossover_positions_by_hand() -> None:
    idx = pd.date_range("2024-01-01", periods=6, freq="D", tz="UTC")
    close = pd.Series([10.0, 10.0, 13.0, 7.0, 7.0, 7.0], index=idx)
    # fast=1 (the close), slow=2: slow MA = NaN, 10, 11.5, 10, 7, 7.
    pos = ma_crossover_positions(close, 1, 2, 0.1)
    # 13 > 11.5*1.1 -> long; 7 < 10*0.9 -> flat; 7 vs 7 inside the band -> keep flat.
    assert pos.tolist() == [0.0, 0.0, 1.0, 0.0, 0.0, 0.0]


def test_best_cell_reports_trials_and_a_probability(close: pd.Series) -> None:
    sw = sweep_ma_crossover(close, fast=[5, 10, 20], slow=[50, 100, 200], thresholds=[0, 0.02])
    assert sw.n_trials == 18
    assert sw.best["sharpe"] == sw.cells["sharpe"].max()
    assert 0.0 <= sw.deflated_sharpe <= 1.0


def test_bad_grid_is_refused(close: pd.Series) -> None:
    with pytest.raises(BacktestError, match="fast < slow"):
        sweep_ma_crossover(close, fast=[50], slow=[10])


def test_walk_forward_does_not_see_the_future(close: pd.Series) -> None:
    kw = {"fast": [5, 10], "slow": [30, 60], "thresholds": [0.0, 0.02], "train": 500, "test": 250}
    base = walk_forward(close, **kw, fee_bps=10)
    # Change every close after the end of the first test window: the first fold must not move.
    first_end = base.folds["test_end"].iloc[0]
    changed = close.copy()
    changed[changed.index > first_end] *= np.linspace(0.5, 3.0, (changed.index > first_end).sum())
    other = walk_forward(changed, **kw, fee_bps=10)
    pd.testing.assert_series_equal(base.folds.iloc[0], other.folds.iloc[0])
    assert len(base.oos_returns) == len(base.folds) * 250
    assert base.oos_returns.index.is_unique


@pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="dask not installed")
def test_dask_engine_matches_local(close: pd.Series) -> None:
    from distributed import LocalCluster

    grid = {"fast": [5, 10, 20], "slow": [30, 60, 90], "thresholds": [0.0, 0.01, 0.03]}
    local = sweep_ma_crossover(close, **grid, fee_bps=5)
    with LocalCluster(
        n_workers=2, processes=True, host="127.0.0.1", threads_per_worker=1, dashboard_address=None
    ) as cluster:
        remote = sweep_ma_crossover(
            close, **grid, fee_bps=5, engine="dask", scheduler=cluster.scheduler_address,
            chunk_size=7,
        )  # fmt: skip
    pd.testing.assert_frame_equal(local.cells, remote.cells)
    assert local.deflated_sharpe == remote.deflated_sharpe

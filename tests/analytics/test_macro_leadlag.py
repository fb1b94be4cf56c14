"""Lead-lag and chain statistics: against numpy/scipy on real BTC and SPY weekly returns."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from flowscope.analytics.macro_leadlag import (
    block_bootstrap_corr,
    chain_links,
    cross_correlation,
    granger,
    verdict,
    weekly_log_returns,
)
from flowscope.sources import read_file


@pytest.fixture(scope="module")
def weekly(shared_data: Path) -> pd.DataFrame:
    def close(rel: str, symbol: str) -> pd.Series:
        f = read_file(shared_data / rel, "prices").frame
        f = f[f["symbol"] == symbol]
        idx = pd.DatetimeIndex(f["ts"]).tz_convert("UTC").tz_localize(None).normalize()
        return pd.Series(f["close"].to_numpy(float), index=idx)

    btc = close("btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv", "BTC-USD")
    spy = close("equities/moltovy_tradingview_SPY_sp500_etf_daily.csv", "SPY")
    smh = close("equities/moltovy_tradingview_SMH_vaneck_semiconductor_etf_daily.csv", "SMH")
    out = pd.DataFrame(
        {
            "btc_ret": weekly_log_returns(btc),
            "spx_ret": weekly_log_returns(spy),
            "ai_ret": weekly_log_returns(smh),
        }
    )
    return out.loc["2018":"2025"]


def test_weekly_returns_are_friday_to_friday(shared_data: Path) -> None:
    f = read_file(
        shared_data / "equities/moltovy_tradingview_SPY_sp500_etf_daily.csv", "prices"
    ).frame
    s = pd.Series(f["close"].to_numpy(float), index=pd.DatetimeIndex(f["ts"]).tz_localize(None))
    r = weekly_log_returns(s)
    fri, prev = s.loc["2025-06-06"], s.loc["2025-05-30"]
    assert r.loc["2025-06-06"] == pytest.approx(np.log(fri / prev))


def test_cross_correlation_matches_scipy_at_each_lag(weekly: pd.DataFrame) -> None:
    cc = cross_correlation(weekly["spx_ret"], weekly["btc_ret"], max_lag=3, n_boot=200)
    for k in (-3, 0, 2):
        pair = pd.concat([weekly["spx_ret"], weekly["btc_ret"].shift(-k)], axis=1).dropna()
        r = stats.pearsonr(pair.iloc[:, 0], pair.iloc[:, 1]).statistic
        row = cc.set_index("lag_weeks").loc[k]
        assert row["corr"] == pytest.approx(r)
        assert row["n_weeks"] == len(pair)
        assert row["ci_low"] < row["corr"] < row["ci_high"]
    # BTC and SPY move together in the same week (2018-2025): a positive, clear link
    assert cc.set_index("lag_weeks").loc[0, "verdict"] == "positive"


def test_bootstrap_of_independent_noise_spans_zero() -> None:
    rng = np.random.default_rng(7)
    a, b = rng.standard_normal(400), rng.standard_normal(400)
    boots = block_bootstrap_corr(a, b, block=8, n_boot=500, seed=1)
    lo, hi = np.quantile(boots, [0.025, 0.975])
    assert verdict(lo, hi) == "no evidence"
    # its spread is close to the textbook 1/sqrt(n) for independent series
    assert np.std(boots) == pytest.approx(1 / np.sqrt(400), rel=0.3)


def test_verdicts() -> None:
    assert verdict(-0.1, 0.2, +1) == "no evidence"
    assert verdict(0.1, 0.2, +1) == "supports"
    assert verdict(0.1, 0.2, -1) == "contradicts"
    assert verdict(float("nan"), 0.2) == "not estimated"


def test_chain_estimates_held_links_and_says_what_is_missing(weekly: pd.DataFrame) -> None:
    links = chain_links(
        weekly, n_boot=200, missing={"cut_odds_chg": "no futures-implied cut odds held"}
    ).set_index("link")
    ai = links.loc["ai_to_stocks"]
    pair = weekly[["ai_ret", "spx_ret"]].dropna()
    assert ai["corr"] == pytest.approx(np.corrcoef(pair["ai_ret"], pair["spx_ret"])[0, 1])
    assert ai["n_weeks"] == len(pair) and ai["verdict"] == "supports"
    odds = links.loc["cut_odds_to_btc"]
    assert odds["verdict"] == "not estimated" and "cut odds" in odds["note"]
    assert odds["n_weeks"] == 0


def test_granger_runs_on_real_weeks(weekly: pd.DataFrame) -> None:
    pytest.importorskip("statsmodels")
    g = granger(weekly["spx_ret"], weekly["btc_ret"], max_lag=2)
    assert list(g["lag_weeks"]) == [1, 2]
    assert ((g["p_value"] >= 0) & (g["p_value"] <= 1)).all()

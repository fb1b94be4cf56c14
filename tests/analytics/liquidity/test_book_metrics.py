"""Liquidity metrics against a naive level walk and hand-computed values on real books."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from flowscope.analytics.liquidity import book_metrics, metrics_from_arrays, replay_book
from flowscope.analytics.liquidity.metrics import pct_label
from flowscope.errors import ValidationError
from flowscope.sources.formats.orderbook import read_book

HL = "hftbacktest_hyperliquid_btc_l2book_raw_feed_20250126.gz"
CM = "hftbacktest_binance_cm_btcusd_perp_raw_feed_20240808.gz"


@pytest.fixture
def ob(shared_data: Path) -> Path:
    return shared_data / "orderbook"


def naive_side(prices, sizes, ref, side, pct, size_usd):
    """Walk the levels one by one: depth (base, USD), move cost and slippage for one side."""
    levels = [(p, s) for p, s in zip(prices, sizes, strict=True) if not math.isnan(p)]
    if side == "bid":
        limit = ref * (1 - pct / 100)
        inside = [(p, s) for p, s in levels if p >= limit]
        strictly = [(p, s) for p, s in levels if p > limit]
        reaches = any(p < limit for p, _ in levels)
    else:
        limit = ref * (1 + pct / 100)
        inside = [(p, s) for p, s in levels if p <= limit]
        strictly = [(p, s) for p, s in levels if p < limit]
        reaches = any(p > limit for p, _ in levels)
    depth_base = sum(s for _, s in inside) if reaches else math.nan
    depth_usd = sum(p * s for p, s in inside) if reaches else math.nan
    move_usd = sum(p * s for p, s in strictly) if reaches else math.nan
    left, base = size_usd, 0.0
    for p, s in levels:
        take = min(left, p * s)
        base += take / p
        left -= take
        if left <= 0:
            break
    if left > 1e-9 * size_usd:
        slip = math.nan
    else:
        avg = size_usd / base
        slip = (avg - ref) / ref * 1e4 if side == "ask" else (ref - avg) / ref * 1e4
    return depth_base, depth_usd, move_usd, slip


def check_against_naive(samples, ref_kind, pcts, sizes):
    got = book_metrics(samples, ref=ref_kind, pcts=pcts, sizes_usd=sizes, imbalance_pct=pcts[0])
    n_checked = 0
    for r in range(len(got)):
        bp, bs = samples.bid_px[r], samples.bid_sz[r]
        ap, as_ = samples.ask_px[r], samples.ask_sz[r]
        if math.isnan(bp[0]) or math.isnan(ap[0]):
            continue
        mid = (bp[0] + ap[0]) / 2
        ref_b = mid if ref_kind == "mid" else bp[0]
        ref_a = mid if ref_kind == "mid" else ap[0]
        for x in pcts:
            lab = pct_label(x)
            b = naive_side(bp, bs, ref_b, "bid", x, sizes[0])
            a = naive_side(ap, as_, ref_a, "ask", x, sizes[0])
            np.testing.assert_allclose(got[f"depth_bid_{lab}_base"].iloc[r], b[0], rtol=1e-12)
            np.testing.assert_allclose(got[f"depth_bid_{lab}_usd"].iloc[r], b[1], rtol=1e-12)
            np.testing.assert_allclose(got[f"move_down_{lab}_usd"].iloc[r], b[2], rtol=1e-12)
            np.testing.assert_allclose(got[f"depth_ask_{lab}_base"].iloc[r], a[0], rtol=1e-12)
            np.testing.assert_allclose(got[f"move_up_{lab}_usd"].iloc[r], a[2], rtol=1e-12)
        for q in sizes:
            b = naive_side(bp, bs, ref_b, "bid", pcts[0], q)
            a = naive_side(ap, as_, ref_a, "ask", pcts[0], q)
            np.testing.assert_allclose(
                got[f"slippage_sell_{q:.0f}usd_bps"].iloc[r], b[3], rtol=1e-9, atol=1e-9
            )
            np.testing.assert_allclose(
                got[f"slippage_buy_{q:.0f}usd_bps"].iloc[r], a[3], rtol=1e-9, atol=1e-9
            )
        n_checked += 1
    return got, n_checked


@pytest.mark.parametrize("ref_kind", ["best", "mid"])
def test_hyperliquid_metrics_equal_naive_level_walk(ob, ref_kind):
    samples = replay_book(read_book(ob / HL), every="1s", n_levels=20)
    # 20 levels span ~0.025 %: bands inside that, and sizes up to beyond the whole book
    pcts = (0.002, 0.005, 0.01, 0.02, 0.05)
    got, n = check_against_naive(samples, ref_kind, pcts, (10_000.0, 250_000.0, 5e6, 5e7))
    assert n == len(got) == 26
    assert got["slippage_buy_50000000usd_bps"].isna().all()  # more than the 20 levels hold
    assert got["depth_bid_0p05pct_base"].isna().all()  # band beyond the levels held: unknown


@pytest.mark.parametrize("ref_kind", ["best", "mid"])
def test_rebuilt_binance_book_metrics_equal_naive_level_walk(ob, ref_kind):
    samples = replay_book(read_book(ob / CM), every="20s", n_levels=1000)
    got, n = check_against_naive(samples, ref_kind, (0.1, 0.5, 1.0, 2.0), (1e5, 1e6, 1e7))
    assert n >= 15
    assert got["depth_bid_0p1pct_usd"].notna().sum() >= 15


def test_first_hyperliquid_book_by_hand(ob):
    samples = replay_book(read_book(ob / HL), every="1s", n_levels=20)
    first = samples.bid_px[:1], samples.bid_sz[:1], samples.ask_px[:1], samples.ask_sz[:1]
    # the first sample (19:14:04) holds the first l2Book line: bids 105055 x 3.03622,
    # 105054 x 0.1428, 105053 x 0.16179, 105051 x 0.38082, 105050 x 3.94526 ...; asks
    # 105056 x 6.34472, 105057 x 0.0001 ...
    m = metrics_from_arrays(
        *first, ref="best", pcts=(0.002,), sizes_usd=(400_000.0,), imbalance_pct=0.002
    )
    assert m.loc[0, "spread_usd"] == 1.0
    assert m.loc[0, "spread_bps"] == pytest.approx(1 / 105055.5 * 1e4, rel=1e-12)  # 0.0952
    # sell 400,000 USD from best bid 105055: four levels, then the rest at 105050
    filled = 105055 * 3.03622 + 105054 * 0.1428 + 105053 * 0.16179 + 105051 * 0.38082
    base = 3.03622 + 0.1428 + 0.16179 + 0.38082 + (400_000 - filled) / 105050
    assert m.loc[0, "slippage_sell_400000usd_bps"] == pytest.approx(
        (105055 - 400_000 / base) / 105055 * 1e4, rel=1e-9
    )
    # buy 400,000 USD: all at 105056 (6.34472 BTC = 666,551 USD there): no slippage
    assert m.loc[0, "slippage_buy_400000usd_bps"] == 0.0
    # depth 0.002 % below the best bid: >= 105052.899 -> 105055, 105054, 105053
    assert m.loc[0, "depth_bid_0p002pct_base"] == pytest.approx(3.03622 + 0.1428 + 0.16179)
    m2 = metrics_from_arrays(
        *first, ref="mid", pcts=(0.002,), sizes_usd=(400_000.0,), imbalance_pct=0.002
    )
    # mid 105055.5: buy at 105056 is 0.5 USD above mid = 0.0476 bps
    assert m2.loc[0, "slippage_buy_400000usd_bps"] == pytest.approx(0.5 / 105055.5 * 1e4)
    # ask band up to 105057.601: 105056 x 6.34472 + 105057 x 0.0001
    assert m2.loc[0, "depth_ask_0p002pct_base"] == pytest.approx(6.34472 + 0.0001)


def test_imbalance_bounded_and_level_on_band_edge():
    bp = np.array([[100.0, 99.0, 98.0]])
    bs = np.array([[1.0, 2.0, 4.0]])
    ap = np.array([[101.0, 102.0, 103.0]])
    asz = np.array([[3.0, 1.0, 1.0]])
    # ref best: 1 % below 100 is exactly 99 -> 99 is inside the depth band, not the move cost
    m = metrics_from_arrays(bp, bs, ap, asz, ref="best", pcts=(1.0,), sizes_usd=(50.0,))
    assert m.loc[0, "depth_bid_1pct_base"] == 3.0
    assert m.loc[0, "move_down_1pct_usd"] == 100.0
    # asks within 1 % of 101 (<= 102.01): 101 x 3 + 102 x 1 = 4 BTC
    assert m.loc[0, "imbalance_1pct"] == pytest.approx((3.0 - 4.0) / (3.0 + 4.0))
    with pytest.raises(ValidationError, match="ref"):
        metrics_from_arrays(bp, bs, ap, asz, ref="last")  # type: ignore[arg-type]


def test_empty_side_gives_nan_not_zero():
    nan = np.nan
    m = metrics_from_arrays(
        np.array([[nan]]),
        np.array([[nan]]),
        np.array([[101.0]]),
        np.array([[1.0]]),
        pcts=(1.0,),
        sizes_usd=(10.0,),
    )
    assert m.drop(columns=["best_ask_usd"]).isna().all(axis=None)

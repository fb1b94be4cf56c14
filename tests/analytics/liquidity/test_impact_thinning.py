"""Holiday thinning on a metrics frame built from real Hyperliquid and Binance (Tardis) books.

The depth within ±1 % of the mid is computed here by walking the raw levels in plain Python;
the Hyperliquid snapshots (46 ``l2Book`` messages, 45 distinct: the first book, exchange time
19:14:03.542, was received twice) (Sunday 2025-01-26, 19:14 UTC) play the "holiday" and the 10
Binance-futures snapshots (Tuesday 2020-09-01, 00:00 UTC) the "normal" window.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from flowscope.analytics.liquidity.thinning import (
    by_hour_of_week,
    christmas_windows,
    depth_from_levels,
    holiday_thinning,
)
from flowscope.errors import ValidationError

HL = "orderbook/hftbacktest_hyperliquid_btc_l2book_raw_feed_20250126.gz"
TARDIS = "orderbook/nautilus_tardis_binance-futures_book_snapshot_25_BTCUSDT_2020-09-01.csv"


def _depth_1pct(bids: list[tuple[float, float]], asks: list[tuple[float, float]]) -> float:
    mid = (max(p for p, _ in bids) + min(p for p, _ in asks)) / 2
    total = 0.0
    for p, q in bids:
        if p >= mid * 0.99:
            total += p * q
    for p, q in asks:
        if p <= mid * 1.01:
            total += p * q
    return total


def _distinct(snaps: list[dict]) -> list[dict]:
    seen: set[tuple[str, pd.Timestamp]] = set()
    out = []
    for s in snaps:
        if (s["venue"], s["ts"]) not in seen:
            seen.add((s["venue"], s["ts"]))
            out.append(s)
    return out


@pytest.fixture(scope="module")
def books(shared_data: Path) -> tuple[list[dict], pd.DataFrame]:
    """(snapshots with hand depth, long-format levels) from both real files."""
    snaps: list[dict] = []
    levels: list[dict] = []
    with gzip.open(shared_data / HL, "rt") as fh:
        for line in fh:
            msg = json.loads(line.split(" ", 1)[1])
            if msg["channel"] != "l2Book":
                continue
            ts = pd.Timestamp(msg["data"]["time"], unit="ms", tz="UTC")
            bids = [(float(x["px"]), float(x["sz"])) for x in msg["data"]["levels"][0]]
            asks = [(float(x["px"]), float(x["sz"])) for x in msg["data"]["levels"][1]]
            snaps.append({"ts": ts, "venue": "hyperliquid", "depth": _depth_1pct(bids, asks)})
            for side, lv in (("bid", bids), ("ask", asks)):
                for i, (p, q) in enumerate(lv):
                    levels.append(
                        {
                            "ts": ts,
                            "venue": "hyperliquid",
                            "side": side,
                            "level": i,
                            "price": p,
                            "size": q,
                        }
                    )
    with (shared_data / TARDIS).open() as fh:
        for r in csv.DictReader(fh):
            ts = pd.Timestamp(int(r["timestamp"]), unit="us", tz="UTC")
            bids = [
                (float(r[f"bids[{i}].price"]), float(r[f"bids[{i}].amount"])) for i in range(25)
            ]
            asks = [
                (float(r[f"asks[{i}].price"]), float(r[f"asks[{i}].amount"])) for i in range(25)
            ]
            snaps.append({"ts": ts, "venue": "binance-futures", "depth": _depth_1pct(bids, asks)})
            for side, lv in (("bid", bids), ("ask", asks)):
                for i, (p, q) in enumerate(lv):
                    levels.append(
                        {
                            "ts": ts,
                            "venue": "binance-futures",
                            "side": side,
                            "level": i,
                            "price": p,
                            "size": q,
                        }
                    )
    return snaps, pd.DataFrame(levels)


def test_real_samples_have_expected_snapshot_counts(books) -> None:
    snaps, _ = books
    assert sum(s["venue"] == "hyperliquid" for s in snaps) == 46
    assert len({(s["venue"], s["ts"]) for s in snaps}) == 55  # one book received twice
    assert sum(s["venue"] == "binance-futures" for s in snaps) == 10


def test_depth_from_levels_matches_level_walk(books) -> None:
    snaps, levels = books
    got = depth_from_levels(levels, pcts=(1.0,))
    assert len(got) == 55
    want = pd.DataFrame(snaps).drop_duplicates(["venue", "ts"]).rename(columns={"depth": "want"})
    merged = got.merge(want, on=["venue", "ts"], how="inner", validate="one_to_one")
    assert len(merged) == 55
    assert merged["depth_usd_1pct"].to_numpy() == pytest.approx(
        merged["want"].to_numpy(), rel=1e-12
    )


def test_depth_first_hyperliquid_snapshot_by_hand(books) -> None:
    # 2025-01-26 19:14:03.816 UTC: best bid 105,055.0 / best ask 105,056.0, mid 105,055.5;
    # the 20 levels shown per side all lie within ±1 % (104,004.9 .. 106,106.1), so the depth
    # is the whole book shown: sum of px x sz over 40 levels.
    _snaps, levels = books
    hl = levels[levels["venue"] == "hyperliquid"]
    first = hl[hl["ts"] == hl["ts"].min()]
    assert len(first) == 80  # 20 levels a side, received twice
    assert first["price"].min() > 105_055.5 * 0.99
    assert first["price"].max() < 105_055.5 * 1.01
    got = depth_from_levels(first)
    assert got.loc[0, "mid_usd"] == pytest.approx(105_055.5)
    assert got.loc[0, "spread_bps"] == pytest.approx(1 / 105_055.5 * 1e4)
    once = first.drop_duplicates(["side", "level"])
    assert got.loc[0, "depth_usd_1pct"] == pytest.approx((once["price"] * once["size"]).sum())
    assert got.loc[0, "depth_usd_1pct"] == pytest.approx((first["price"] * first["size"]).sum() / 2)


def test_holiday_thinning_ratio_of_means(books) -> None:
    snaps = _distinct(books[0])
    metrics = pd.DataFrame(snaps)[["ts", "depth"]].rename(columns={"depth": "depth_usd_1pct"})
    hol = [(pd.Timestamp("2025-01-26", tz="UTC"), pd.Timestamp("2025-01-27", tz="UTC"))]
    out = holiday_thinning(metrics, hol, n_boot=500)
    hl = [s["depth"] for s in snaps if s["venue"] == "hyperliquid"]
    bn = [s["depth"] for s in snaps if s["venue"] == "binance-futures"]
    row = out.loc["depth_usd_1pct"]
    assert row["n_holiday"] == 45 and row["n_normal"] == 10
    assert row["mean_holiday"] == pytest.approx(sum(hl) / 45)
    assert row["mean_normal"] == pytest.approx(sum(bn) / 10)
    assert row["ratio"] == pytest.approx((sum(hl) / 45) / (sum(bn) / 10))
    assert row["ratio_ci_low"] <= row["ratio"] <= row["ratio_ci_high"]


def test_holiday_thinning_explicit_normal_windows_exclude_the_rest(books) -> None:
    snaps = _distinct(books[0])
    metrics = pd.DataFrame(snaps)[["ts", "depth"]]
    hol = [(pd.Timestamp("2025-01-26 19:14:10", tz="UTC"), pd.Timestamp("2025-01-27", tz="UTC"))]
    norm = [(pd.Timestamp("2025-01-26", tz="UTC"), pd.Timestamp("2025-01-26 19:14:10", tz="UTC"))]
    out = holiday_thinning(metrics, hol, normal=norm, n_boot=100)
    hl = sorted((s["ts"], s["depth"]) for s in snaps if s["venue"] == "hyperliquid")
    before = [d for t, d in hl if t < pd.Timestamp("2025-01-26 19:14:10", tz="UTC")]
    assert out.loc["depth", "n_normal"] == len(before)
    assert out.loc["depth", "n_holiday"] == 45 - len(before)
    assert out.loc["depth", "mean_normal"] == pytest.approx(sum(before) / len(before))


def test_by_hour_of_week_real_samples(books) -> None:
    snaps = _distinct(books[0])
    metrics = pd.DataFrame(snaps)[["ts", "depth"]]
    out = by_hour_of_week(metrics)
    # Sunday 19:00 UTC = 6 * 24 + 19 = 163; Tuesday 00:00 UTC = 24
    assert out.index.tolist() == [24, 163]
    assert out.loc[163, "n"] == 45 and out.loc[24, "n"] == 10
    hl = [s["depth"] for s in snaps if s["venue"] == "hyperliquid"]
    assert out.loc[163, "depth"] == pytest.approx(sum(hl) / 45)


def test_thinning_rejects_naive_timestamps() -> None:
    df = pd.DataFrame({"ts": pd.to_datetime(["2024-12-25 10:00"]), "depth": [1.0]})
    with pytest.raises(ValidationError, match="tz-aware"):
        by_hour_of_week(df)


def test_christmas_windows_half_open_utc() -> None:
    ((s, e),) = christmas_windows([2024])
    assert s == pd.Timestamp("2024-12-20", tz="UTC")
    assert e == pd.Timestamp("2025-01-03", tz="UTC")

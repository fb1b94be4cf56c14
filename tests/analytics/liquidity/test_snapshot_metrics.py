"""Metrics of stored snapshots: equal to the replay path's, and equal on Dask and locally."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _snapshot_data import HYPERLIQUID, hyperliquid_levels, write_dataset

from flowscope.analytics.liquidity.snapshots import snapshot_metrics
from flowscope.queries.books import metrics_over_dataset, read_snapshot_levels


def test_first_book_by_hand() -> None:
    # the first l2Book line of the real file, read here with json only
    with gzip.open(HYPERLIQUID, "rt") as fh:
        line = next(ln for ln in fh if '"l2Book"' in ln)
    doc = json.loads(line[line.index("{") :])
    bids, asks = doc["data"]["levels"]
    bb, ba = float(bids[0]["px"]), float(asks[0]["px"])
    lv = hyperliquid_levels().rename(columns={"msg": "last_update_id"})
    m = snapshot_metrics(lv, ref="mid", pcts=(0.01, 1.0))
    first = m.iloc[0]
    assert first["spread_usd"] == pytest.approx(ba - bb)
    mid = (ba + bb) / 2
    want = sum(float(b["px"]) * float(b["sz"]) for b in bids if float(b["px"]) >= mid * 0.9999)
    assert first["depth_bid_0p01pct_usd"] == pytest.approx(want)
    assert np.isnan(first["depth_bid_1pct_usd"])  # 20 levels do not reach 1 %: unknown, not 0


def test_dask_equals_local_exactly(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    shifts = [pd.Timedelta(0), pd.Timedelta(days=1), pd.Timedelta(days=330)]
    n = write_dataset(tmp_path, shifts)
    local = metrics_over_dataset(tmp_path, engine="local")
    assert len(local) == n == 3 * 46
    with distributed.LocalCluster(
        n_workers=2, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        dask = metrics_over_dataset(tmp_path, engine="dask", scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(local, dask, check_exact=True)
    assert local["ts"].is_monotonic_increasing


def test_reader_ignores_unfinished_files(tmp_path: Path) -> None:
    write_dataset(tmp_path, [pd.Timedelta(0)])
    part = next(tmp_path.glob("date=*/venue=*"))
    (part / ".tmp-BTC-5.1.parquet").write_bytes(b"PAR1 cut short")
    assert read_snapshot_levels(tmp_path)["last_update_id"].nunique() == 46

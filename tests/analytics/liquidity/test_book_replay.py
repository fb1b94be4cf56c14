"""Book replay on the real Binance captures, against a plain-Python dict replay, and gap detection."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from flowscope.analytics.liquidity import replay_book
from flowscope.sources.formats.orderbook import SNAPSHOT, read_book

SPOT = "hftbacktest_binance_spot_btcusdt_raw_feed_20240808.gz"
SPOT9 = "hftbacktest_binance_spot_btcusdt_raw_feed_20240809.gz"
USDM = "hftbacktest_binance_usdm_btcusdt_raw_feed_20240808.gz"
CM = "hftbacktest_binance_cm_btcusd_perp_raw_feed_20240808.gz"


@pytest.fixture
def ob(shared_data: Path) -> Path:
    return shared_data / "orderbook"


def naive_books(feed, times):
    """Binance's documented procedure, written plainly with dicts, sampled at ``times``.

    Only the first snapshot is used; diffs before it are ignored unless newer than it. Levels
    beyond the snapshot's deepest bid/ask are left out (unknown).
    """
    off = feed.msg_offsets
    futures = feed.sequence == "futures"
    snap_i = int(np.flatnonzero(feed.msg_kind == SNAPSHOT)[0])
    bids: dict[float, float] = {}
    asks: dict[float, float] = {}

    def apply(i):
        for r in range(off[i], off[i + 1]):
            book = bids if feed.lvl_side[r] == 1 else asks
            if feed.lvl_size[r] == 0:
                book.pop(feed.lvl_price[r], None)
            else:
                book[feed.lvl_price[r]] = feed.lvl_size[r]

    apply(snap_i)
    lid = feed.msg_last_id[snap_i]
    floor_b, ceil_a = min(bids), max(asks)
    order = [i for i in range(snap_i) if feed.msg_kind[i] == 0]
    order += [snap_i, *list(range(snap_i + 1, feed.n_messages))]
    out = []
    ts = feed.msg_ts_local_ns
    done = 0
    pos = 0
    for t in times:
        while pos < len(order) and (order[pos] < snap_i or ts[order[pos]] <= t):
            i = order[pos]
            pos += 1
            if i == snap_i:
                continue
            stale = feed.msg_last_id[i] < lid if futures else feed.msg_last_id[i] <= lid
            if not stale:
                apply(i)
            done += 1
        b = sorted((p for p in bids if p >= floor_b), reverse=True)
        a = sorted(p for p in asks if p <= ceil_a)
        out.append((b, [bids[p] for p in b], a, [asks[p] for p in a]))
    return out


@pytest.mark.parametrize("name", [SPOT, USDM, CM])
def test_rebuilt_book_equals_plain_dict_replay(ob, name):
    feed = read_book(ob / name)
    samples = replay_book(feed, every="1s", n_levels=5000)
    assert samples.gaps.empty
    t_ns = samples.ts.asi8
    after = np.flatnonzero(~samples.approximate)
    pick = after[:: max(1, len(after) // 12)]
    ref = naive_books(feed, t_ns[pick])
    for row, (bp, bs, ap, as_) in zip(pick, ref, strict=True):
        nb, na = len(bp), len(ap)
        np.testing.assert_array_equal(samples.bid_px[row, :nb], bp)
        np.testing.assert_array_equal(samples.bid_sz[row, :nb], bs)
        np.testing.assert_array_equal(samples.ask_px[row, :na], ap)
        np.testing.assert_array_equal(samples.ask_sz[row, :na], as_)
        assert np.isnan(samples.bid_px[row, nb:]).all()
        assert np.isnan(samples.ask_px[row, na:]).all()
    assert samples.synced[after].all()
    assert len(ref[0][0]) > 100 and len(ref[0][2]) > 100  # a real book, not two empty ones


def test_capture_without_snapshot_is_approximate_and_never_synced(ob):
    samples = replay_book(read_book(ob / SPOT9), every="1s", n_levels=50)
    assert samples.approximate.all() and not samples.synced.any()
    assert samples.gaps.empty  # ids run on without a break


def test_consecutive_spot_files_join_without_gap(ob, tmp_path):
    joined = tmp_path / "spot.txt"
    joined.write_bytes(
        gzip.decompress((ob / SPOT).read_bytes()) + gzip.decompress((ob / SPOT9).read_bytes())
    )
    samples = replay_book(read_book(joined), every="10s", n_levels=20)
    assert samples.gaps.empty
    assert samples.synced[-1] and not samples.approximate[-1]


def _drop_line(src: Path, dst: Path, line_no: int) -> str:
    lines = gzip.decompress(src.read_bytes()).decode().splitlines(keepends=True)
    removed = lines.pop(line_no - 1)
    dst.write_text("".join(lines))
    return removed


def test_removed_spot_diff_is_reported_as_gap(ob, tmp_path):
    feed = read_book(ob / SPOT)
    i = 200  # a diff well after the snapshot (message 3)
    assert feed.msg_kind[i] == 0
    line = int(feed.msg_line[i])
    removed = _drop_line(ob / SPOT, tmp_path / "cut.txt", line)
    assert '"depthUpdate"' in removed
    cut = read_book(tmp_path / "cut.txt")
    samples = replay_book(cut, every="1s", n_levels=10)
    assert len(samples.gaps) == 1
    gap = samples.gaps.iloc[0]
    # the next diff (original message i + 1) now follows message i - 1
    assert gap["expected_id"] == feed.msg_last_id[i - 1] + 1
    assert gap["received_id"] == feed.msg_first_id[i + 1]
    assert gap["line"] == feed.msg_line[i + 1] - 1
    after = samples.ts > gap["ts"]
    assert not samples.synced[after].any() and samples.synced[~after & ~samples.approximate].all()


def test_removed_futures_diff_is_reported_as_pu_gap(ob, tmp_path):
    feed = read_book(ob / USDM)
    i = 1000
    assert feed.msg_kind[i] == 0
    _drop_line(ob / USDM, tmp_path / "cut.txt", int(feed.msg_line[i]))
    samples = replay_book(read_book(tmp_path / "cut.txt"), every="1s", n_levels=10)
    assert samples.gaps[["expected_id", "received_id"]].to_numpy().tolist() == [
        [feed.msg_last_id[i - 1], feed.msg_prev_id[i + 1]]
    ]
    assert feed.msg_prev_id[i + 1] == feed.msg_last_id[i]


def test_synthetic_stream_is_seeded_and_follows_spot_rules(ob):
    from flowscope.analytics.liquidity.synthetic import synthetic_feed

    real = read_book(ob / SPOT)
    a = synthetic_feed(real, 1000, seed=7)
    b = synthetic_feed(real, 1000, seed=7)
    np.testing.assert_array_equal(a.lvl_price, b.lvl_price)
    assert not np.array_equal(a.lvl_price, synthetic_feed(real, 1000, seed=8).lvl_price)
    samples = replay_book(a, every="5s", n_levels=10)
    assert samples.gaps.empty and samples.synced.all()
    assert samples.n_updates == a.n_updates

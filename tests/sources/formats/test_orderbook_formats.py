"""Order-book parsers on every real sample file in shared/data/orderbook (and files derived from them)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from flowscope.errors import ParseError, UnknownFormatError
from flowscope.sources.formats.orderbook import (
    ASK,
    BID,
    SNAPSHOT,
    book_from_ccxt,
    detect_book_format,
    read_book,
)


@pytest.fixture
def ob(shared_data: Path) -> Path:
    return shared_data / "orderbook"


def _lines(path: Path) -> list[str]:
    return gzip.decompress(path.read_bytes()).decode().splitlines()


def test_binance_spot_capture_counts_and_inline_snapshot(ob):
    feed = read_book(ob / "hftbacktest_binance_spot_btcusdt_raw_feed_20240808.gz")
    assert (feed.format, feed.venue, feed.symbol, feed.sequence) == (
        "binance-ws",
        "binance-spot",
        "BTCUSDT",
        "spot",
    )
    # MANIFEST: 3,451 depth diffs; the capture also holds one REST snapshot (line 8)
    assert feed.n_messages == 3452
    snap = np.flatnonzero(feed.msg_kind == SNAPSHOT)
    assert snap.tolist() == [3]
    assert feed.msg_line[3] == 8
    assert feed.msg_last_id[3] == 50093239218
    assert np.diff(feed.msg_offsets)[3] == 2000  # 1,000 bids + 1,000 asks
    # first diff, line 1: E=1723161255208 ms, U/u, receive time kept in ns
    assert feed.msg_first_id[0] == 50093239189
    assert feed.msg_last_id[0] == 50093239202
    assert feed.msg_ts_exchange_ns[0] == 1723161255208 * 1_000_000
    assert feed.msg_ts_local_ns[0] == 1723161253937085768
    lv = feed.levels_frame()
    first = lv[lv["message"] == 0]
    assert first["side"].tolist()[:3] == ["bid", "bid", "bid"]
    assert first["price"].iloc[3] == 61837.64 and first["size_base"].iloc[3] == 1.54698


def test_binance_coinm_contracts_become_btc_at_level_price(ob):
    feed = read_book(ob / "hftbacktest_binance_cm_btcusd_perp_raw_feed_20240808.gz")
    assert (feed.venue, feed.sequence) == ("binance-coinm", "futures")
    # first diff's first bid: ["61773.6", "1001"] contracts of 100 USD
    assert feed.lvl_price[0] == 61773.6
    assert feed.lvl_size[0] == pytest.approx(1001 * 100 / 61773.6, rel=1e-12)
    assert feed.msg_prev_id[0] == 1007198631198


def test_binance_usdm_and_continuation_files(ob):
    usdm = read_book(ob / "hftbacktest_binance_usdm_btcusdt_raw_feed_20240808.gz")
    assert (usdm.venue, usdm.sequence, int((usdm.msg_kind == 0).sum())) == (
        "binance-futures",
        "futures",
        6551,
    )
    spot9 = read_book(ob / "hftbacktest_binance_spot_btcusdt_raw_feed_20240809.gz")
    assert spot9.n_messages == 3044 and not spot9.has_snapshot
    cm9 = read_book(ob / "hftbacktest_binance_cm_btcusd_perp_raw_feed_20240809.gz")
    assert not cm9.has_snapshot and cm9.venue == "binance-coinm"


def test_hyperliquid_snapshots_twenty_levels_a_side(ob):
    feed = read_book(ob / "hftbacktest_hyperliquid_btc_l2book_raw_feed_20250126.gz")
    assert feed.format == "hyperliquid" and feed.symbol == "BTC"
    assert feed.n_messages == 46 and (feed.msg_kind == SNAPSHOT).all()
    assert (np.diff(feed.msg_offsets) == 40).all()
    assert feed.lvl_price[0] == 105055.0 and feed.lvl_size[0] == 3.03622
    assert feed.lvl_price[20] == 105056.0 and feed.lvl_side[20] == ASK
    assert feed.msg_ts_exchange_ns[0] == 1737918843542 * 1_000_000


@pytest.mark.parametrize(("name", "levels"), [("5", 5), ("25", 25)])
def test_tardis_snapshot_files(ob, name, levels):
    path = ob / f"nautilus_tardis_binance-futures_book_snapshot_{name}_BTCUSDT_2020-09-01.csv"
    assert detect_book_format(path) == "tardis-snapshot"
    feed = read_book(path)
    assert feed.n_messages == 10
    assert (np.diff(feed.msg_offsets) == 2 * levels).all()
    assert feed.msg_ts_exchange_ns[0] == 1598918403696000 * 1000
    assert feed.msg_ts_local_ns[0] == 1598918403810979 * 1000
    first = feed.levels_frame().query("message == 0")
    bids = first[first["side"] == "bid"]
    assert bids["price"].iloc[0] == 11657.07 and bids["size_base"].iloc[0] == 10.896
    assert feed.msg_line.tolist() == list(range(2, 12))


def test_tardis_incremental_deribit_usd_amounts_to_btc(ob):
    path = ob / "nautilus_tardis_deribit_incremental_book_L2_BTC-PERPETUAL_2020-04-01.csv"
    feed = read_book(path)
    assert feed.format == "tardis-incremental" and feed.n_messages == 1
    assert feed.msg_kind[0] == SNAPSHOT and (feed.lvl_side == ASK).all()
    # first row: ask 6421.5, amount 18640 USD
    assert feed.lvl_size[0] == pytest.approx(18640 / 6421.5, rel=1e-12)


def test_binance_rest_snapshot_file_derived_from_capture(ob, tmp_path):
    line = _lines(ob / "hftbacktest_binance_usdm_btcusdt_raw_feed_20240808.gz")[54]
    doc = json.loads(line.split(" ", 1)[1])
    path = tmp_path / "depth.json"
    path.write_text(json.dumps(doc, indent=2))  # pretty-printed over many lines
    assert detect_book_format(path) == "binance-rest"
    feed = read_book(path)
    assert feed.msg_last_id.tolist() == [5123107852948]
    assert feed.msg_ts_exchange_ns[0] == 1723161256501 * 1_000_000
    assert int((feed.lvl_side == BID).sum()) == 1000
    assert feed.lvl_price[0] == 61800.20 and feed.lvl_size[0] == 2.909


def test_ccxt_dicts_from_a_real_snapshot(ob, tmp_path):
    line = _lines(ob / "hftbacktest_binance_spot_btcusdt_raw_feed_20240808.gz")[7]
    rest = json.loads(line.split(" ", 1)[1])
    book = {
        "symbol": "BTC/USDT",
        "bids": [[float(p), float(q)] for p, q in rest["bids"]],
        "asks": [[float(p), float(q)] for p, q in rest["asks"]],
        "timestamp": None,
        "datetime": None,
        "nonce": rest["lastUpdateId"],
    }
    feed = book_from_ccxt(book, venue="binance")
    assert feed.symbol == "BTC/USDT" and feed.msg_last_id[0] == 50093239218
    assert feed.lvl_price[0] == 61837.63 and feed.lvl_size[0] == 3.78826
    path = tmp_path / "books.jsonl"
    path.write_text(json.dumps(book) + "\n" + json.dumps(book) + "\n")
    assert detect_book_format(path) == "ccxt"
    assert read_book(path).n_messages == 2


def test_bad_line_names_file_and_line(ob, tmp_path):
    lines = _lines(ob / "hftbacktest_hyperliquid_btc_l2book_raw_feed_20250126.gz")
    lines[4] = lines[4][:200]  # cut in the middle of the file: an error
    path = tmp_path / "hl.txt"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ParseError, match=r"hl\.txt, row 5: invalid JSON"):
        read_book(path, "hyperliquid")


def test_cut_last_line_is_set_aside_and_reported(ob, tmp_path):
    lines = _lines(ob / "hftbacktest_hyperliquid_btc_l2book_raw_feed_20250126.gz")
    path = tmp_path / "hl.txt"
    path.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:100])
    feed = read_book(path, "hyperliquid")
    full = read_book(ob / "hftbacktest_hyperliquid_btc_l2book_raw_feed_20250126.gz")
    last_is_book = '"l2Book"' in lines[-1]
    assert feed.n_messages == full.n_messages - int(last_is_book)
    assert len(feed.issues) == 1
    assert feed.issues[0].startswith(f"line {len(lines)}: cut-off last line set aside")


def test_impossible_levels_are_quarantined(ob, tmp_path):
    path = ob / "nautilus_tardis_binance-futures_book_snapshot_5_BTCUSDT_2020-09-01.csv"
    text = path.read_text().splitlines()
    assert ",11657.08,1.476," in text[2]  # line 3: the second snapshot
    text[2] = text[2].replace(",11657.08,1.476,", ",11657.08,-1.476,", 1)
    bad = tmp_path / "snap.csv"
    bad.write_text("\n".join(text) + "\n")
    feed = read_book(bad)
    assert np.diff(feed.msg_offsets)[1] == 9
    assert feed.issues and feed.issues[0].startswith("line 3: level set aside")


def test_unknown_file_lists_formats(ob):
    with pytest.raises(UnknownFormatError, match="tardis-snapshot"):
        detect_book_format(ob / "nautilus_binance_futures_btcusdt_depth_snapshot_2022-11-01.csv")

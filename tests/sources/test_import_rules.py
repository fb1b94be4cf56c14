"""Import rules on real price files: Parquet, true bar intervals, binary files, impossible rows.

Every input is a real file from the shared data folder or a copy of one changed in the test
(rows removed, cells overwritten, reordered, rewritten as Parquet, cut mid-line).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from flowscope.errors import ParseError, UnknownFormatError
from flowscope.sources import read_file

CQ = "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"
QQQ = "equities/moltovy_tradingview_QQQ_nasdaq100_etf_daily.csv"
# LGPL: read from the shared folder only, never copied into the repository.
NAUTILUS_1M = "btc_prices/nautilus_btc-perp_1m_2021-12-31_2022-02-01.csv"
XLSX = "fed_futures/pyfedwatch_fomc_data.xlsx"
TRADES_PARQUET = "orderbook/nautilus_binance_btcusdt_trades.parquet"

# MANIFEST §5: Dec-25 closes (UTC day), CryptoQuant column.
CHRISTMAS_CQ = {2015: 455.84, 2017: 13801.06, 2021: 50429.65, 2024: 99341.25}
COLS = ["ts", "open", "high", "low", "close", "volume"]


def _utc(day: str) -> pd.Timestamp:
    return pd.Timestamp(day, tz="UTC")


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


def _write(path: Path, lines: list[str], *, newline: bool = True) -> Path:
    path.write_text("\n".join(lines) + ("\n" if newline else ""))
    return path


# -- Parquet ---------------------------------------------------------------------------------
def test_parquet_newest_first_with_a_day_missing_imports_like_the_csv(shared_data, tmp_path):
    csv = read_file(shared_data / CQ, "prices")
    raw = pd.read_csv(shared_data / CQ)
    cut = raw[raw["date"] != "2021-12-24"].iloc[::-1]
    pq_path = tmp_path / "btc_usd_daily_newest_first.parquet"
    cut.to_parquet(pq_path, index=False)

    parsed = read_file(pq_path, "prices")

    assert parsed.format == "cryptoquant-ohlcv-csv+parquet"
    expected = csv.frame[csv.frame["ts"] != _utc("2021-12-24")].reset_index(drop=True)
    pd.testing.assert_frame_equal(parsed.frame[COLS], expected[COLS], check_dtype=False)
    assert parsed.frame["ts"].is_monotonic_increasing
    close = parsed.frame.set_index("ts")["close"]
    for year, value in CHRISTMAS_CQ.items():
        assert close[_utc(f"{year}-12-25")] == pytest.approx(value, abs=0.005)
    gaps = [i for i in parsed.issues if "missing day" in i.reason]
    assert [(g.row, g.date) for g in gaps] == [(None, "2021-12-24")]
    assert _utc("2021-12-24") not in set(parsed.frame["ts"])


def test_parquet_equities_gap_is_an_nyse_session(shared_data, tmp_path):
    raw = pd.read_csv(shared_data / QQQ)
    # Remove one session (Tue 2024-03-05); weekends and holidays are not gaps.
    cut = raw[raw["date"] != "2024-03-05"].sample(frac=1.0, random_state=1)
    pq_path = tmp_path / "QQQ_daily.parquet"
    cut.to_parquet(pq_path, index=False)

    parsed = read_file(pq_path, "prices")

    assert parsed.format == "tradingview-csv+parquet"
    assert len(parsed.frame) == 4716 - 1  # MANIFEST §6: 4,716 rows
    assert parsed.frame["ts"].is_monotonic_increasing
    assert [(i.reason, i.date) for i in parsed.issues] == [
        ("missing NYSE session: not filled", "2024-03-05")
    ]
    # QQQ 2015-01-02 close 102.94 (MANIFEST §6)
    assert parsed.frame.set_index("ts")["close"][_utc("2015-01-02")] == pytest.approx(102.94)


def test_forced_layout_on_parquet_without_its_columns_is_one_line_parse_error(shared_data):
    for fmt in ("tradingview-csv", "canonical-prices", "cryptoquant-ohlcv-csv+parquet"):
        with pytest.raises(ParseError) as exc:
            read_file(shared_data / TRADES_PARQUET, "prices", format=fmt)
        msg = str(exc.value)
        assert "\n" not in msg
        assert str(shared_data / TRADES_PARQUET) in msg
        assert "timestamp,trade_id,price,quantity,buyer_maker" in msg  # the header found
        assert exc.value.row == 1


# -- bar intervals ---------------------------------------------------------------------------
def test_one_minute_file_keeps_its_interval(shared_data):
    parsed = read_file(shared_data / NAUTILUS_1M, "prices")

    f = parsed.frame
    # MANIFEST §5: 45,031 consecutive minutes, 2021-12-31 23:01 .. 2022-02-01 05:31 (UTC)
    assert len(f) == 45031
    assert set(f["interval"]) == {"1m"}
    assert (f["ts"].iloc[0], f["ts"].iloc[-1]) == (
        _utc("2021-12-31 23:01"),
        _utc("2022-02-01 05:31"),
    )
    assert set(f["symbol"]) == {"BTC-PERP"}  # a perpetual, not spot BTC-USD
    assert parsed.issues == []
    # first line of the file: 46319.0,46385.0,46319.0,46377.0,2300413.7295
    assert f.iloc[0][["open", "high", "low", "close", "volume"]].tolist() == [
        46319.0,
        46385.0,
        46319.0,
        46377.0,
        2300413.7295,
    ]


def test_one_minute_file_refuses_a_daily_layout_or_interval(shared_data):
    path = shared_data / NAUTILUS_1M
    with pytest.raises(ParseError, match=r"columns of format 'cryptoquant-ohlcv-csv'") as exc:
        read_file(path, "prices", format="cryptoquant-ohlcv-csv")
    assert exc.value.column == "date"
    assert "timestamp,open,high,low,close,volume" in str(exc.value)
    with pytest.raises(ParseError, match=r"--interval 1d does not match the file: .* 1m apart"):
        read_file(path, "prices", interval="1d")


def test_coarser_and_irregular_bars(shared_data, tmp_path):
    lines = _lines(shared_data / NAUTILUS_1M)[:3001]
    five = _write(tmp_path / "btc-perp_5m.csv", [lines[0], *lines[1::5]])
    assert set(read_file(five, "prices").frame["interval"]) == {"5m"}

    # minutes 101..103 removed: reported as one gap, not filled
    holed = _write(tmp_path / "btc-perp_holes.csv", lines[:101] + lines[104:])
    parsed = read_file(holed, "prices")
    assert len(parsed.frame) == 2997
    assert [(i.reason, i.date) for i in parsed.issues] == [
        ("3 missing 1m bars: not filled", "2022-01-01 00:41..2022-01-01 00:43")
    ]

    shifted = list(lines)
    shifted[50] = shifted[50].replace(":50:00.000000", ":50:30.000000", 1)
    assert shifted[50] != lines[50]
    off = _write(tmp_path / "btc-perp_off_grid.csv", shifted)
    with pytest.raises(ParseError, match="off the 1m grid") as exc:
        read_file(off, "prices")
    assert (exc.value.row, exc.value.column) == (51, "timestamp")


# -- binary files ----------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", [None, "cryptoquant-ohlcv-csv", "canonical-prices"])
def test_xlsx_is_named_binary_never_echoed(shared_data, tmp_path, fmt):
    target = tmp_path / "btc_prices.csv"  # a workbook renamed .csv
    target.write_bytes((shared_data / XLSX).read_bytes())
    with pytest.raises(UnknownFormatError) as exc:
        read_file(target, "prices", format=fmt)
    msg = str(exc.value)
    assert "binary file (Excel xlsx workbook), not a CSV/HTML text" in msg
    assert "PK" not in msg and "\\x" not in msg and "first line" not in msg


def test_gzipped_parquet_and_nul_bytes_are_named(shared_data, tmp_path):
    gz = tmp_path / "btc_trades.csv.gz"
    gz.write_bytes(gzip.compress((shared_data / TRADES_PARQUET).read_bytes()))
    with pytest.raises(UnknownFormatError, match=r"binary file \(gzip of Parquet\)"):
        read_file(gz, "prices")
    nul = tmp_path / "btc_usd_nul.csv"
    nul.write_bytes((shared_data / CQ).read_bytes()[:5000].replace(b",", b"\x00", 3))
    with pytest.raises(UnknownFormatError, match=r"binary file \(binary data \(NUL bytes\)\)"):
        read_file(nul, "prices")


def test_long_text_first_line_is_escaped_and_cut(shared_data, tmp_path):
    lines = _lines(shared_data / CQ)[:20]
    lines[0] = "\t".join(["date", *["Open;High;Low;Close;Volume"] * 20])
    f = _write(tmp_path / "btc_usd_tabs.csv", lines)
    with pytest.raises(UnknownFormatError) as exc:
        read_file(f, "prices")
    msg = str(exc.value)
    assert "first line: 'date\\tOpen;High" in msg
    assert "'…)" in msg
    assert "\t" not in msg


# -- impossible rows -------------------------------------------------------------------------
def _set(line: str, col: int, value: str) -> str:
    parts = line.split(",")
    parts[col] = value
    return ",".join(parts)


def test_impossible_rows_are_kept_out_with_their_rows(shared_data, tmp_path):
    lines = _lines(shared_data / CQ)  # date,Open,High,Low,Close,Volume
    n = len(lines) - 1
    edits = {
        3001: (4, "inf"),  # close
        3002: (1, "-50000"),  # open
        3003: (3, "0"),  # low
        3005: (5, "1e309"),  # volume overflows to inf
    }
    bad = list(lines)
    for i, (col, value) in edits.items():
        bad[i] = _set(bad[i], col, value)
    h, lo = bad[3004].split(",")[2:4]
    bad[3004] = _set(_set(bad[3004], 2, lo), 3, h)  # high and low swapped
    # Copies of a real row dated 1900 and 2099, inserted (no real day is lost).
    bad.insert(4000, _set(lines[4000], 0, "1900-01-01"))
    bad.append(_set(lines[-1], 0, "2099-01-01"))
    f = _write(tmp_path / "btc_usd_damaged.csv", bad)

    parsed = read_file(f, "prices")

    row_issues = {i.row: i.reason for i in parsed.issues if i.row is not None}
    assert row_issues == {
        3002: "infinite price: not stored",
        3003: "zero or negative price: not stored",
        3004: "zero or negative price: not stored",
        3005: "high below low: not stored",
        3006: "volume not finite: not stored",
        4001: "dated far outside the rest of the data (2009-10-05..2026-04-11): not stored",
        n + 3: "dated in the future: not stored",
    }
    assert len(parsed.frame) == 6033 - 5  # MANIFEST: 6,033 priced days, 5 damaged
    f_ts = set(parsed.frame["ts"])
    assert not {_utc("1900-01-01"), _utc("2099-01-01")} & f_ts
    prices = parsed.frame[["open", "high", "low", "close"]]
    assert (prices > 0).all().all() and (parsed.frame["high"] >= parsed.frame["low"]).all()
    damaged_days = {pd.Timestamp(lines[i].split(",")[0], tz="UTC") for i in range(3001, 3006)}
    assert not damaged_days & f_ts
    # the damaged days are holes now, and said so
    gap = [i for i in parsed.issues if "missing day" in i.reason]
    assert [g.reason for g in gap] == ["5 missing days: not filled"]


def test_file_of_mostly_impossible_rows_is_refused(shared_data, tmp_path):
    lines = _lines(shared_data / CQ)[:1]
    real = _lines(shared_data / CQ)[3000:3010]
    rows = [_set(r, 4, "0") if i < 6 else r for i, r in enumerate(real)]
    f = _write(tmp_path / "btc_usd_zeros.csv", lines + rows)
    with pytest.raises(ParseError, match=r"6 of 10 rows hold impossible values") as exc:
        read_file(f, "prices")
    assert exc.value.row == 2


def test_cut_last_line_is_reported_not_stored(shared_data, tmp_path):
    lines = _lines(shared_data / CQ)
    last = lines[-1]  # 2026-04-11,...
    cut = [*lines[:-1], last[: last.index(",") + 6]]  # "2026-04-11,6850" style cut
    f = _write(tmp_path / "btc_usd_cut.csv", cut, newline=False)

    parsed = read_file(f, "prices")

    assert len(parsed.frame) == 6033 - 1
    assert parsed.frame["ts"].iloc[-1] == _utc("2026-04-10")
    issue = next(i for i in parsed.issues if i.row is not None)
    assert (issue.row, issue.reason) == (len(lines), "truncated last line: not stored")
    assert repr(cut[-1]) == issue.detail


def test_cut_inside_the_last_number_without_line_break(shared_data, tmp_path):
    lines = _lines(shared_data / CQ)
    cut = [*lines[:-1], lines[-1].rsplit(",", 1)[0] + ",1e"]  # volume cut to "1e"
    f = _write(tmp_path / "btc_usd_cut_volume.csv", cut, newline=False)
    parsed = read_file(f, "prices")
    assert _utc("2026-04-11") not in set(parsed.frame["ts"])
    assert any(i.reason == "truncated last line: not stored" for i in parsed.issues)


def test_missing_price_inside_the_file_is_reported_by_row(shared_data, tmp_path):
    lines = _lines(shared_data / CQ)[:1000]
    lines[500] = _set(lines[500], 4, "")
    f = _write(tmp_path / "btc_usd_hole.csv", lines)
    parsed = read_file(f, "prices")
    assert [(i.row, i.reason) for i in parsed.issues if i.row] == [
        (501, "missing price (damaged line?): not stored")
    ]


def test_symbol_and_interval_options(shared_data, tmp_path):
    lines = _lines(shared_data / NAUTILUS_1M)[:121]
    f = _write(tmp_path / "bars.csv", lines)
    with pytest.raises(ParseError, match="pass --symbol"):
        read_file(f, "prices")
    parsed = read_file(f, "prices", symbol="BTC-PERP", interval="1m")
    assert (set(parsed.frame["symbol"]), set(parsed.frame["interval"])) == ({"BTC-PERP"}, {"1m"})
    with pytest.raises(ParseError, match="unknown --interval '7m'"):
        read_file(f, "prices", symbol="X", interval="7m")


@pytest.mark.parametrize(
    ("rel", "dataset"),
    [
        ("etf_flows/moltovy_farside_btc_etf_flows_daily.csv", "etf_flows"),
        ("etf_flows/moltovy_artemis_bitcoin_etfs_aum_daily.csv", "etf_flows"),
        ("fed_futures/fred_policy_rates_riskdivergence/EFFR.csv", "rates"),
        ("fed_futures/cme_fedwatch_validation_Mguten/fomc_dates.csv", "fomc_meetings"),
    ],
)
def test_every_csv_layout_reads_the_same_file_as_parquet(shared_data, tmp_path, rel, dataset):
    csv = read_file(shared_data / rel, dataset)
    pq_path = tmp_path / (Path(rel).stem + ".parquet")
    pd.read_csv(shared_data / rel, dtype=str, keep_default_na=False).to_parquet(pq_path)

    parsed = read_file(pq_path, dataset)

    assert parsed.format == csv.format + "+parquet"
    pd.testing.assert_frame_equal(parsed.frame, csv.frame)
    assert [str(i) for i in parsed.issues] == [str(i) for i in csv.issues]


def test_last_line_without_line_break_is_kept_with_a_warning(shared_data, tmp_path):
    lines = _lines(shared_data / CQ)
    f = _write(tmp_path / "btc_usd_no_newline.csv", lines, newline=False)
    parsed = read_file(f, "prices")
    assert len(parsed.frame) == 6033
    issue = next(i for i in parsed.issues if i.row is not None)
    assert issue.row == len(lines)
    assert issue.reason.startswith("no line break after the last line: kept")

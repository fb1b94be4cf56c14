"""Importers for prices, FRED rates and the FOMC calendar, on the real shared files."""

from __future__ import annotations

import contextlib

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowscope.errors import FlowscopeError, ParseError, UnknownFormatError
from flowscope.sources import detect_format, read_file
from flowscope.sources.formats.fomc_calendar import merge_calendars

CQ = "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"

# MANIFEST §5: Dec-25 closes (UTC day), CryptoQuant column.
CHRISTMAS_CQ = {2015: 455.84, 2017: 13801.06, 2021: 50429.65, 2024: 99341.25}


@pytest.mark.parametrize(
    ("rel", "fmt", "source", "symbol", "adjusted", "rows"),
    [
        (CQ, "cryptoquant-ohlcv-csv", "cryptoquant", "BTC-USD", "none", 6033),
        (
            "btc_prices/mathaszip_bitstamp_coinbase_btcusd_daily_2011_2025.csv",
            "candles-unix-csv",
            "bitstamp-coinbase",
            "BTC-USD",
            "none",
            5152,
        ),
        (
            "equities/lragogna_yfinance_NVDA_daily_2015_2025.csv",
            "yfinance-history-csv",
            "yfinance",
            "NVDA",
            "split_dividend",
            2766,
        ),
        (
            "equities/always03_yfinance_NVDA_daily_2013_2023_unadjusted_for_2024_split.csv",
            "yfinance-download-csv",
            "yfinance-download",
            "NVDA",
            "split",
            2768,
        ),
        (
            "equities/moltovy_tradingview_QQQ_nasdaq100_etf_daily.csv",
            "tradingview-csv",
            "tradingview",
            "QQQ",
            "split",
            4716,
        ),
        (
            "macro/market_kittycapital/BTC.csv",
            "yahoo-close-first-csv",
            "yahoo",
            "BTC-USD",
            "none",
            4328,
        ),
    ],
)
def test_price_files_detected_and_parsed(shared_data, rel, fmt, source, symbol, adjusted, rows):
    parsed = read_file(shared_data / rel, "prices")
    assert (parsed.format, parsed.source) == (fmt, source)
    assert len(parsed.frame) == rows
    assert set(parsed.frame["symbol"]) == {symbol}
    assert set(parsed.frame["adjusted"]) == {adjusted}
    assert str(parsed.frame["ts"].dt.tz) == "UTC"


def test_cryptoquant_christmas_closes_and_skipped_leading_rows(shared_data):
    parsed = read_file(shared_data / CQ, "prices")
    f = parsed.frame.set_index("ts")["close"]
    for year, close in CHRISTMAS_CQ.items():
        assert f[pd.Timestamp(f"{year}-12-25", tz="UTC")] == pytest.approx(close, abs=0.005)
    assert parsed.frame["ts"].min() == pd.Timestamp("2009-10-05", tz="UTC")
    assert "275 leading rows without prices skipped" in str(parsed.issues[0])


def test_yfinance_offsets_keep_the_new_york_session_date(shared_data):
    parsed = read_file(
        shared_data / "equities/lragogna_yfinance_NVDA_daily_2015_2025.csv", "prices"
    )
    assert parsed.frame["ts"].iloc[0] == pd.Timestamp("2015-01-02", tz="UTC")
    assert parsed.frame["close"].iloc[0] == pytest.approx(0.4829852283000946)


def test_mathaszip_unusual_column_order(shared_data):
    f = read_file(
        shared_data / "btc_prices/mathaszip_bitstamp_coinbase_btcusd_daily_2011_2025.csv", "prices"
    ).frame
    row = f.set_index("ts").loc[pd.Timestamp("2011-08-19", tz="UTC")]
    assert (row["open"], row["close"], row["high"], row["low"]) == (10.9, 11.69, 11.85, 10.9)


def test_fred_one_series_and_long_files(shared_data):
    effr = read_file(shared_data / "fed_futures/fred_policy_rates_riskdivergence/EFFR.csv", "rates")
    long = read_file(
        shared_data / "fed_futures/fred_policy_rates_riskmodel_2021-05_2026-08_long.csv", "rates"
    )
    dgs10 = read_file(shared_data / "macro/fred_codex_macro_monitor/DGS10.csv", "rates")
    assert (effr.format, len(effr.frame), effr.frame["series"].iloc[0]) == (
        "fred-csv",
        6459,
        "EFFR",
    )
    assert long.format == "fred-long-csv"
    lt = long.frame.set_index(["series", "date"])["value"]
    # MANIFEST §8.1: target range on 2026-07-14 was 3.50-3.75, EFFR 3.63.
    assert lt[("DFEDTARL", pd.Timestamp("2026-07-14"))] == 3.5
    assert lt[("DFEDTARU", pd.Timestamp("2026-07-14"))] == 3.75
    assert lt[("EFFR", pd.Timestamp("2026-07-14"))] == 3.63
    assert "502 rows without an observation skipped" in str(dgs10.issues[0])


def test_fomc_calendar_merge_prefers_decisions_and_flags_kinds(shared_data):
    ff = shared_data / "fed_futures"
    decisions = read_file(
        ff / "transcribed/fomc_meetings_2016_2026_drecompounds.csv", "fomc_meetings"
    ).frame
    dates = read_file(ff / "cme_fedwatch_validation_Mguten/fomc_dates.csv", "fomc_meetings").frame
    history = read_file(ff / "pyfedwatch_fomc_data.csv", "fomc_meetings").frame
    cal = merge_calendars(dates, decisions, history).set_index("meeting_date")
    oct25 = cal.loc[pd.Timestamp("2025-10-29")]
    assert (oct25["kind"], oct25["decision"], oct25["target_lower"], oct25["target_upper"]) == (
        "scheduled",
        "cut",
        3.75,
        4.0,
    )
    assert cal.loc[pd.Timestamp("2025-08-22"), "kind"] == "notation_vote"
    assert cal.loc[pd.Timestamp("2020-03-15"), "kind"] == "unscheduled"
    assert cal.loc[pd.Timestamp("1989-07-07"), "kind"] == "rate_change"
    assert bool(cal.loc[pd.Timestamp("2027-12-08"), "sep"]) is True
    # The export's schedule-only 2024 rows have wrong dates; they are skipped.
    assert pd.Timestamp("2024-06-19") not in cal.index
    assert pd.Timestamp("2024-06-12") in cal.index
    # Sep-2015 liftoff question: held at 0-0.25.
    assert cal.loc[pd.Timestamp("2015-09-17"), "decision"] == "hold"


# -- malformed input: clear message naming file, row and column ------------------------------
def _cq_lines(shared_data) -> list[str]:
    return (shared_data / CQ).read_text().splitlines()


def test_truncated_csv_names_the_line(shared_data, tmp_path):
    lines = _cq_lines(shared_data)[:400]
    lines[-1] = lines[-1][:14]  # cut mid-line after the date
    bad = tmp_path / "btc_usd_truncated.csv"
    bad.write_text("\n".join(lines) + "\n")
    parsed = read_file(bad, "prices")
    cut = [i for i in parsed.issues if i.row is not None]
    assert [(i.row, i.reason) for i in cut] == [(400, "truncated last line: not stored")]
    assert parsed.frame["ts"].max() == pd.Timestamp(lines[-2].split(",")[0], tz="UTC")


def test_non_numeric_value_names_row_and_column(shared_data, tmp_path):
    lines = _cq_lines(shared_data)[:1000]
    parts = lines[500].split(",")
    parts[2] = "12o.5"
    lines[500] = ",".join(parts)
    bad = tmp_path / "btc_usd_bad_value.csv"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(ParseError, match=r"row 501, column 'high': not a number .*'12o.5'") as exc:
        read_file(bad, "prices")
    assert exc.value.path == str(bad)


def test_wrong_column_is_not_recognised(shared_data, tmp_path):
    lines = _cq_lines(shared_data)[:50]
    lines[0] = "date,Open,High,Low,Last,Volume"
    bad = tmp_path / "btc_usd_wrong_column.csv"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(UnknownFormatError, match="first line: 'date,Open,High,Low,Last,Volume'"):
        read_file(bad, "prices")


def test_fred_file_with_text_value(shared_data, tmp_path):
    text = (
        (shared_data / "fed_futures/fred_policy_rates_riskdivergence/EFFR.csv")
        .read_text()
        .splitlines()
    )
    text[10] = text[10].split(",")[0] + ",n/a"
    bad = tmp_path / "EFFR.csv"
    bad.write_text("\n".join(text) + "\n")
    with pytest.raises(ParseError, match=r"row 11, column 'Value'"):
        read_file(bad, "rates")


def test_detect_format_unknown_file(tmp_path):
    f = tmp_path / "notes.csv"
    f.write_text("hello,world\n1,2\n")
    with pytest.raises(UnknownFormatError, match="formats tried"):
        detect_format(f, "prices")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=400), st.sampled_from(["prices", "rates", "fomc_meetings"]))
def test_mangled_input_only_raises_flowscope_errors(tmp_path, shared_data, junk, dataset):
    head = (
        (shared_data / CQ).read_bytes()[:2000]
        if dataset == "prices"
        else (shared_data / "fed_futures/fred_policy_rates_riskdivergence/EFFR.csv").read_bytes()[
            :2000
        ]
        if dataset == "rates"
        else (
            shared_data / "fed_futures/cme_fedwatch_validation_Mguten/fomc_dates.csv"
        ).read_bytes()[:2000]
    )
    cut = len(junk) % len(head)
    f = tmp_path / "btc_mangled.csv"
    f.write_bytes(head[:cut] + junk + head[cut:])
    with contextlib.suppress(FlowscopeError):
        read_file(f, dataset)


def test_strict_dates_never_raises_a_bare_value_error(tmp_path):
    from flowscope.sources._parsing import strict_dates

    df = pd.DataFrame(
        {"d": ["2020-01-01 00:00:00-05:00", "2020-06-01 12:00:00+02:00", "2021-13-45"]}
    )
    with pytest.raises(ParseError, match="'d'"):
        strict_dates(df, "d", path=tmp_path / "x.csv")

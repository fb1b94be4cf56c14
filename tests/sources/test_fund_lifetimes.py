"""Fund lifetimes: the bundled table, and importers that keep cells outside a fund's life out."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from tests.sources._prelaunch import MOLTOVY, zero_before_launch

from flowscope.errors import ParseError
from flowscope.schemas.funds import fund_lifetimes, read_fund_lifetimes
from flowscope.sources import read_file
from flowscope.sources.farside import parse_farside_html
from flowscope.sources.formats.farside import parse_farside_csv

CIYBER = "etf_flows/ciyberpunk_farside_btc_etf_flows_wide_daily.csv"
HTML = "etf_flows/juanbarmo10_farside_btc_page_trimmed_2026-07.html"
AUM = "etf_flows/moltovy_artemis_bitcoin_etfs_aum_daily.csv"
MONTHLY = "etf_flows/moltovy_artemis_bitcoin_etf_flows_monthly.csv"


def test_bundled_table_covers_every_farside_ticker_with_checked_first_days(
    shared_data: Path,
) -> None:
    life = fund_lifetimes().set_index("ticker")
    raw = pd.read_csv(shared_data / MOLTOVY, parse_dates=["date"]).set_index("date")
    ciy = pd.read_csv(shared_data / CIYBER, nrows=1)
    page, _ = parse_farside_html((shared_data / HTML).read_bytes())
    tickers = (set(raw.columns) | set(ciy.columns[1:]) | set(page["fund"])) - {"Total"}
    assert tickers <= set(life.index)
    # the oracle: first non-empty cell of each column in the real file
    first = {c: raw[c].first_valid_index() for c in raw.columns if c != "Total"}
    assert {t: life.loc[t, "first_day"] for t in first} == first
    assert life.loc["BTC", "first_day"] == pd.Timestamp("2024-07-31")
    assert life.loc["MSBT", "first_day"] == pd.Timestamp("2026-04-08")
    assert life["last_day"].isna().all()
    assert (life["first_day_source"].str.len() > 20).all()
    assert life["checked"].str.contains("first non-empty figure").all()


def test_prelaunch_zeros_import_to_the_same_rows_and_are_reported(
    shared_data: Path, tmp_path: Path
) -> None:
    clean = read_file(shared_data / MOLTOVY, "etf_flows")
    zeroed = read_file(zero_before_launch(shared_data, tmp_path / "zeros.csv"), "etf_flows")
    pd.testing.assert_frame_equal(zeroed.frame, clean.frame)
    kept_out = sorted(str(i) for i in zeroed.issues if "before its launch" in i.reason)
    # BTC: 144 rows before 2024-07-31 minus 6 NYSE-holiday rows; MSBT: 576 rows before
    # 2026-04-08 minus the 16 holiday rows (holiday rows are kept out as non-sessions)
    assert kept_out == [
        "file: BTC: 138 zero cells before its launch on 2024-07-31 kept out "
        "[2024-01-11..2024-07-30]",
        "file: MSBT: 560 zero cells before its launch on 2026-04-08 kept out "
        "[2024-01-11..2026-04-07]",
    ]
    assert not [i for i in clean.issues if "launch" in i.reason]


def test_nonzero_figure_before_launch_is_a_loud_data_error(
    shared_data: Path, tmp_path: Path
) -> None:
    p = zero_before_launch(
        shared_data, tmp_path / "bad.csv", set_cell={("2024-07-30", "BTC"): "5.0"}
    )
    got = read_file(p, "etf_flows")
    clean = read_file(shared_data / MOLTOVY, "etf_flows").frame
    pd.testing.assert_frame_equal(got.frame, clean)
    loud = [i for i in got.issues if i.reason.startswith("DATA ERROR BTC")]
    assert len(loud) == 1
    row = pd.read_csv(shared_data / MOLTOVY)["date"].tolist().index("2024-07-30") + 2
    assert (loud[0].row, loud[0].date, loud[0].detail) == (row, "2024-07-30", "2024-07-30 5.0")
    assert "non-zero figure(s) before its launch on 2024-07-31" in loud[0].reason
    assert "BTC: 137 zero cells before its launch" in " ".join(i.reason for i in got.issues)


def test_closed_fund_zeros_after_its_last_day_are_kept_out(shared_data: Path) -> None:
    # BTCW's last non-zero figure in the file is 2026-03-04; pretend the fund closed that day
    extra = fund_lifetimes().query("ticker == 'BTCW'").assign(last_day=pd.Timestamp("2026-03-04"))
    life = fund_lifetimes(extra)
    got = parse_farside_csv(shared_data / MOLTOVY, lifetimes=life)
    raw = pd.read_csv(shared_data / MOLTOVY, parse_dates=["date"])
    after = raw[raw["date"] > "2026-03-04"]
    assert (after["BTCW"] == 0).all()
    btcw = got.frame[got.frame["fund"] == "BTCW"]
    assert btcw["date"].max() == pd.Timestamp("2026-03-04")
    msg = [i.reason for i in got.issues if i.reason.startswith("BTCW:")]
    assert msg == [f"BTCW: {len(after)} zero cells after its last trading day 2026-03-04 kept out"]
    partial = [i for i in got.issues if "partial first release" in i.reason]
    assert [i.detail for i in partial] == ["MSBT"]


def test_html_page_cells_before_a_later_launch_are_kept_out(shared_data: Path) -> None:
    raw = (shared_data / HTML).read_bytes()
    page, _ = parse_farside_html(raw)
    msbt = page[page["fund"] == "MSBT"].set_index("date")["flow_usd"]
    extra = fund_lifetimes().query("ticker == 'MSBT'").assign(first_day=pd.Timestamp("2026-07-15"))
    got, issues = parse_farside_html(raw, lifetimes=fund_lifetimes(extra))
    early = msbt[msbt.index < "2026-07-15"]
    kept = got[got["fund"] == "MSBT"]
    assert kept["date"].min() >= pd.Timestamp("2026-07-15")
    assert len(kept) == len(msbt) - len(early)
    text = " ".join(i.reason for i in issues)
    if (early == 0).any():
        assert f"MSBT: {int((early == 0).sum())} zero cells before its launch" in text
    if (early != 0).any():
        assert f"DATA ERROR MSBT: {int((early != 0).sum())} non-zero" in text


def test_artemis_zero_aum_and_monthly_zeros_before_launch_are_kept_out(
    shared_data: Path,
) -> None:
    aum = read_file(shared_data / AUM, "etf_flows")
    btc = aum.frame[aum.frame["fund"] == "BTC"]
    assert btc["date"].min() == pd.Timestamp("2024-07-31")
    assert btc["aum_usd"].iloc[0] == 18_000_000.0
    assert any(
        i.reason == "BTC: 138 zero cells before its launch on 2024-07-31 kept out"
        for i in aum.issues
    )
    assert (aum.frame["aum_usd"] > 0).all()
    monthly = read_file(shared_data / MONTHLY, "etf_flows_agg")
    mb = monthly.frame[monthly.frame["fund"] == "BTC"]
    assert mb["period_end"].min() == pd.Timestamp("2024-07-31")
    assert any(
        i.reason == "BTC: 6 zero cells before its launch on 2024-07-31 kept out"
        and i.detail == "2024-01-31..2024-06-30"
        for i in monthly.issues
    )


def test_user_fund_table_errors_name_row_and_column(tmp_path: Path) -> None:
    p = tmp_path / "funds.csv"
    p.write_text("ticker,first_day,last_day\nABCD,2025-01-02,\nWXYZ,2025-03-03,2025-02-01\n")
    with pytest.raises(ParseError) as ei:
        read_fund_lifetimes(p)
    assert (ei.value.row, ei.value.column) == (3, "last_day")
    p.write_text("ticker,first_day\nABCD,02/01/2025\n")
    with pytest.raises(ParseError) as ei:
        read_fund_lifetimes(p)
    assert (ei.value.row, ei.value.column) == (2, "first_day")
    p.write_text("ticker,first_day\nabcd,2025-01-02\n")
    assert fund_lifetimes(p).set_index("ticker").loc["ABCD", "first_day"] == pd.Timestamp(
        "2025-01-02"
    )

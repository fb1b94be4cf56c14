"""The brief's ETF-flows section on the bundled real data."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from flowscope.report._brief_model import BriefContext
from flowscope.report.sections.flows import build, flow_figure
from flowscope.sources import read_file
from flowscope.storage import Store


def test_section_on_bundled_data(bundled_store: Store) -> None:
    sec = build(BriefContext.load(bundled_store, pd.Timestamp("2025-11-18")))
    assert sec is not None
    assert sec.key == "flows"
    f = sec.facts
    assert f["date"] == "2025-11-18"
    assert f["total_usd"] == -372.8e6
    assert f["funds_usd"]["IBIT"] == -523.2e6
    assert f["streak_days"] == -5  # 2025-11-12 was an outflow day too
    assert (
        f["sum_5d_usd"]
        == bundled_store.etf_flows(start="2025-11-12", end="2025-11-18", funds="Total")[
            "flow_usd"
        ].sum()
    )
    assert f["largest_1d_outflow_usd"] == -1113.7e6
    text = " ".join(sec.bullets)
    assert "all-fund Total -372.8 $M" in text
    assert "IBIT -523.2 $M" in text
    tab = sec.table.set_index("fund")
    assert tab.loc["IBIT", "latest_musd"] == -523.2
    assert sec.figures
    assert any("farside" in p and "USD" in p for p in sec.provenance)


def test_section_absent_without_flows(store: Store) -> None:
    assert build(BriefContext.load(store, pd.Timestamp("2025-11-18"))) is None


def test_flow_figure_colours() -> None:
    s = pd.Series([5e6, -3e6, 2e6], index=pd.bdate_range("2025-11-17", periods=3))
    fig = flow_figure(s, label="IBIT")
    bars, line = fig.data
    assert list(bars.marker.color) == ["#2e9d5b", "#d64545", "#2e9d5b"]
    assert list(line.y) == [5.0, 2.0, 4.0]
    assert "IBIT" in fig.layout.title.text


def test_section_says_when_flows_lag_the_brief(bundled_store: Store) -> None:
    sec = build(BriefContext.load(bundled_store, pd.Timestamp("2026-04-17")))
    assert sec is not None
    assert sec.facts["date"] == "2026-04-10"
    assert sec.facts["weekdays_behind_asof"] == 5
    assert "flowscope update" in sec.bullets[0]
    fresh = build(BriefContext.load(bundled_store, pd.Timestamp("2026-04-10")))
    assert fresh is not None
    assert fresh.facts["weekdays_behind_asof"] == 0
    assert "flowscope update" not in fresh.bullets[0]


def test_fund_table_lists_every_fund_of_the_window_and_adds_up(bundled_store: Store) -> None:
    sec = build(BriefContext.load(bundled_store, pd.Timestamp("2026-04-10")))
    assert sec is not None
    tab = sec.table.set_index("fund")
    # MSBT reported on 2026-04-08 (30.6) and 04-09 (14.9) but not in the first release of
    # 2026-04-10: it is listed all the same
    assert list(tab.index) == [
        "ARKB", "BITB", "BRRR", "BTC", "BTCO", "BTCW", "EZBC", "FBTC", "GBTC", "HODL", "IBIT",
        "MSBT", "Total",
    ]  # fmt: skip
    assert pd.isna(tab.loc["MSBT", "latest_musd"])
    assert tab.loc["MSBT", ["sum_5d_musd", "sum_20d_musd", "days_20d"]].tolist() == [45.5, 45.5, 2]
    # hand sums over the file: IBIT 181.9 - 17.1 + 40.4 + 269.3 + 137.6 = 612.1 (5 sessions),
    # last 20 rows 804.7; Total 240.4 / 816.9 / 816.3
    assert tab.loc["IBIT", ["latest_musd", "sum_5d_musd", "sum_20d_musd"]].tolist() == [
        137.6,
        612.1,
        804.7,
    ]
    assert tab.loc["Total", ["latest_musd", "sum_5d_musd", "sum_20d_musd"]].tolist() == [
        240.4,
        816.9,
        816.3,
    ]
    funds = tab.drop(index="Total")
    for col in ("latest_musd", "sum_5d_musd", "sum_20d_musd"):
        assert round(funds[col].sum(), 1) == tab.loc["Total", col], col
    note = [b for b in sec.bullets if b.startswith("Fund table:")]
    assert note == [
        "Fund table: MSBT reported in the last 20 sessions but has no figure for 2026-04-10 "
        "(not yet reported, e.g. a partial first release; Farside may revise the day); "
        "the funds that reported add up to the Total (240.4 $M)."
    ]


def test_fund_table_shows_the_gap_when_a_fund_is_not_held(
    shared_data: Path, tmp_path: Path, store: Store
) -> None:
    # the real table without its MSBT column: the Total still holds MSBT's 30.6 and 14.9
    raw = pd.read_csv(shared_data / "etf_flows/moltovy_farside_btc_etf_flows_daily.csv", dtype=str)
    p = tmp_path / "no_msbt.csv"
    raw.drop(columns="MSBT").to_csv(p, index=False)
    parsed = read_file(p, "etf_flows")
    store.upsert("etf_flows", parsed.frame, source="farside")
    sec = build(BriefContext.load(store, pd.Timestamp("2026-04-10")))
    assert sec is not None
    tab = sec.table.set_index("fund")
    assert "MSBT" not in tab.index
    assert tab.loc["funds - Total", ["latest_musd", "sum_5d_musd", "sum_20d_musd"]].tolist() == [
        0.0,
        -45.5,
        -45.5,
    ]
    note = next(b for b in sec.bullets if b.startswith("Fund table:"))
    assert "gap +0.0, 5 sessions -45.5, 20 sessions -45.5 $M" in note

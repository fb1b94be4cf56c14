"""The brief's ETF-flows section on the bundled real data."""

from __future__ import annotations

import pandas as pd

from flowscope.report._brief_model import BriefContext
from flowscope.report.sections.flows import build, flow_figure
from flowscope.storage import Store


def test_section_on_bundled_data(bundled_store: Store) -> None:
    sec = build(BriefContext(store=bundled_store, asof=pd.Timestamp("2025-11-18")))
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
    assert build(BriefContext(store=store, asof=pd.Timestamp("2025-11-18"))) is None


def test_flow_figure_colours() -> None:
    s = pd.Series([5e6, -3e6, 2e6], index=pd.bdate_range("2025-11-17", periods=3))
    fig = flow_figure(s, label="IBIT")
    bars, line = fig.data
    assert list(bars.marker.color) == ["#2e9d5b", "#d64545", "#2e9d5b"]
    assert list(line.y) == [5.0, 2.0, 4.0]
    assert "IBIT" in fig.layout.title.text


def test_section_says_when_flows_lag_the_brief(bundled_store: Store) -> None:
    sec = build(BriefContext(store=bundled_store, asof=pd.Timestamp("2026-04-17")))
    assert sec is not None
    assert sec.facts["date"] == "2026-04-10"
    assert sec.facts["weekdays_behind_asof"] == 5
    assert "flowscope update" in sec.bullets[0]
    fresh = build(BriefContext(store=bundled_store, asof=pd.Timestamp("2026-04-10")))
    assert fresh is not None
    assert fresh.facts["weekdays_behind_asof"] == 0
    assert "flowscope update" not in fresh.bullets[0]

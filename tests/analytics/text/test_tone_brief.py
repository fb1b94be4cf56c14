"""The brief's Fed-tone section on the bundled snapshot (licence-clean texts only)."""

from __future__ import annotations

import pandas as pd
import pytest

from flowscope.report._brief_model import BriefContext
from flowscope.report.sections import tone as tone_section


def test_bundle_holds_licence_clean_texts_only(bundled_store) -> None:
    cov = bundled_store.sql(
        "SELECT source, kind, count(*) AS n FROM fomc_docs GROUP BY 1, 2 ORDER BY 1, 2"
    )
    got = {(r.source, r.kind): r.n for r in cov.itertuples()}
    assert got == {
        ("fed_communications", "minutes"): 59,
        ("fed_communications", "statement"): 62,
        ("fomc_statements", "implementation_note"): 7,
        ("fomc_statements", "statement"): 160,
    }


def test_section_on_the_day_after_the_october_2025_minutes(bundled_store) -> None:
    sec = tone_section.build(BriefContext.load(bundled_store, pd.Timestamp("2025-11-20")))
    assert sec is not None and sec.key == "tone"
    f = sec.facts
    assert (f["kind"], f["meeting_date"], f["release_date"]) == (
        "minutes",
        "2025-10-29",
        "2025-11-19",
    )
    assert f["score"] == pytest.approx((41 - 41) / 153)
    assert f["change"] == pytest.approx((41 - 41) / 153 - (33 - 51) / 147)
    assert 0 <= f["percentile"] <= 100
    assert sec.bullets[0].startswith(
        "Latest FOMC minutes (meeting 2025-10-29, released 2025-11-19)"
    )
    assert any(b.startswith("Hawkish:") for b in sec.bullets)
    assert any(b.startswith("Dovish:") for b in sec.bullets)
    assert sec.figures and sec.table is not None and len(sec.table) == 6


def _fedwatch_panel(shared_data, days: list[str], current_lower: float) -> pd.DataFrame:
    """Real CME FedWatch history (2025-07-30 meeting) reshaped to the fedwatch_panel columns."""
    raw = pd.read_csv(
        shared_data / "fed_futures/cme_fedwatch_history_KDAIer/FedMeeting_20250730.csv"
    )
    raw["watch_date"] = pd.to_datetime(raw["Date"], format="%Y/%m/%d")
    raw = raw[raw["watch_date"].isin(pd.to_datetime(days))]
    long = raw.drop(columns="Date").melt("watch_date", var_name="bucket", value_name="probability")
    bounds = long["bucket"].str.extract(r"\((\d+)-(\d+)\)").astype(float)
    long["target_lower"], long["target_upper"] = bounds[0] / 100, bounds[1] / 100
    long["change_bp"] = (bounds[0] - current_lower * 100).round().astype(int)
    long["meeting_date"] = pd.Timestamp("2025-07-30")
    return long[long["probability"] > 0].drop(columns="bucket").reset_index(drop=True)


def test_section_joins_fedwatch_on_release_day(bundled_store, shared_data, tmp_path) -> None:
    from flowscope.storage import Store

    # the June 2025 minutes were released on 2025-07-09; the target range was 4.25-4.50 %
    rates = bundled_store.rates("DFEDTARL", start="2025-07-09", end="2025-07-09")
    assert rates["value"].iloc[0] == 4.25
    panel = _fedwatch_panel(shared_data, ["2025-07-08", "2025-07-09"], 4.25)
    expected = {
        d: 100
        * panel.loc[(panel["watch_date"] == d) & (panel["change_bp"] < 0), "probability"].sum()
        for d in ("2025-07-08", "2025-07-09")
    }
    s = Store(tmp_path / "t.duckdb")
    docs = bundled_store.read("fomc_docs", where={"source": "fed_communications"})
    s.upsert("fomc_docs", docs.drop(columns=["source", "ts_ingested"]), source="fed_communications")
    s.upsert("fedwatch_panel", panel, source="cme_fedwatch_history")
    sec = tone_section.build(BriefContext.load(s, pd.Timestamp("2025-07-10")))
    s.close()
    assert sec is not None
    assert (sec.facts["kind"], sec.facts["release_date"]) == ("minutes", "2025-07-09")
    fw = sec.facts["fedwatch"]
    assert (fw["meeting"], fw["watch_before"]) == ("2025-07-30", "2025-07-08")
    assert fw["p_cut_before"] == pytest.approx(expected["2025-07-08"])
    assert fw["p_cut_on"] == pytest.approx(expected["2025-07-09"]) == pytest.approx(6.2)
    assert fw["change_pp"] == pytest.approx(expected["2025-07-09"] - expected["2025-07-08"])
    assert any("P(cut) at the 2025-07-30 meeting" in b for b in sec.bullets)


def test_no_texts_no_section(store) -> None:
    assert tone_section.build(BriefContext.load(store, pd.Timestamp("2025-11-20"))) is None

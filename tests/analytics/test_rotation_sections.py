"""The brief's rotation and seasonality sections on the bundled data."""

from __future__ import annotations

import pandas as pd
import pytest

from fixtures.rotation import stores as _stores
from flowscope.report._brief_model import BriefContext
from flowscope.report.brief import build_brief, render_html
from flowscope.report.sections import rotation, seasonality

rotation_store = _stores.rotation_store  # session fixture: bundled data


def test_rotation_section_facts(rotation_store):
    sec = rotation.build(BriefContext.load(rotation_store, pd.Timestamp("2025-11-21")))
    assert sec is not None and sec.key == "rotation"
    assert set(sec.facts) >= {"NVDA", "QQQ", "SMH", "definition"}
    nv = sec.facts["NVDA"]
    assert nv["date"] == "2025-11-21"
    assert -1 <= nv["corr_60"] <= 1
    # the November 2025 ETF outflows push the score towards rotation out of BTC
    assert nv["rotation_score"] > 0
    assert any("NVDA vs BTC" in b for b in sec.bullets)
    assert any("ETF Total over the last 20 flow days to 2025-11-21" in b for b in sec.bullets)
    assert sec.table is not None and sec.table["asset"].tolist()[0] == "NVDA"
    assert len(sec.figures) == 1


def test_seasonality_section_only_in_season(rotation_store):
    out_of_season = BriefContext.load(rotation_store, pd.Timestamp("2025-11-21"))
    assert seasonality.build(out_of_season) is None
    sec = seasonality.build(out_of_season, force=True)
    assert sec is not None
    dec = BriefContext.load(rotation_store, pd.Timestamp("2025-12-20"))
    sec = seasonality.build(dec)
    assert sec is not None
    # ten complete Christmases before Dec 2025: 2015..2024, Dec-25 closes from the MANIFEST
    assert sec.table["year"].tolist() == list(range(2015, 2025))
    assert sec.table.set_index("year").loc[2018, "dec25_close"] == pytest.approx(3788.93, abs=0.01)
    assert sec.bullets[0].startswith("Regime on 2025-12-20:")
    assert any("Dec 24-31 mean return by drawdown" in b for b in sec.bullets)
    assert len(sec.figures) == 1


def test_brief_in_december_has_both_sections(rotation_store):
    brief = build_brief(rotation_store, asof="2025-12-22")
    keys = [s.key for s in brief.sections]
    assert "rotation" in keys and "seasonality" in keys
    assert not [p for p in brief.problems if p.startswith(("rotation", "seasonality"))]
    html = render_html(brief)
    assert 'id="rotation"' in html and 'id="seasonality"' in html

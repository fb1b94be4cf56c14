"""Display units: USD in, $M and % out, in one place; the brief's band sentence follows the default."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from flowscope.analytics import flows as fa
from flowscope.report.units import fmt_musd, fmt_pct, musd


def test_musd_rounds_to_a_tenth_as_farside_publishes():
    # Farside's IBIT 2025-02-25 outflow, -418.1 $M, held in USD
    assert musd(-418_100_000.0) == -418.1
    assert musd(pd.Series([1.25e6, None])).iloc[0] == pytest.approx(1.2)
    assert math.isnan(musd(None))  # type: ignore[arg-type]


def test_missing_amounts_print_a_dash_not_zero():
    assert fmt_musd(float("nan")) == "-"
    assert fmt_pct(float("nan")) == "-"
    assert fmt_musd(-1_113.7e6, signed=False) == "-1,113.7 $M"
    assert fmt_pct(0.5, signed=True) == "+50.0 %"


def test_analytics_return_usd_columns_only():
    s = pd.Series(
        [-10e6, -20e6, 5e6], index=pd.date_range("2024-01-11", periods=3, freq="B"), dtype=float
    )
    tab = fa.largest_outflows(s, 1, top=2)
    assert not [c for c in tab.columns if "musd" in c]
    assert tab["sum_usd"].tolist() == [-20e6, -10e6]
    rec = fa.flow_records(s, fund="X", windows=(1,), top=1).to_frame()
    assert "value_usd" in rec.columns and "value_musd" not in rec.columns


def test_brief_reversal_sentence_reads_the_analytics_default(bundled_store, monkeypatch):
    from flowscope.report._brief_model import BriefContext
    from flowscope.report.sections import flows as section

    monkeypatch.setattr(fa, "REVERSAL_BAND_USD", 100e6)
    monkeypatch.setattr(fa.detect_reversals, "__kwdefaults__", {"window": 5, "band_usd": 100e6})
    sec = section.build(BriefContext.load(bundled_store, pd.Timestamp("2026-04-10")))
    assert sec is not None
    line = next(b for b in sec.bullets if b.startswith("Last regime flip"))
    assert "±100.0 $M" in line

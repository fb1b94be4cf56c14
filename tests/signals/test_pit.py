"""Point-in-time availability per dataset, checked against hand-derived instants."""

from __future__ import annotations

import pandas as pd
import pytest

from flowscope.errors import ValidationError
from flowscope.schemas.datasets import (
    BOOK_SNAPSHOTS,
    ETF_FLOWS,
    FED_FUTURES,
    FOMC_DOCS,
    FOMC_MEETINGS,
    PRICES,
    RATES,
)
from flowscope.signals.pit import asof_view, available_at, decision_times, first_known

UTC = "UTC"


def _ts(s: str) -> pd.Timestamp:
    return pd.Timestamp(s, tz=UTC)


def test_decision_time_is_0930_new_york_in_winter_and_summer():
    got = decision_times(["2025-01-15", "2025-07-15"]).tolist()
    assert got == [_ts("2025-01-15 14:30"), _ts("2025-07-15 13:30")]


def test_etf_flow_of_a_friday_is_known_saturday_morning_new_york():
    f = pd.DataFrame({"date": pd.to_datetime(["2025-11-28", "2025-07-03"]), "fund": "IBIT"})
    # 09:00 EST = 14:00 UTC; 09:00 EDT = 13:00 UTC
    assert available_at(f, ETF_FLOWS).tolist() == [
        _ts("2025-11-29 14:00"),
        _ts("2025-07-04 13:00"),
    ]


def test_prices_btc_at_bar_end_equities_at_the_new_york_close():
    p = pd.DataFrame(
        {
            "ts": pd.to_datetime(
                ["2025-11-28 00:00", "2025-11-28 00:00", "2025-11-28 10:00"], utc=True
            ),
            "symbol": ["BTC-USD", "SMH", "SMH"],
            "interval": ["1d", "1d", "1h"],
        }
    )
    assert available_at(p, PRICES).tolist() == [
        _ts("2025-11-29 00:00"),
        _ts("2025-11-28 21:00"),
        _ts("2025-11-28 11:00"),
    ]


def test_fred_lags_per_series():
    r = pd.DataFrame(
        {
            "series": ["EFFR", "DFEDTARU", "FEDFUNDS", "WALCL"],
            "date": pd.to_datetime(["2025-11-28", "2025-12-11", "2025-11-01", "2025-11-26"]),
        }
    )
    assert available_at(r, RATES).tolist() == [
        _ts("2025-12-01 14:00"),  # Friday's EFFR: Monday 09:00 ET
        _ts("2025-12-11 05:00"),  # target range in force on its date
        _ts("2025-12-01 14:00"),  # November's FEDFUNDS: first business day of December
        _ts("2025-11-27 21:30"),  # weekly: next business day 16:30 ET
    ]


def test_fomc_release_time_known_or_the_release_days_close():
    d = pd.DataFrame(
        {
            "meeting_date": pd.to_datetime(["2025-10-29", "2025-10-29"]),
            "kind": ["statement", "minutes"],
            "release_ts": pd.to_datetime(["2025-10-29 18:00", "2025-11-19 00:00"], utc=True),
        }
    )
    assert available_at(d, FOMC_DOCS).tolist() == [_ts("2025-10-29 18:00"), _ts("2025-11-19 21:00")]


def test_futures_after_the_settlement_and_meetings_in_advance():
    fut = pd.DataFrame({"date": pd.to_datetime(["2023-09-15"]), "contract": ["ZQV23"]})
    assert available_at(fut, FED_FUTURES).iloc[0] == _ts("2023-09-15 21:00")
    m = pd.DataFrame({"meeting_date": pd.to_datetime(["2027-12-08"])})
    assert available_at(m, FOMC_MEETINGS).iloc[0] < _ts("2000-01-01")


def test_dataset_without_declared_availability_is_refused():
    with pytest.raises(ValidationError, match="book_snapshots"):
        available_at(pd.DataFrame({"ts": []}), BOOK_SNAPSHOTS)


def test_asof_view_keeps_only_flows_published_before_the_decision(bundled_store):
    flows = bundled_store.read("etf_flows", where={"fund": "IBIT"}, preferred=True)
    view = asof_view(flows, ETF_FLOWS, decision_times(["2025-11-28"]).iloc[0])
    # Thanksgiving (27th) closed; Friday 28th's flow is published after the decision
    assert view["date"].max() == pd.Timestamp("2025-11-26")


def test_first_known_takes_the_earliest_ingested_version():
    cur = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-11-26"] * 2),
            "fund": ["IBIT", "FBTC"],
            "flow_usd": [50e6, -33.3e6],
            "ts_ingested": [_ts("2025-11-28"), _ts("2025-11-27")],
        }
    )
    rev = cur.iloc[[0]].assign(flow_usd=42.8e6, ts_ingested=_ts("2025-11-27"))
    out = first_known(cur, rev.assign(ts_superseded=_ts("2025-11-28")), ["date", "fund"])
    assert out.set_index("fund")["flow_usd"].to_dict() == {"FBTC": -33.3e6, "IBIT": 42.8e6}

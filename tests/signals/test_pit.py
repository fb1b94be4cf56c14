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
from flowscope.signals.pit import (
    asof_view,
    available_at,
    decision_times,
    first_known,
    pick_asof,
)

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


def _merge_asof_oracle(rows: pd.DataFrame, days: pd.DatetimeIndex) -> pd.DataFrame:
    """pandas' merge_asof: the newest row available at or before each decision."""
    dec = decision_times(days).astype("datetime64[ns, UTC]")
    left = pd.DataFrame({"date": days, "decision_at": dec.to_numpy()})
    right = rows[rows["available_at"].notna()].copy()
    right["available_at"] = right["available_at"].astype("datetime64[ns, UTC]")
    right = right.sort_values(["available_at", "data_date"], kind="stable")
    right = right.drop_duplicates("available_at", keep="last")
    out = pd.merge_asof(
        left, right, left_on="decision_at", right_on="available_at", direction="backward"
    )
    return out.drop(columns="decision_at").set_index("date").sort_index()


def test_pick_asof_matches_merge_asof_on_real_flows(inputs):
    # every fund's real flows: many rows share an availability instant (ties), and the
    # decision days start before the first flow is known (rows filled as missing)
    f = inputs.flows.copy()
    f["date"] = pd.to_datetime(f["date"]).dt.normalize()
    rows = pd.DataFrame(
        {
            "value": f["flow_usd"].astype(float).to_numpy(),
            "state": f["fund"].astype(str).to_numpy(),
            "data_date": f["date"].to_numpy(),
            "flag": (f["flow_usd"] > 0).to_numpy(),
            "available_at": available_at(f, ETF_FLOWS).to_numpy(),
        }
    )
    first = rows["data_date"].min()
    last = rows["data_date"].max() + pd.Timedelta(days=7)
    days = pd.date_range(first - pd.Timedelta(days=5), last, name="date")
    got = pick_asof(rows, days)
    pd.testing.assert_frame_equal(got, _merge_asof_oracle(rows, days))
    # a Friday's flow is known on Saturday 09:30 New York, not on the Friday itself
    fri = rows[rows["data_date"].dt.day_of_week == 4]["data_date"].max()
    assert got.loc[fri + pd.Timedelta(days=1), "data_date"] == fri
    assert got.loc[fri, "data_date"] < fri
    assert got.loc[days[0]].isna().all()
    # all rows known: the dtypes stay those of the rows (no missing row to fill)
    late = pd.DatetimeIndex([days[-1]], name="date")
    pd.testing.assert_frame_equal(pick_asof(rows, late), _merge_asof_oracle(rows, late))
    assert pick_asof(rows, late)["flag"].dtype == bool

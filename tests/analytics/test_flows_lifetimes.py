"""A fund's statistics count only its own sessions, on the real moltovy table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from flowscope.analytics import flows as fa
from flowscope.schemas.funds import fund_lifetimes

MOLTOVY = "etf_flows/moltovy_farside_btc_etf_flows_daily.csv"


def _long(shared_data: Path, *, zeros_before_launch: bool) -> pd.DataFrame:
    """The real table in long form (USD), read with pandas; optionally BTC pre-launch zeros."""
    raw = pd.read_csv(shared_data / MOLTOVY, parse_dates=["date"])
    raw = raw[raw["Total"] != 0]  # the 16 holiday rows
    if zeros_before_launch:
        raw.loc[raw["date"] < "2024-07-31", "BTC"] = 0.0
    long = raw.melt(id_vars="date", var_name="fund", value_name="flow_musd").dropna()
    return long.assign(flow_usd=np.round(long["flow_musd"] * 1e6), source="farside").drop(
        columns="flow_musd"
    )


def test_clip_to_lifetimes_drops_prelaunch_rows_only(shared_data: Path) -> None:
    clean = _long(shared_data, zeros_before_launch=False)
    dirty = _long(shared_data, zeros_before_launch=True)
    assert len(dirty) - len(clean) == 138  # 138 sessions 2024-01-11..2024-07-30
    got = fa.clip_to_lifetimes(dirty, fund_lifetimes())
    key = ["date", "fund"]
    pd.testing.assert_frame_equal(
        got.sort_values(key).reset_index(drop=True), clean.sort_values(key).reset_index(drop=True)
    )


def test_records_of_btc_count_sessions_after_launch(shared_data: Path) -> None:
    dirty = _long(shared_data, zeros_before_launch=True)
    btc = dirty[dirty["fund"] == "BTC"].set_index("date")["flow_usd"]
    rec = fa.flow_records(btc, fund="BTC", launch=pd.Timestamp("2024-07-31"))
    fo = rec.first_outflow
    # hand-checked in the file: BTC's first negative figure is -8.8 on 2024-08-28, the 21st
    # session with a figure from 2024-07-31
    assert (fo["date"], fo["flow_usd"], fo["sessions_after_first"]) == (
        pd.Timestamp("2024-08-28"),
        -8.8e6,
        20,
    )
    assert rec.first_date == pd.Timestamp("2024-07-31")
    note = rec.to_frame().set_index("record").loc["first outflow day", "note"]
    assert note == "20 sessions after launch (2024-07-31)"
    assert round(rec.cumulative_usd / 1e6, 1) == 2194.9
    # without the launch the zeros would count: 158 "sessions" after 2024-01-11
    assert fa.first_outflow(btc)["sessions_after_first"] == 158


def test_cumulative_rank_days_are_the_funds_own_sessions(shared_data: Path) -> None:
    dirty = fa.clip_to_lifetimes(_long(shared_data, zeros_before_launch=True), fund_lifetimes())
    rank = fa.cumulative_rank(fa.flows_wide(dirty)).set_index("fund")
    assert rank.loc["BTC", "days"] == 424  # non-empty BTC cells in the file, all from 2024-07-31
    assert rank.loc["MSBT", "days"] == 2

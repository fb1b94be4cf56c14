"""Claim verdicts on real data: Farside flows, Artemis AUM, CryptoQuant BTC closes.

Expected values are read off the shared files by eye and written here (e.g. the Farside
row for 2025-11-13: IBIT -256.6, Total -866.7 US$ m).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from flowscope.analytics.claims import RESULT_COLUMNS, ClaimData, check_claims
from flowscope.schemas.claims import parse_claims

FLOWS = "etf_flows/moltovy_farside_btc_etf_flows_daily.csv"
AUM = "etf_flows/moltovy_artemis_bitcoin_etfs_aum_daily.csv"


@pytest.fixture(scope="module")
def data(shared_data: Path) -> ClaimData:
    wide = pd.read_csv(shared_data / FLOWS, parse_dates=["date"])
    flows = wide.melt(id_vars="date", var_name="fund", value_name="flow_usd").dropna()
    flows = flows.assign(flow_usd=flows["flow_usd"] * 1e6, source="farside")
    aum = pd.read_csv(shared_data / AUM, parse_dates=["date"])
    aum = aum.melt(id_vars="date", var_name="fund", value_name="aum_usd")
    aum = aum[aum["aum_usd"] > 0].assign(source="artemis")
    return ClaimData(flows=flows, aum=aum)


def _one(text: str, data: ClaimData) -> pd.Series:
    res = check_claims(parse_claims(text).claims, data)
    assert list(res.columns) == RESULT_COLUMNS
    return res.iloc[0]


def test_total_credited_to_ibit_is_misattributed_with_both_series(data: ClaimData) -> None:
    r = _one(
        """
[[claim]]
id = "ibit"
metric = "fund_flow"
fund = "IBIT"
dates = ["2025-11-13", "2025-11-14", "2025-11-17", "2025-11-18"]
values_usd = [-869e6, -492e6, -254e6, -372e6]
tolerance_usd = 5e6
""",
        data,
    )
    assert r["verdict"] == "misattributed"
    assert "the all-fund Total" in r["detail"]
    assert "-866.7 $M, -492.1 $M, -254.6 $M, -372.8 $M" in r["detail"]  # Total
    assert r["measured"] == "-256.6 $M, -463.1 $M, -145.6 $M, -523.2 $M"  # IBIT
    assert (r["dataset"], r["data_start"], r["data_end"]) == (
        "etf_flows",
        "2025-11-13",
        "2025-11-18",
    )


def test_right_fund_is_confirmed_and_wrong_value_contradicted(data: ClaimData) -> None:
    base = """
[[claim]]
id = "c"
metric = "fund_flow"
fund = "Total"
dates = ["2025-11-13"]
values_usd = [{v}]
tolerance_usd = 5e6
"""
    assert _one(base.format(v=-869e6), data)["verdict"] == "confirmed"  # |-866.7+869| = 2.3
    r = _one(base.format(v=-500e6), data)
    assert r["verdict"] == "contradicted"
    assert "366.7 $M" in r["detail"]  # largest gap, by hand: 866.7 - 500


def test_record_run_rank_by_hand(data: ClaimData) -> None:
    r = _one(
        """
[[claim]]
id = "r"
metric = "flow_record"
fund = "IBIT"
start = "2025-11-13"
end = "2025-11-18"
""",
        data,
    )
    # -256.6 - 463.1 - 145.6 - 523.2 = -1388.5: IBIT's largest 4-session outflow.
    assert r["verdict"] == "confirmed"
    assert "-1,388.5 $M" in r["measured"]
    assert r["measured"].startswith("rank 1 of")


def test_aum_peak_contradicts_122_billion(data: ClaimData) -> None:
    r = _one(
        """
[[claim]]
id = "aum"
metric = "aum"
fund = "IBIT"
end = "2025-11-20"
value_usd = 122e9
compare = "gt"
""",
        data,
    )
    # Artemis IBIT AUM peaks at 98,652,216,690 US$ on 2025-10-08.
    assert r["verdict"] == "contradicted"
    assert r["measured"] == "98.7 $B"
    assert "2025-10-08" in r["detail"]


def test_aum_without_data_is_unverifiable_with_the_reason(data: ClaimData) -> None:
    r = check_claims(
        parse_claims(
            '[[claim]]\nid = "a"\nmetric = "aum"\nfund = "IBIT"\nend = "2025-11-20"\n'
            "value_usd = 122e9\n"
        ).claims,
        ClaimData(flows=data.flows),
    ).iloc[0]
    assert r["verdict"] == "unverifiable"
    assert "no AUM held for IBIT" in r["detail"]


def test_outflow_days_in_ibit_first_four_months(data: ClaimData) -> None:
    r = _one(
        """
[[claim]]
id = "o"
metric = "outflow_days"
fund = "IBIT"
start = "2024-01-11"
end = "2024-05-10"
value = 0
compare = "eq"
""",
        data,
    )
    # The Farside file's first IBIT outflow: 2024-05-01, -36.9.
    assert r["verdict"] == "contradicted"
    assert r["measured"] == "1"
    assert "2024-05-01 (-36.9 $M)" in r["detail"]


def test_window_return_by_hand(shared_data: Path) -> None:
    raw = pd.read_csv(next((shared_data / "btc_prices").glob("*cryptoquant*")))
    date_col = next(c for c in raw.columns if "date" in c.lower() or "time" in c.lower())
    close_col = next(c for c in raw.columns if c.lower() == "close")
    ts = pd.to_datetime(raw[date_col], utc=True)
    prices = pd.DataFrame(
        {"ts": ts, "symbol": "BTC-USD", "close": raw[close_col], "high": raw[close_col]}
    )
    close = prices.set_index(ts.dt.tz_localize(None).dt.normalize())["close"]
    by_hand = close[pd.Timestamp("2023-12-31")] / close[pd.Timestamp("2023-12-23")] - 1
    r = check_claims(
        parse_claims(
            '[[claim]]\nid = "w"\nmetric = "window_return"\nyears = [2023]\ndirection = "up"\n'
        ).claims,
        ClaimData(prices=prices.assign(source="cryptoquant")),
    ).iloc[0]
    assert by_hand < 0
    assert r["verdict"] == "contradicted"
    assert r["measured"] == f"2023: {by_hand * 100:+.1f} %"


def test_no_data_claim_keeps_its_reason() -> None:
    r = check_claims(
        parse_claims('[[claim]]\nid = "n"\nmetric = "none"\nreason = "not held"\n').claims,
        ClaimData(),
    ).iloc[0]
    assert (r["verdict"], r["detail"]) == ("unverifiable", "not held")

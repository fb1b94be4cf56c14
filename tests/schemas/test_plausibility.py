"""Plausibility checks per dataset, on real rows (the bundled real-data snapshot) with cells
changed in the test: a date of 1900, a -999 % rate, a ZQ settle of 0 …"""

from __future__ import annotations

from importlib.resources import files

import numpy as np
import pandas as pd
import pytest

from flowscope.errors import ImplausibleDataError
from flowscope.schemas import get_dataset
from flowscope.schemas.plausibility import check_plausible

DATA = files("flowscope") / "data"
NOW = pd.Timestamp("2026-11-30 12:00", tz="UTC")


def _real(name: str) -> pd.DataFrame:
    with (DATA / name).open("rb") as fh:
        return pd.read_parquet(fh)


def _check(dataset: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    spec = get_dataset(dataset)
    assert spec.plausibility is not None
    extra = ("release_ts",) if dataset == "fomc_docs" else ()
    return check_plausible(
        frame,
        spec.plausibility,
        time_column=spec.time_column,
        group_column=spec.group_column,
        extra_time_columns=extra,
        now=NOW,
    )


@pytest.mark.parametrize(
    ("dataset", "name"),
    [
        ("etf_flows", "etf_flows_farside.parquet"),
        ("prices", "prices_btc_cryptoquant.parquet"),
        ("prices", "prices_equities_tradingview.parquet"),
        ("rates", "rates_fred.parquet"),
        ("fomc_meetings", "fomc_meetings.parquet"),
        ("fomc_docs", "fomc_docs_communications.parquet"),
    ],
)
def test_real_snapshot_rows_are_all_plausible(dataset, name):
    frame = _real(name)
    kept, bad = _check(dataset, frame)
    assert bad.empty, bad.head().to_string()
    assert len(kept) == len(frame)


def _one_changed(frame: pd.DataFrame, where: pd.Series, **values) -> tuple[pd.DataFrame, int]:
    out = frame.copy()
    i = int(np.flatnonzero(np.asarray(where))[0])
    for col, v in values.items():
        out.loc[out.index[i], col] = v
    return out, out.index[i]


def test_etf_flow_dated_1900_and_infinite_flow_are_rejected():
    real = _real("etf_flows_farside.parquet")
    f, i = _one_changed(real, real["fund"] == "IBIT", date=pd.Timestamp("1900-01-02"))
    f, j = _one_changed(f, (f["fund"] == "FBTC") & (f.index > i), flow_usd=np.inf)
    kept, bad = _check("etf_flows", f)
    assert list(bad.index) == [i, j]
    assert bad.loc[i, "reason"] == "dated 1900-01-02, before 2024-01-10"
    assert bad.loc[j, "reason"] == "flow_usd is not finite"
    assert len(kept) == len(real) - 2


def test_btc_bar_before_genesis_high_below_low_and_negative_volume_are_rejected():
    real = _real("prices_btc_cryptoquant.parquet")
    day = real["ts"] == pd.Timestamp("2024-03-14", tz="UTC")
    f, i = _one_changed(real, day, low=real.loc[day, "high"].iloc[0] + 1)
    f, j = _one_changed(f, f.index == f.index[10], ts=pd.Timestamp("2008-12-31", tz="UTC"))
    f, k = _one_changed(f, f.index == f.index[20], volume=-5.0)
    _, bad = _check("prices", f)
    assert bad["reason"].to_dict() == {
        j: "dated 2008-12-31, before 2009-01-03",
        k: "volume must be >= 0",
        i: "high below low",
    }


def test_equity_bar_in_1900s_is_kept_btc_prefix_only():
    real = _real("prices_equities_tradingview.parquet")
    f, _ = _one_changed(real, real.index == real.index[0], ts=pd.Timestamp("1995-01-03", tz="UTC"))
    _, bad = _check("prices", f)
    assert bad.empty


def test_rates_minus_999_policy_rate_and_45pct_yield_rejected_walcl_kept():
    real = _real("rates_fred.parquet")
    f, i = _one_changed(real, real["series"] == "EFFR", value=-999.0)
    f, j = _one_changed(f, f["series"] == "DFEDTARU", value=26.0)
    series = set(f["series"])
    extra = []
    if "DGS10" in series:
        f, k = _one_changed(f, f["series"] == "DGS10", value=45.0)
        extra.append(k)
    f, m = _one_changed(f, f.index == f.index[5], date=pd.Timestamp("1900-01-01"))
    _, bad = _check("rates", f)
    assert set(bad.index) == {i, j, m, *extra}
    assert bad.loc[i, "reason"].startswith("policy rate (%) outside [-1, 25]: value=-999")
    # large level series (WALCL, USD millions) have no band: only finiteness
    big = f[~f["series"].str.fullmatch(r"DFEDTAR.*|EFFR|DFF|SOFR.*|IORB|DGS\d+")]
    assert not big.empty


def test_zq_settle_bands_are_open_at_50_closed_at_101():
    # ZQZ25 settled 96.10 on 2025-11-18 (100 - 3.90 %); variants around the band edges.
    base = {
        "date": pd.Timestamp("2025-11-18"),
        "contract": "ZQZ25",
        "contract_month": pd.Timestamp("2025-12-01"),
        "open": np.nan,
        "high": np.nan,
        "low": np.nan,
        "volume": 1000.0,
        "open_interest": 2000.0,
    }
    frame = pd.DataFrame([{**base, "settle": s} for s in (96.10, 101.0, 50.0, 0.0, 101.5)])
    _, bad = _check("fed_futures", frame)
    assert list(bad.index) == [2, 3, 4]
    assert bad.loc[3, "reason"] == "ZQ settle (100 - rate %) outside (50, 101]: settle=0"


def test_fomc_meeting_1900_and_inverted_target_rejected():
    real = _real("fomc_meetings.parquet")
    has = real["target_lower"].notna()
    f, i = _one_changed(real, has, target_lower=5.0, target_upper=4.75)
    f, j = _one_changed(f, f.index == f.index[-1], meeting_date=pd.Timestamp("1900-06-01"))
    _, bad = _check("fomc_meetings", f)
    assert bad["reason"].to_dict() == {
        i: "target_lower above target_upper",
        j: "dated 1900-06-01, before 1936-01-01",
    }


def test_fomc_doc_released_in_the_future_rejected():
    real = _real("fomc_docs_communications.parquet")
    f, i = _one_changed(
        real, real.index == real.index[0], release_ts=pd.Timestamp("2099-01-01", tz="UTC")
    )
    _, bad = _check("fomc_docs", f)
    assert bad.loc[i, "reason"] == "release_ts in the future"
    assert len(bad) == 1


def test_fred_connector_payload_with_negative_walcl_is_quarantined(shared_data):
    # The recorded fredgraph.csv answer for WALCL; one weekly level becomes negative.
    import httpx

    from flowscope.cli._core import screen
    from flowscope.sources.fred import FredSeriesSource

    rel = "http_payloads/fred_fredgraph_WALCL_2002-12-18_2024-12-25__HMM-Model-For-Yield-Rates.csv"
    text = (shared_data / rel).read_text(encoding="utf-8")
    assert "2024-12-18,6889332\n" in text
    changed = text.replace("2024-12-18,6889332\n", "2024-12-18,-6889332\n").encode()
    client = httpx.Client(
        transport=httpx.MockTransport(lambda r: httpx.Response(200, content=changed))
    )
    frame = FredSeriesSource(client).fetch(series="WALCL", start="2024-12-01", end="2024-12-31")
    kept, notes = screen("rates", frame, policy="quarantine", origin="update:fred")
    assert len(frame) == 4 and len(kept) == 3
    assert "2024-12-18" not in set(kept["date"].dt.strftime("%Y-%m-%d"))
    assert "update:fred: 1 implausible row(s) quarantined (not stored)" in notes
    assert any("series=WALCL, date=2024-12-18" in n and "level (>= 0)" in n for n in notes)
    with pytest.raises(ImplausibleDataError, match="2024-12-18"):
        screen("rates", frame, policy="refuse", origin="update:fred")

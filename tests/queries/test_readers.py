"""Queries read the bundled store; figures checked against the bundled files themselves."""

from __future__ import annotations

from importlib.resources import files

import pandas as pd
import pytest

from flowscope.errors import InsufficientDataError
from flowscope.queries import flows, inventory, prices, rates
from flowscope.storage import Store


def _bundle(name: str) -> pd.DataFrame:
    return pd.read_parquet(files("flowscope.data").joinpath(name))


def test_latest_total_flow_is_the_newest_non_blank_farside_total(bundled_store):
    raw = _bundle("etf_flows_farside.parquet")
    total = raw[(raw["fund"] == "Total") & raw["flow_usd"].notna()]
    newest = pd.Timestamp(total["date"].max())
    got = flows.latest_total_flow(bundled_store, asof=newest + pd.Timedelta(days=30))
    assert pd.Timestamp(got["date"].iloc[0]) == newest
    want = total.loc[pd.to_datetime(total["date"]) == newest, "flow_usd"].iloc[0]
    assert got["flow_usd"].iloc[0] == pytest.approx(want)


def test_latest_total_flow_before_the_first_etf_day_is_empty(bundled_store):
    assert flows.latest_total_flow(bundled_store, asof=pd.Timestamp("2023-12-31")).empty


def test_latest_rates_take_the_newest_value_on_or_before_the_day(bundled_store):
    raw = _bundle("rates_fred.parquet")
    effr = raw[(raw["series"] == "EFFR") & raw["value"].notna()]
    effr = effr[pd.to_datetime(effr["date"]) <= "2024-07-31"]
    want = effr.loc[pd.to_datetime(effr["date"]).idxmax()]
    got = rates.latest_rates(bundled_store, ["EFFR"], asof=pd.Timestamp("2024-07-31"))
    assert list(got["series"]) == ["EFFR"]
    assert pd.Timestamp(got["date"].iloc[0]) == pd.Timestamp(want["date"])
    assert got["value"].iloc[0] == pytest.approx(want["value"])


def test_load_close_of_an_unheld_symbol_names_what_is_held(bundled_store):
    with pytest.raises(InsufficientDataError, match="no daily prices held for XYZ"):
        prices.load_close(bundled_store, "XYZ")


def test_price_inventory_counts_every_daily_btc_bar(bundled_store):
    inv = prices.price_inventory(bundled_store, "1d")
    btc = bundled_store.read("prices", where={"symbol": "BTC-USD", "interval": "1d"})
    assert inv.loc[inv["symbol"] == "BTC-USD", "bars"].sum() == len(btc)


def test_has_data_is_false_on_a_new_store_and_true_once_a_row_is_held(tmp_path, bundled_store):
    with Store(tmp_path / "s.duckdb") as s:
        assert not inventory.has_data(s)
        meetings = bundled_store.fomc_meetings().drop(columns=["ts_ingested"], errors="ignore")
        s.upsert("fomc_meetings", meetings.head(1))
        assert inventory.has_data(s)


def test_newest_held_groups_by_column_and_source(bundled_store):
    got = inventory.newest_held(bundled_store, "rates", source="fred", group="series")
    raw = _bundle("rates_fred.parquet")
    assert got["EFFR"] == pd.Timestamp(raw.loc[raw["series"] == "EFFR", "date"].max())

"""The DuckDB store: idempotent transactional upserts, revisions, coverage, gaps, migrations."""

from __future__ import annotations

import pandas as pd
import pytest

from flowscope.errors import UnknownDatasetError, ValidationError
from flowscope.schemas import DATASETS
from flowscope.storage import Store
from flowscope.storage._ddl import create_table_sql

# Farside, 2025-11-13..18 (MANIFEST §3), USD.
NOV = pd.DataFrame(
    {
        "date": ["2025-11-13", "2025-11-14", "2025-11-17", "2025-11-18"] * 2,
        "fund": ["IBIT"] * 4 + ["Total"] * 4,
        "flow_usd": [
            -256.6e6, -463.1e6, -145.6e6, -523.2e6, -866.7e6, -492.1e6, -254.6e6, -372.8e6,
        ],
    }
)  # fmt: skip


def _content(store: Store) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: the store's content for byte-for-byte comparisons."""
    tables = [r[0] for r in store.connection.execute("SHOW TABLES").fetchall()]
    return {
        t: sorted(map(str, store.connection.execute(f"SELECT * FROM {t}").fetchall()))
        for t in tables
    }


def test_upsert_same_rows_twice_changes_nothing(store):
    first = store.upsert("etf_flows", NOV, source="farside")
    before = _content(store)
    second = store.upsert("etf_flows", NOV, source="farside")
    after = _content(store)
    assert (first.inserted, first.updated, first.unchanged) == (8, 0, 0)
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 8)
    assert {k: v for k, v in before.items() if k != "ingest_log"} == {
        k: v for k, v in after.items() if k != "ingest_log"
    }


def test_upsert_changed_value_replaces_row_and_keeps_revision(store):
    store.upsert("etf_flows", NOV, source="farside")
    revised = NOV.copy()
    revised.loc[3, "flow_usd"] = -500.0e6
    res = store.upsert("etf_flows", revised, source="farside")
    held = store.etf_flows(funds="IBIT", start="2025-11-18", end="2025-11-18")
    rev = store.revisions("etf_flows", fund="IBIT")
    assert (res.inserted, res.updated, res.unchanged) == (0, 1, 7)
    assert held["flow_usd"].tolist() == [-500.0e6]
    assert rev["flow_usd"].tolist() == [-523.2e6]


def test_sources_are_kept_apart(store):
    store.upsert("etf_flows", NOV, source="farside")
    store.upsert("etf_flows", NOV.assign(flow_usd=NOV["flow_usd"] + 1), source="sosovalue")
    both = store.etf_flows(funds="Total", start="2025-11-13", end="2025-11-13")
    assert sorted(both["source"]) == ["farside", "sosovalue"]


def test_failed_batch_in_transaction_leaves_store_unchanged(store):
    store.upsert("etf_flows", NOV, source="farside")
    before = _content(store)

    def batch():
        with store.transaction():
            store.upsert("etf_flows", NOV.assign(flow_usd=0.0), source="farside")
            store.upsert("etf_flows", NOV.assign(fund=None), source="farside")  # NULL key

    with pytest.raises(ValidationError):
        batch()
    assert _content(store) == before


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (NOV.assign(extra=1), "unknown column"),
        (NOV.drop(columns="fund"), "key column"),
        (pd.concat([NOV, NOV.head(1)]), "duplicate keys"),
        (NOV.assign(date=None), "'date' is empty"),
        (NOV.assign(flow_usd="abc"), "cannot be converted"),
    ],
)
def test_upsert_rejects_bad_frames_and_writes_nothing(store, frame, match):
    before = _content(store)
    with pytest.raises(ValidationError, match=match):
        store.upsert("etf_flows", frame, source="farside")
    assert _content(store) == before


def test_unknown_dataset_names_the_known_ones(store):
    with pytest.raises(UnknownDatasetError, match="known datasets: book_snapshots"):
        store.read("etf_flow")


def test_read_filters_and_types(store):
    store.upsert("etf_flows", NOV, source="farside")
    df = store.read("etf_flows", start="2025-11-14", end="2025-11-17", where={"fund": ["Total"]})
    assert df["date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-11-14", "2025-11-17"]
    assert df["flow_usd"].tolist() == [-492.1e6, -254.6e6]
    assert str(df["ts_ingested"].dt.tz) == "UTC"


def test_coverage_counts_rows_and_ranges(store):
    store.upsert("etf_flows", NOV, source="farside")
    cov = store.coverage()
    row = cov[cov["dataset"] == "etf_flows"].iloc[0]
    assert set(cov["dataset"]) == set(DATASETS)
    assert (row["source"], row["rows"]) == ("farside", 8)
    assert (f"{row['start']:%Y-%m-%d}", f"{row['end']:%Y-%m-%d}") == ("2025-11-13", "2025-11-18")
    by_fund = store.coverage("etf_flows", by_group=True)
    assert sorted(by_fund["group"]) == ["IBIT", "Total"]


def test_missing_intervals_uses_nyse_sessions(store):
    store.upsert("etf_flows", NOV, source="farside")
    gaps = store.missing_intervals(
        "etf_flows", start="2025-11-10", end="2025-12-01", where={"fund": "IBIT"}
    )
    days = [(f"{a:%m-%d}", f"{b:%m-%d}") for a, b in gaps]
    # 11-15/16 weekend; 11-27 Thanksgiving is not a session.
    assert days == [("11-10", "11-12"), ("11-19", "12-01")]


def test_missing_intervals_every_day_for_btc(store):
    ts = pd.to_datetime(["2025-12-24", "2025-12-26"]).tz_localize("UTC")
    bars = pd.DataFrame(
        {"ts": ts, "symbol": "BTC-USD", "interval": "1d", "close": [1.0, 2.0], "adjusted": "none"}
    )
    store.upsert("prices", bars, source="test")
    gaps = store.missing_intervals("prices", start="2025-12-24", end="2025-12-27")
    assert [(f"{a:%d}", f"{b:%d}") for a, b in gaps] == [("25", "25"), ("27", "27")]


def test_migrations_are_recorded_and_reapplying_is_a_no_op(tmp_path):
    path = tmp_path / "m.duckdb"
    with Store(path) as s:
        version = s.schema_version()
        assert version >= 1
    with Store(path) as s:
        assert s.migrate() == []
        assert s.schema_version() == version


def test_initial_migration_matches_the_dataset_specs():
    from importlib.resources import files

    sql = (files("flowscope.storage") / "migrations" / "0001_init.sql").read_text()
    for name in (
        "etf_flows",
        "prices",
        "rates",
        "fomc_meetings",
        "fed_futures",
        "fomc_docs",
        "book_snapshots",
    ):
        assert create_table_sql(DATASETS[name]) in sql

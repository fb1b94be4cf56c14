"""Opening the store: read-only opens never create a file, share the store with other
readers, and say plainly when a writer holds it or when the store predates a migration.

Every store is a real DuckDB file loaded with the real Farside per-fund table
(``etf_flows/moltovy_farside_btc_etf_flows_daily.csv``: IBIT +111.7 $M on 2024-01-11, the
first trading day of the spot ETFs, and +137.6 $M on 2026-04-10, its last row).
"""

from __future__ import annotations

import pytest

from flowscope.errors import StorageError
from flowscope.storage import Store


def _ibit(store: Store) -> dict[str, float]:
    df = store.etf_flows(funds="IBIT", start="2024-01-11", end="2024-01-11")
    df2 = store.etf_flows(funds="IBIT", start="2026-04-10", end="2026-04-10")
    return {
        "2024-01-11": float(df["flow_usd"].iloc[0]),
        "2026-04-10": float(df2["flow_usd"].iloc[0]),
    }


def test_read_only_open_of_a_missing_store_creates_nothing(tmp_path):
    db = tmp_path / "sub" / "none.duckdb"
    with pytest.raises(StorageError, match=f"no store at {db}"):
        Store(db, read_only=True)
    assert not db.exists()
    assert not db.parent.exists()


def test_two_processes_read_at_once(farside_db, hold):
    hold(farside_db, "ro")
    with Store(farside_db, read_only=True) as store:
        assert _ibit(store) == {"2024-01-11": 111.7e6, "2026-04-10": 137.6e6}


def test_reader_while_a_writer_holds_the_store_gets_one_plain_line(farside_db, hold):
    hold(farside_db, "rw")
    with pytest.raises(StorageError) as info:
        Store(farside_db, read_only=True)
    assert str(info.value) == (
        f"the store {farside_db} is being written by another flowscope process; "
        "try again when it finishes"
    )
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_writer_while_a_reader_holds_the_store_gets_one_plain_line(farside_db, hold):
    hold(farside_db, "ro")
    with pytest.raises(StorageError, match=r"^the store .* is open in another flowscope process"):
        Store(farside_db)


def test_store_of_an_older_schema_reads_what_it_holds(farside_db):
    # the store as flowscope left it before migrations 0003 and later existed
    with Store(farside_db) as store:
        latest = store.schema_version()
        store.connection.execute(
            "DROP TABLE fedwatch_panel; DROP TABLE fedwatch_reference; "
            "DROP TABLE ingested_files; DROP TABLE tone_score_cache; DROP TABLE prediction_markets"
        )
        store.connection.execute("DELETE FROM schema_migrations WHERE version >= 3")
    with Store(farside_db, read_only=True) as store:
        assert store.schema_version() == 2 and store.is_outdated()
        assert _ibit(store)["2024-01-11"] == 111.7e6
        assert "fedwatch_panel" not in store.datasets()
        with pytest.raises(StorageError, match=r"schema version 2, older than .*`flowscope init"):
            store.read("fedwatch_panel")
    with Store(farside_db) as store:  # a writable open (flowscope init) upgrades it
        assert store.schema_version() == latest and not store.is_outdated()
    with Store(farside_db, read_only=True) as store:
        assert store.read("fedwatch_panel").empty

"""``Store.sql`` runs read-only queries only: anything that writes is refused, unrun."""

from __future__ import annotations

import pandas as pd
import pytest

from flowscope.errors import ValidationError

# Farside, 2025-11-17..18 (MANIFEST §3), USD.
ROWS = pd.DataFrame(
    {
        "date": ["2025-11-17", "2025-11-18"],
        "fund": ["Total", "Total"],
        "flow_usd": [-254.6e6, -372.8e6],
    }
)


@pytest.fixture
def filled(store):
    store.upsert("etf_flows", ROWS, source="farside")
    return store


def _rows(store) -> list[tuple]:
    return store.connection.execute(
        "SELECT date, fund, flow_usd FROM etf_flows ORDER BY date"
    ).fetchall()


@pytest.mark.parametrize(
    "query",
    [
        "DELETE FROM etf_flows",
        "DROP TABLE etf_flows",
        "UPDATE etf_flows SET flow_usd = 0",
        "INSERT INTO etf_flows (date, fund, source) VALUES ('2026-01-02', 'X', 'x')",
        "COPY (SELECT * FROM etf_flows) TO '{out}'",
        "COPY etf_flows TO '{out}'",
        "ATTACH '{db}' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "PRAGMA disable_checkpoint_on_shutdown",
        "SET threads = 1",
        "CREATE TABLE t AS SELECT 1",
        "SELECT 1; DELETE FROM etf_flows",
        "WITH d AS (DELETE FROM etf_flows RETURNING *) SELECT count(*) FROM d",
        "SELECT * FROM (WITH u AS (UPDATE etf_flows SET flow_usd = 0 RETURNING *) SELECT * FROM u)",
        "CALL pragma_version()",
    ],
)
def test_sql_write_statements_are_refused_and_store_unchanged(filled, tmp_path, query):
    before = _rows(filled)
    out = tmp_path / "leak.csv"
    with pytest.raises(ValidationError, match="read-only"):
        filled.sql(query.format(out=out, db=tmp_path / "other.duckdb"))
    assert _rows(filled) == before
    assert len(before) == 2
    assert not out.exists()
    assert not (tmp_path / "other.duckdb").exists()


@pytest.mark.parametrize(
    ("query", "params", "expected"),
    [
        ("SELECT sum(flow_usd) AS s FROM etf_flows", [], -627.4e6),
        ("WITH t AS (SELECT * FROM etf_flows WHERE date = ?) SELECT flow_usd AS s FROM t",
         ["2025-11-18"], -372.8e6),
        ("SELECT min(flow_usd) AS s FROM etf_flows UNION ALL SELECT NULL LIMIT 1", [], -372.8e6),
    ],
)  # fmt: skip
def test_sql_read_queries_still_run(filled, query, params, expected):
    got = filled.sql(query, params)
    assert got["s"].iloc[0] == pytest.approx(expected)

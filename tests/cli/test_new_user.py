"""What a new user meets first: reading commands with no store, an empty store, the test
suite's data variable, and two flowscope processes on one store.

The store is a real DuckDB file loaded with the real Farside per-fund table
(``etf_flows/moltovy_farside_btc_etf_flows_daily.csv``: IBIT +111.7 $M on 2024-01-11).
"""

from __future__ import annotations

import json
import sys

import pytest
from typer.testing import CliRunner

from flowscope.cli import app
from flowscope.storage import Store

runner = CliRunner()
READING = [
    ["status"],
    ["brief"],
    ["prices"],
    ["flows", "show"],
    ["flows", "revisions"],
    ["tone", "history"],
    ["rotation"],
    ["season", "calendar"],
]


def test_status_without_a_store_says_how_to_make_one_and_creates_nothing(tmp_path, monkeypatch):
    data_dir = tmp_path / "user-data"
    monkeypatch.setenv("FLOWSCOPE_DATA_DIR", str(data_dir))
    res = runner.invoke(app, ["status"])
    assert res.exit_code == 4, res.output
    expected = data_dir / "flowscope.duckdb"
    assert f"no store at {expected}" in res.stderr
    assert "flowscope init" in res.stderr and ".flowscope/brief.duckdb" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
    assert res.stdout == ""
    assert not data_dir.exists()


@pytest.mark.parametrize("command", READING, ids=" ".join)
def test_reading_commands_never_create_a_store(tmp_path, command):
    db = tmp_path / "new" / "s.duckdb"
    res = runner.invoke(app, ["--db", str(db), *command])
    assert res.exit_code == 4, res.output
    assert f"no store at {db}" in res.stderr
    assert "Traceback" not in res.output
    assert not db.parent.exists()


def test_brief_on_an_empty_store_says_nothing_is_held(tmp_path):
    db = tmp_path / "empty.duckdb"
    Store(db).close()
    res = runner.invoke(app, ["--db", str(db), "brief", "--asof", "2026-04-13"])
    assert res.exit_code == 4, res.output
    assert f"the store {db} holds no data" in res.stderr
    assert "flowscope init" in res.stderr and "flowscope import" in res.stderr
    assert res.stdout == ""


def test_status_of_a_store_without_rows_lists_every_dataset_at_zero(tmp_path):
    db = tmp_path / "bare.duckdb"
    assert runner.invoke(app, ["--db", str(db), "init", "--no-bundle"]).exit_code == 0
    res = runner.invoke(app, ["--db", str(db), "status", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)
    assert {r["dataset"] for r in rows} >= {"etf_flows", "prices", "rates", "fomc_docs"}
    assert all(r["rows"] == 0 and r["newest_date"] is None for r in rows)


def test_test_data_variable_is_not_an_unknown_setting(farside_db, shared_data, monkeypatch):
    monkeypatch.setenv("FLOWSCOPE_SHARED_DATA", str(shared_data))
    res = runner.invoke(app, ["--db", str(farside_db), "status", "--format", "json"])
    assert res.exit_code == 0, res.output
    rows = {r["dataset"]: r for r in json.loads(res.stdout)}
    assert rows["etf_flows"]["newest_date"] == "2026-04-10"


def test_a_reader_runs_while_another_process_reads(farside_db, hold):
    hold(farside_db, "ro")
    day = ["--start", "2024-01-11", "--end", "2024-01-11"]
    res = runner.invoke(
        app, ["--db", str(farside_db), "flows", "show", "--fund", "IBIT", *day, "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    (row,) = json.loads(res.stdout)
    assert (row["fund"], row["flow_musd"]) == ("IBIT", 111.7)


def test_a_reader_while_a_writer_holds_the_store_gets_one_line(farside_db, hold):
    hold(farside_db, "rw")
    res = runner.invoke(app, ["--db", str(farside_db), "status"])
    assert res.exit_code == 1
    assert res.stderr.strip() == (
        f"error: the store {farside_db} is being written by another flowscope process; "
        "try again when it finishes"
    )
    assert "IO Error" not in res.output and "lock" not in res.output


def test_an_unexpected_error_ends_in_one_line_not_a_traceback(monkeypatch, tmp_path, capsys):

    import flowscope.queries.inventory as inventory
    from flowscope.cli import main
    from flowscope.storage import Store

    db = tmp_path / "s.duckdb"
    Store(db).close()

    def broken(*args, **kwargs):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(inventory, "input_freshness", broken)
    monkeypatch.setattr(sys, "argv", ["flowscope", "--db", str(db), "status"])
    with pytest.raises(SystemExit) as info:
        main()
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "error: unexpected RuntimeError: boom" in err
    assert "Traceback" not in err and "second line" not in err
    assert "FLOWSCOPE_DEBUG=1" in err
    # FLOWSCOPE_DEBUG shows the real exception (and is not an unknown setting)
    monkeypatch.setenv("FLOWSCOPE_DEBUG", "1")
    with pytest.raises(RuntimeError, match="boom"):
        main()

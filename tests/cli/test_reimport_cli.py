"""Re-importing an identical file is answered "unchanged" from its SHA-256, without parsing."""

from __future__ import annotations

import hashlib

from typer.testing import CliRunner

from flowscope.cli import app
from flowscope.storage import Store

runner = CliRunner()
CQ = "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"


def _run(db, *args):
    return runner.invoke(app, ["--db", str(db), "import", *args], env={"COLUMNS": "400"})


def _log(db):
    with Store(db) as s:
        return s.sql("SELECT dataset, inserted, updated, unchanged FROM ingest_log ORDER BY id")


def _close_on(db, day):
    with Store(db) as s:
        return float(s.sql(f"SELECT close FROM prices WHERE ts = TIMESTAMP '{day}'").iloc[0, 0])


def test_identical_file_is_unchanged_and_not_read_again(tmp_path, shared_data):
    db, f = tmp_path / "s.duckdb", shared_data / CQ
    first = _run(db, "prices", str(f))
    again = _run(db, "prices", str(f))
    assert first.exit_code == 0 and "+6,033 new" in first.stdout
    assert again.exit_code == 0
    sha = hashlib.sha256(f.read_bytes()).hexdigest()
    assert f"unchanged (same content, sha256 {sha[:12]}" in again.stdout
    assert "nothing read" in again.stdout and "warning" not in again.stderr
    assert len(_log(db)) == 1  # no second ingest was run


def test_force_reads_the_file_again(tmp_path, shared_data):
    db, f = tmp_path / "s.duckdb", shared_data / CQ
    _run(db, "prices", str(f))
    res = _run(db, "prices", str(f), "--force")
    assert res.exit_code == 0 and "+0 new, 0 changed, 6,033 unchanged" in res.stdout
    assert len(_log(db)) == 2


def test_same_content_with_other_options_is_read(tmp_path, shared_data):
    db, f = tmp_path / "s.duckdb", shared_data / CQ
    _run(db, "prices", str(f))
    res = _run(db, "prices", str(f), "--source-name", "cq-copy")
    assert "unchanged (same content" not in res.stdout
    assert "+6,033 new" in res.stdout  # a second source's rows


def test_a_later_import_overwriting_the_rows_makes_the_old_file_read_again(tmp_path, shared_data):
    db, f = tmp_path / "s.duckdb", shared_data / CQ
    lines = f.read_text().splitlines(keepends=True)
    day = lines[-1].split(",")[0]
    cells = lines[-1].rstrip("\n").split(",")
    header = lines[0].rstrip("\n").split(",")
    i = header.index("Close")
    original_close = float(cells[i])
    cells[i] = f"{original_close * 1.01:.2f}"
    edited = tmp_path / f.name
    edited.write_text("".join(lines[:-1]) + ",".join(cells) + "\n")
    _run(db, "prices", str(f))
    res_edit = _run(db, "prices", str(edited))
    assert "1 changed" in res_edit.stdout
    res = _run(db, "prices", str(f))
    assert "unchanged (same content" not in res.stdout and "1 changed" in res.stdout
    assert _close_on(db, day) == original_close


def test_deleting_the_rows_makes_the_file_read_again(tmp_path, shared_data):
    db, f = tmp_path / "s.duckdb", shared_data / CQ
    _run(db, "prices", str(f))
    with Store(db) as s:
        s.delete("prices", source=str(s.sql("SELECT any_value(source) FROM prices").iloc[0, 0]))
    res = _run(db, "prices", str(f))
    assert "+6,033 new" in res.stdout


def test_dry_run_records_nothing(tmp_path, shared_data):
    db, f = tmp_path / "s.duckdb", shared_data / CQ
    _run(db, "prices", str(f), "--dry-run")
    res = _run(db, "prices", str(f))
    assert "+6,033 new" in res.stdout

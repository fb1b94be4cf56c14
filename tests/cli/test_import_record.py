"""The record of imported files beside the store (``<store>.imports.json``).

An unchanged re-import is answered from it without DuckDB while the store has not been
written since; any later write makes it untrusted, and a missing, corrupt or foreign record
only sends the check to the store.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from flowscope.cli import app
from flowscope.storage import Store
from flowscope.storage._records import lookup_record, record_path

SRC = Path(__file__).resolve().parents[2] / "src"
CQ = "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"
NO_OPTIONS = '{"format": null, "interval": null, "source": null, "symbol": null}'
runner = CliRunner()


def _run(db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), "import", *args], env={"COLUMNS": "400"})


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _log_rows(db: Path) -> int:
    with Store(db, read_only=True) as s:
        return len(s.sql("SELECT id FROM ingest_log"))


def test_reimport_is_answered_from_the_record_without_duckdb(tmp_path, shared_data):
    f, db = shared_data / CQ, tmp_path / "s.duckdb"
    env = {**os.environ, "PYTHONPATH": str(SRC), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    env = {k: v for k, v in env.items() if not k.startswith("FLOWSCOPE_")}
    probe = (
        "import sys\nfrom flowscope.cli import main\nsys.argv = ['flowscope', *sys.argv[1:]]\n"
        "try:\n    main()\nfinally:\n    print('LOADED:' + ','.join(m for m in "
        "('duckdb', 'typer', 'pandas', 'rich') if m in sys.modules), file=sys.stderr)\n"
    )
    args = [sys.executable, "-c", probe, "--db", str(db), "import", "prices", str(f)]
    first = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    assert first.returncode == 0 and "+6,033 new" in first.stdout
    doc = json.loads(record_path(db).read_text(encoding="utf-8"))
    assert [e["sha256"] for e in doc["files"]] == [_sha(f)]
    again = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    assert again.returncode == 0
    assert f"{f}: unchanged (same content, sha256 {_sha(f)[:12]}…" in again.stdout
    assert again.stderr.strip().splitlines()[-1] == "LOADED:"  # no DuckDB, typer, pandas, rich
    assert _log_rows(db) == 1


def test_a_later_write_to_the_store_makes_the_record_untrusted(tmp_path, shared_data):
    f, db = shared_data / CQ, tmp_path / "s.duckdb"
    assert _run(db, "prices", str(f)).exit_code == 0
    assert lookup_record(db, _sha(f), "prices", NO_OPTIONS) is not None
    # a write by another program, without the writers' lock: the rows of the file change
    with Store(db) as s:
        s.connection.execute("UPDATE prices SET close = close * 2")
    assert lookup_record(db, _sha(f), "prices", NO_OPTIONS) is None
    # the store still says "unchanged" (no ingest overwrote the file's rows) ...
    res = _run(db, "prices", str(f))
    assert "unchanged (same content" in res.stdout
    # ... and that check brings the record up to date again
    assert lookup_record(db, _sha(f), "prices", NO_OPTIONS) is not None


def test_a_later_import_over_the_same_rows_removes_the_file_from_the_record(tmp_path, shared_data):
    f, db = shared_data / CQ, tmp_path / "s.duckdb"
    text = f.read_text(encoding="utf-8").splitlines(keepends=True)
    header = text[0].rstrip("\n").split(",")
    cells = text[-1].rstrip("\n").split(",")
    i = header.index("Close")
    cells[i] = f"{float(cells[i]) * 1.01:.2f}"
    edited = tmp_path / f.name
    edited.write_text("".join(text[:-1]) + ",".join(cells) + "\n", encoding="utf-8")
    _run(db, "prices", str(f))
    res_edit = _run(db, "prices", str(edited))  # one cell edited: read and stored
    assert "unchanged (same content" not in res_edit.stdout and "1 changed" in res_edit.stdout
    doc = json.loads(record_path(db).read_text(encoding="utf-8"))
    assert [e["sha256"] for e in doc["files"]] == [_sha(edited)]
    assert lookup_record(db, _sha(f), "prices", NO_OPTIONS) is None
    res = _run(db, "prices", str(f))
    assert "1 changed" in res.stdout


def test_a_corrupt_or_foreign_record_falls_back_to_the_store(tmp_path, shared_data):
    f, db = shared_data / CQ, tmp_path / "s.duckdb"
    _run(db, "prices", str(f))
    rec = record_path(db)
    good = rec.read_text(encoding="utf-8")
    for bad in (good[: len(good) // 2], "", "[]", good.replace("flowscope-imports/1", "other/9")):
        rec.write_text(bad, encoding="utf-8")
        assert lookup_record(db, _sha(f), "prices", NO_OPTIONS) is None
        res = _run(db, "prices", str(f))
        assert res.exit_code == 0 and "unchanged (same content" in res.stdout
        assert json.loads(rec.read_text(encoding="utf-8"))["format"] == "flowscope-imports/1"
    assert _log_rows(db) == 1
    # a store copied with its record is another store: the copy's record is not trusted
    other = tmp_path / "copy" / "s.duckdb"
    other.parent.mkdir()
    shutil.copy2(db, other)
    shutil.copy2(rec, record_path(other))
    assert lookup_record(other, _sha(f), "prices", NO_OPTIONS) is None


def test_force_reads_the_file_despite_the_record(tmp_path, shared_data):
    f, db = shared_data / CQ, tmp_path / "s.duckdb"
    _run(db, "prices", str(f))
    assert lookup_record(db, _sha(f), "prices", NO_OPTIONS) is not None
    res = _run(db, "prices", str(f), "--force")
    assert "+0 new, 0 changed, 6,033 unchanged" in res.stdout
    assert _log_rows(db) == 2


def test_the_recorded_time_is_the_stores_import_time(tmp_path, shared_data):
    f, db = shared_data / CQ, tmp_path / "s.duckdb"
    _run(db, "prices", str(f))
    with Store(db, read_only=True) as s:
        ts = pd.Timestamp(s.sql("SELECT ts FROM ingested_files").iloc[0, 0])
    seen = lookup_record(db, _sha(f), "prices", NO_OPTIONS)
    assert seen is not None and seen[0] == str(f)
    assert pd.Timestamp(seen[1]) == ts.tz_convert("UTC")

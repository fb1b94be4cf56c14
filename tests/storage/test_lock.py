"""Readers and writers in separate real processes: readers share the store, writers queue
behind the writers' lock and say who holds it, never DuckDB's raw lock text.

The store is the real Farside per-fund table (IBIT +111.7 $M on 2024-01-11).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from flowscope.errors import StorageError
from flowscope.storage import Store
from flowscope.storage._lock import StoreLock, holder

ROOT = Path(__file__).resolve().parents[2]
CLI = "from flowscope.cli import main; main()"
FARSIDE = "etf_flows/moltovy_farside_btc_etf_flows_daily.csv"

HOLDER = """
import sys
from pathlib import Path
from flowscope.storage import Store
from flowscope.storage._lock import StoreLock
db = Path(sys.argv[1])
lock = StoreLock(db, timeout_s=0, command="flowscope import etf_flows big.csv").acquire()
store = Store(db, lock=lock) if sys.argv[2] == "open" else None
print("ready", flush=True)
sys.stdin.readline()
if store is not None:
    store.close()
else:
    lock.release()
"""


def _env(**extra: str) -> dict[str, str]:
    return {"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", "COLUMNS": "200", **extra}


def _cli(db: Path, *args: str, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CLI, "--db", str(db), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(**env),
    )


def _holder(db: Path, mode: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


def test_ten_simultaneous_readers_all_succeed(farside_db):
    day = ["--start", "2024-01-11", "--end", "2024-01-11"]
    procs = [
        _cli(farside_db, "flows", "show", "--fund", "IBIT", *day, "--format", "json")
        for _ in range(10)
    ]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0] * 10, [e for _, e in outs]
    for out, _ in outs:
        (row,) = json.loads(out)
        assert (row["fund"], row["flow_musd"]) == ("IBIT", 111.7)


def test_a_writer_waits_for_another_writer_then_succeeds(farside_db):
    hold = _holder(farside_db, "open")
    writer = _cli(farside_db, "init", "--no-bundle", FLOWSCOPE_LOCK_TIMEOUT_S="60")
    assert writer.stderr is not None
    note = writer.stderr.readline()  # printed when it starts waiting
    assert writer.poll() is None
    hold.communicate("done\n", timeout=30)
    out, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    assert re.fullmatch(
        rf"waiting up to 60 s: the store {re.escape(str(farside_db))} is being written by "
        rf"`flowscope import etf_flows big.csv` \(pid {hold.pid}\) since \d\d:\d\d UTC\n",
        note,
    ), note
    assert out.startswith(f"store: {farside_db}")
    assert holder(farside_db) is None  # the sidecar went with the lock
    with Store(farside_db, read_only=True) as s:
        assert len(s.etf_flows(funds="IBIT", start="2024-01-11", end="2024-01-11")) == 1


def test_a_writer_gives_up_after_the_timeout_naming_the_holder(farside_db, shared_data):
    hold = _holder(farside_db, "lock")
    try:
        writer = _cli(farside_db, "import", "etf_flows", str(shared_data / FARSIDE), "--force",
                      FLOWSCOPE_LOCK_TIMEOUT_S="0.5")  # fmt: skip
        _, err = writer.communicate(timeout=120)
    finally:
        hold.communicate("done\n", timeout=30)
    assert writer.returncode == 1
    last = err.strip().splitlines()[-1]
    assert re.fullmatch(
        rf"error: the store {re.escape(str(farside_db))} is being written by `flowscope import "
        rf"etf_flows big.csv` \(pid {hold.pid}\) since \d\d:\d\d UTC; waited 0\.\d s; try "
        r"again when it finishes",
        last,
    ), err
    assert "readonly" not in err.lower() and "Traceback" not in err


def test_a_reader_meeting_a_writer_retries_then_names_it(farside_db):
    hold = _holder(farside_db, "open")
    try:
        t0 = time.monotonic()
        with pytest.raises(StorageError) as info:
            Store(farside_db, read_only=True, open_wait_s=0.5)
        waited = time.monotonic() - t0
    finally:
        hold.communicate("done\n", timeout=30)
    assert waited >= 0.5
    assert re.fullmatch(
        rf"the store {re.escape(str(farside_db))} is being written by `flowscope import "
        rf"etf_flows big.csv` \(pid {hold.pid}\) since \d\d:\d\d UTC; waited 0\.\d s; try "
        r"again when it finishes",
        str(info.value),
    )
    with Store(farside_db, read_only=True) as s:  # the writer gone: the reader gets in
        assert float(s.etf_flows(funds="IBIT", start="2024-01-11", end="2024-01-11")
                     ["flow_usd"].iloc[0]) == 111.7e6  # fmt: skip


def test_a_reader_gets_in_once_a_short_write_ends(farside_db):
    hold = _holder(farside_db, "open")
    # the writer finishes 0.7 s from now, while this reader is retrying
    finish = threading.Timer(0.7, hold.communicate, kwargs={"input": "done\n", "timeout": 30})
    finish.start()
    t0 = time.monotonic()
    with Store(farside_db, read_only=True, open_wait_s=20) as s:
        assert len(s.etf_flows(funds="IBIT", start="2024-01-11", end="2024-01-11")) == 1
    assert time.monotonic() - t0 >= 0.5
    finish.join()


def test_nested_takes_in_one_process_do_not_wait_on_themselves(tmp_path):
    db = tmp_path / "s.duckdb"
    with StoreLock(db, timeout_s=0, command="flowscope update") as outer:
        with StoreLock(db, timeout_s=0):
            assert holder(db) is not None and holder(db).command == "flowscope update"
        assert holder(db) is not None  # the outer take still holds it
        assert outer.sidecar.exists()
    assert holder(db) is None and not outer.sidecar.exists()

"""SIGKILL at random points of ``flowscope import``, ``init`` and ``update``.

After every kill the store opens, passes :meth:`Store.check` (rows held per dataset equal
the ingest log's net inserts: no half batch), and holds all or none of the killed batch,
compared with a run of the same command left to finish. An interrupted ``init`` is seen by
the next ``init``, which resumes it. Three trials run by default; ``pytest -m slow`` runs 52
(22 imports, 22 updates, 8 inits). The killed commands work on the real Farside table, the bundled snapshot
and FRED's real policy rates served by a local server (see ``_server.py``).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flowscope.storage import Store
from reliability import _server as srv

ROOT = Path(__file__).resolve().parents[2]
CLI = "from flowscope.cli import main; main()"
FARSIDE = "etf_flows/moltovy_farside_btc_etf_flows_daily.csv"
LONG = "fed_futures/fred_policy_rates_riskmodel_2021-05_2026-08_long.csv"
#: Kill windows (seconds after start) per command: from interpreter start-up to past the write.
WINDOW_S = {"import": (0.5, 8.0), "init": (1.0, 25.0), "update": (0.5, 7.0)}
#: Trials per command under ``pytest -m slow`` (52 in all; init trials rerun init, slower).
SLOW_TRIALS = {"import": 22, "update": 22, "init": 8}


def _args(command: str, shared: Path) -> list[str]:
    if command == "import":
        return ["import", "etf_flows", str(shared / FARSIDE)]
    if command == "init":
        return ["init"]
    return ["update", "--connector", "fred", "--since", "2026-07-01", "--format", "json"]


def _run(db: Path, args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", CLI, "--db", str(db), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin", **env},
    )


def _counts(db: Path) -> dict[str, int]:
    with Store(db, read_only=True) as s:
        chk = s.check()
    return dict(zip(chk["dataset"], chk["rows"], strict=True))


@pytest.fixture(scope="module")
def fred_server(shared_data):
    answer = srv.fredgraph(shared_data / LONG)
    s = srv.FaultServer()
    s.plan = [lambda h: srv.send(h, 200, answer(srv.query(h)))]
    with s.running():
        yield s


@pytest.fixture(scope="module")
def reference(shared_data, fred_server, tmp_path_factory):
    """Rows per dataset after each command ran to the end on a fresh store."""
    out = {}
    env = {
        "FLOWSCOPE_BASE_URLS": f"fred={fred_server.url}",
        "FLOWSCOPE_DATA_DIR": str(tmp_path_factory.mktemp("data")),
    }
    for command in WINDOW_S:
        db = tmp_path_factory.mktemp(f"ref-{command}") / "ref.duckdb"
        Store(db).close()
        proc = _run(db, _args(command, shared_data), env)
        assert proc.wait(timeout=600) == 0, command
        out[command] = _counts(db)
    return out


def _trial(command, seed, tmp_path, shared_data, fred_server, reference):
    rng = random.Random(seed)
    db = tmp_path / f"{command}-{seed}.duckdb"
    Store(db).close()
    env = {"FLOWSCOPE_BASE_URLS": f"fred={fred_server.url}", "FLOWSCOPE_DATA_DIR": str(tmp_path)}
    proc = _run(db, _args(command, shared_data), env)
    delay = rng.uniform(*WINDOW_S[command])
    time.sleep(delay)
    finished = proc.poll() is not None
    if not finished:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    # the store opens (writable: DuckDB replays or drops its write-ahead log) ...
    with Store(db) as s:
        chk = s.check()
        interrupted = s.interrupted_init()
    datasets = chk[chk["dataset"] != "init"]
    # ... and every dataset holds exactly what its ingest log says (no half batch)
    assert datasets["ok"].all(), chk.to_string()
    held = dict(zip(datasets["dataset"], datasets["rows"], strict=True))
    full = reference[command]
    if command == "init":
        # all of the bundle or none of it; an interrupted init is resumed by the next one
        assert sum(held.values()) in (0, sum(full.values())), held
        if interrupted is not None or sum(held.values()) == 0:
            rerun = _run(db, ["init"], env)
            assert rerun.wait(timeout=600) == 0
            with Store(db, read_only=True) as s:
                assert s.interrupted_init() is None and s.check()["ok"].all()
            assert _counts(db) == full
    else:
        changed = {k: v for k, v in held.items() if v}
        assert changed in ({}, {k: v for k, v in full.items() if v}), (changed, full)
    return delay, finished, sum(held.values())


@pytest.mark.parametrize("command", sorted(WINDOW_S))
def test_sigkill_leaves_a_consistent_store(command, tmp_path, shared_data, fred_server, reference):
    _trial(command, 1, tmp_path, shared_data, fred_server, reference)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "seed"), [(c, 100 + i) for c, n in SLOW_TRIALS.items() for i in range(n)]
)
def test_sigkill_many_random_points(command, seed, tmp_path, shared_data, fred_server, reference):
    delay, finished, rows = _trial(command, seed, tmp_path, shared_data, fred_server, reference)
    print(f"CRASH {command} seed={seed} delay_s={delay:.2f} finished={finished} rows={rows}")

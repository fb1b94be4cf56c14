"""Shared fixtures: real data from ../shared/data, a real DuckDB store in a temp dir."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

# A wide virtual terminal before any rich Console is created, so CLI output captured by
# CliRunner is not wrapped mid-value.
os.environ["COLUMNS"] = "200"

import pytest
from hypothesis import settings

from flowscope.storage import Store

# CI runs are reproducible (fixed example sequence); local runs explore new examples each time.
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("FLOWSCOPE_SHARED_DATA", ROOT.parent / "shared" / "data"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Isolate tests from the user's settings and store."""
    for key in list(os.environ):
        if key.startswith("FLOWSCOPE_") and key != "FLOWSCOPE_SHARED_DATA":
            monkeypatch.delenv(key)
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("FLOWSCOPE_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("FLOWSCOPE_DATA_DIR", str(home / "data"))


class RecordingClock:
    """A stand-in for the HTTP layer's clock: ``sleep`` records the wait and moves time on."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.t = 1000.0
        self.start = dt.datetime(2026, 9, 1, 12, 0, tzinfo=dt.UTC)

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.t += seconds

    def monotonic(self) -> float:
        return self.t

    def now(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=self.t - 1000.0)


@pytest.fixture(autouse=True)
def http_waits(monkeypatch: pytest.MonkeyPatch) -> RecordingClock:
    """No real sleeping in the HTTP layer: waits are recorded in ``.waits`` (seconds).

    Each test also gets a fresh per-host rate limiter; ``now()`` starts at 2026-09-01 12:00 UTC.
    """
    from flowscope.sources import _http

    fake = RecordingClock()
    monkeypatch.setattr(_http, "clock", _http.Clock(fake.sleep, fake.monotonic, fake.now))
    monkeypatch.setattr(_http, "rate_limiter", _http.HostRateLimiter())
    return fake


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data folder (``../shared/data``); skips nothing: it must exist."""
    assert SHARED_DATA.is_dir(), f"real data folder missing: {SHARED_DATA}"
    return SHARED_DATA


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh real DuckDB store in a temp dir."""
    s = Store(tmp_path / "test.duckdb")
    yield s
    s.close()


@pytest.fixture(scope="session")
def bundled_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A store loaded with the bundled snapshot (built once per session; read it, don't write)."""
    from flowscope._bundle import load_bundle

    path = tmp_path_factory.mktemp("bundled") / "bundled.duckdb"
    s = Store(path)
    load_bundle(s)
    yield s
    s.close()


# -- a real Farside store, and a second process holding it open (store-locking tests) -------
SRC = ROOT / "src"
FARSIDE = "etf_flows/moltovy_farside_btc_etf_flows_daily.csv"

HOLD = """
import sys
from flowscope.storage import Store
store = Store(sys.argv[1], read_only=sys.argv[2] == "ro")
print("ready", flush=True)
sys.stdin.read()
store.close()
"""


@pytest.fixture
def farside_db(tmp_path: Path, shared_data: Path) -> Path:
    from flowscope.sources import read_file

    db = tmp_path / "flows.duckdb"
    parsed = read_file(shared_data / FARSIDE, "etf_flows")
    with Store(db) as store:
        store.upsert("etf_flows", parsed.frame, source=parsed.source)
    return db


@pytest.fixture
def hold() -> Iterator[object]:
    """Start another process that keeps a store open (``ro`` or ``rw``) until the test ends."""
    procs: list[subprocess.Popen[str]] = []

    def start(db: Path, mode: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(db), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
        )
        procs.append(proc)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == "ready", proc.stderr.read() if proc.stderr else line
        return proc

    yield start
    for proc in procs:
        proc.communicate(timeout=60)  # closes stdin: the holder closes the store and exits

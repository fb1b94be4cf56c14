"""`flowscope book collect` in a subprocess: SIGKILL at random points, restart, no loss, no repeat."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flowscope.queries.books import read_snapshot_levels

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "sources"))
from test_binance_depth import DepthServer

SRC = Path(__file__).resolve().parents[2] / "src"
MAIN = "from flowscope.cli import main; main()"


def _start(url: str, out: Path, n: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "FLOWSCOPE_BINANCE_BASE_URL": url,
        "FLOWSCOPE_HTTP_RETRIES": "0",
    }
    with log.open("ab") as fh:
        return subprocess.Popen(
            [sys.executable, "-c", MAIN, "book", "collect", "--symbol", "BTC/USDT",
             "--every", "10ms", "--levels", "5", "--out", str(out), "--max-snapshots", str(n)],
            env=env, stdout=fh, stderr=fh,
        )  # fmt: skip


def _written(log: Path) -> list[str]:
    return [ln.split()[1] for ln in log.read_text().splitlines() if ln.startswith("written ")]


def test_sigkill_then_restart_loses_nothing_and_repeats_nothing(tmp_path: Path) -> None:
    rng = random.Random(7)
    out, log = tmp_path / "books", tmp_path / "collector.log"
    with DepthServer(ids=None) as srv:
        for _ in range(3):
            proc = _start(srv.url, out, 10_000, log)
            # wait for the first writes, then kill at a random point
            deadline = time.monotonic() + 60
            n0 = len(_written(log))
            while len(_written(log)) < n0 + 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(rng.uniform(0.0, 0.6))
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        # a write cut mid-way leaves a temporary file: plant one as a kill would
        part = next(out.glob("date=*/venue=binance"))
        (part / ".tmp-BTCUSDT-999.1.parquet").write_bytes(b"PAR1")
        proc = _start(srv.url, out, 3, log)
        assert proc.wait(timeout=120) == 0, log.read_text()
        served = list(srv.served)
    logged = _written(log)
    files = [f.stem for f in out.rglob("*.parquet")]
    assert not list(out.rglob(".tmp-*"))
    assert len(files) == len(set(files))  # no snapshot twice
    assert set(logged) <= set(files)  # every snapshot reported written is held
    assert len(logged) == len(set(logged))
    # nothing held that the server did not serve
    assert {f"BTCUSDT-{i}" for i in served} >= set(files)
    levels = read_snapshot_levels(out)
    per = levels.groupby("last_update_id").size()
    assert (per == 4).all()  # each snapshot whole: 2 bids + 2 asks of the recorded payload
    # the planted file, plus any a kill cut mid-write
    removed = re.search(r"(\d+) unfinished file\(s\) of an earlier run removed", log.read_text())
    assert removed is not None and int(removed.group(1)) >= 1


def test_sigint_finishes_the_write_and_prints_a_summary(tmp_path: Path) -> None:
    out, log = tmp_path / "books", tmp_path / "collector.log"
    with DepthServer() as srv:
        proc = _start(srv.url, out, 10_000, log)
        deadline = time.monotonic() + 60
        while len(_written(log)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    text = log.read_text()
    assert "stopped by interrupt" in text and "Traceback" not in text
    assert sorted(_written(log)) == sorted(f.stem for f in out.rglob("*.parquet"))


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--levels", "7"], "--levels"),
        (["--every", "0s"], "--every"),
        (["--venue", "kraken"], "--venue"),
        (["--symbol", "??"], "--symbol"),
    ],
)
def test_bad_options_are_usage_errors(args: list[str], needle: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flowscope.cli import app

    res = CliRunner().invoke(app, ["book", "collect", "--out", str(tmp_path), *args])
    assert res.exit_code == 2
    assert needle in res.output


def test_offline_exit_3(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flowscope.cli import app

    env = {"FLOWSCOPE_BINANCE_BASE_URL": "http://127.0.0.1:9", "FLOWSCOPE_HTTP_RETRIES": "0"}
    res = CliRunner().invoke(
        app, ["book", "collect", "--out", str(tmp_path), "--max-snapshots", "1"], env=env
    )
    assert res.exit_code == 3, res.output
    assert "cannot reach 127.0.0.1" in res.output

"""Start-up cost of the CLI, as three ratios measured in the same run (CPU time of a child process).

1. ``flowscope --help`` vs ``python -c "import typer, rich"`` (target: at most 2x);
2. a warm ``flowscope brief`` vs ``flowscope status`` on a store loaded with the bundled
   snapshot (target: at most 2x): the same brief asked again on the unchanged store, which
   is shown from the brief cache; the brief rebuilt from the store (``--fresh``, tone
   scores and calendars cached) is printed beside it;
3. re-importing an unchanged real file vs importing it the first time (target: at least 10x
   faster), both through ``flowscope import`` in a fresh process. The file is the largest
   real price CSV in the shared data (45,031 one-minute bars), a realistic import.

CPU time (user + system, from ``getrusage`` of the finished child) is less sensitive than wall
time to other work on a shared machine. Each command is run ``repeat`` times and the minimum
is kept. Children run with byte-code caching on (in a temporary ``PYTHONPYCACHEPREFIX``), as an
installed package does, even where ``PYTHONDONTWRITEBYTECODE`` is set; the first run of each
command warms that cache and is not counted. Run with ``make bench`` or ``python benchmarks/bench_startup.py`` for a plain printout.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
REIMPORT_FILE = SHARED / "btc_prices" / "nautilus_btc-perp_1m_2021-12-31_2022-02-01.csv"
_CLI = "from flowscope.cli import main; main()"


def _env(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src")
    env["XDG_CACHE_HOME"] = str(tmp / "cache")  # a fresh user cache: nothing carried in
    env.pop("FLOWSCOPE_DB", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package runs from byte code
    env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
    return env


def cpu_seconds(args: list[str], env: dict[str, str]) -> float:
    """CPU seconds (user + system) spent by one child process running ``python args``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, check=False
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        msg = f"{args} exited {proc.returncode}: {proc.stderr[-2000:]}"
        raise RuntimeError(msg)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _best(args: list[str], env: dict[str, str], repeat: int) -> float:
    return min(cpu_seconds(args, env) for _ in range(repeat))


def measure(repeat: int = 3) -> dict[str, float]:
    """CPU seconds of each command and the three ratios."""
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        env = _env(tmp)
        db = str(tmp / "brief.duckdb")
        out: dict[str, float] = {}
        cpu_seconds(["-c", "import typer, rich"], env)  # warm the byte-code cache
        cpu_seconds(["-c", _CLI, "--help"], env)
        out["import_typer_rich_s"] = _best(["-c", "import typer, rich"], env, repeat)
        out["help_s"] = _best(["-c", _CLI, "--help"], env, repeat)
        out["group_help_s"] = _best(["-c", _CLI, "rates", "--help"], env, repeat)
        cpu_seconds(["-c", _CLI, "--db", db, "init"], env)
        cpu_seconds(["-c", _CLI, "--db", db, "brief", "--format", "json"], env)  # warm-up
        out["status_s"] = _best(["-c", _CLI, "--db", db, "status"], env, repeat)
        out["brief_warm_s"] = _best(["-c", _CLI, "--db", db, "brief", "--format", "json"], env, 2)
        out["brief_rebuilt_s"] = _best(
            ["-c", _CLI, "--db", db, "brief", "--format", "json", "--fresh"], env, 2
        )
        imp = ["-c", _CLI, "--db", str(tmp / "imp.duckdb"), "import", "prices", str(REIMPORT_FILE)]
        warm = [
            "-c",
            _CLI,
            "--db",
            str(tmp / "warm.duckdb"),
            "import",
            "prices",
            str(REIMPORT_FILE),
        ]
        cpu_seconds(warm, env)  # byte code of the import modules
        out["import_first_s"] = cpu_seconds(imp, env)
        out["import_again_s"] = _best(imp, env, repeat)
    out["help_over_typer_rich"] = out["help_s"] / out["import_typer_rich_s"]
    out["brief_over_status"] = out["brief_warm_s"] / out["status_s"]
    out["rebuilt_brief_over_status"] = out["brief_rebuilt_s"] / out["status_s"]
    out["first_import_over_reimport"] = out["import_first_s"] / out["import_again_s"]
    return out


def test_bench_startup(benchmark):
    res = benchmark.pedantic(measure, rounds=1, iterations=1)
    benchmark.extra_info.update(res)
    for k in ("help_over_typer_rich", "brief_over_status", "first_import_over_reimport"):
        print(f"{k}: {res[k]:.2f}")


if __name__ == "__main__":
    r = measure(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
    for k, v in r.items():
        unit = "x" if "_over_" in k else "s CPU"
        print(f"{k:<28} {v:8.3f} {unit}")
    print(
        f"targets: help <= 2x typer+rich ({r['help_over_typer_rich']:.2f}x), "
        f"warm brief <= 2x status ({r['brief_over_status']:.2f}x), "
        f"re-import >= 10x faster ({r['first_import_over_reimport']:.1f}x)"
    )

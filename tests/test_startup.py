"""Start-up: ``import flowscope`` and every ``--help`` screen load no heavy library."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import flowscope

SRC = Path(__file__).resolve().parents[1] / "src"
HEAVY = (
    "pandas",
    "numpy",
    "duckdb",
    "httpx",
    "plotly",
    "numba",
    "exchange_calendars",
    # pydantic itself is loaded by typer to coerce option types
    "pydantic_settings",
    "pyarrow",
    "rich.progress",
)

_PROBE = """
import sys
from flowscope.cli import main
sys.argv = ["flowscope", *sys.argv[1:]]
try:
    main()
except SystemExit as exc:
    code = exc.code or 0
else:
    code = 0
print("LOADED:" + ",".join(m for m in {heavy!r} if m in sys.modules), file=sys.stderr)
sys.exit(code)
"""


def _loaded_after(*args: str) -> tuple[list[str], str]:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE.format(heavy=HEAVY), *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    line = [x for x in proc.stderr.splitlines() if x.startswith("LOADED:")][-1]
    return [m for m in line.removeprefix("LOADED:").split(",") if m], proc.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("import", "--help"),
        ("brief", "--help"),
        ("flows", "--help"),
        ("rates", "--help"),
        ("tone", "--help"),
        ("rotation", "--help"),
        ("events", "--help"),
        ("season", "--help"),
        ("season", "christmas", "--help"),
    ],
)
def test_help_imports_no_heavy_library(args):
    loaded, out = _loaded_after(*args)
    assert "Usage" in out
    assert loaded == []


def test_import_flowscope_is_light_until_a_store_is_used():
    code = (
        f"import sys, flowscope; a = [m for m in {HEAVY!r} if m in sys.modules]; "
        f"flowscope.Store; b = [m for m in {HEAVY!r} if m in sys.modules]; print(a, b)"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    before, after = out.strip().split("] [")
    assert before == "["
    assert "duckdb" in after and "pandas" in after


def test_christmas_default_matches_the_analytics_window():
    from typer.testing import CliRunner

    from flowscope.analytics.seasonality import CHRISTMAS_WINDOW
    from flowscope.cli import app

    out = CliRunner().invoke(app, ["season", "christmas", "--help"], env={"COLUMNS": "200"})
    assert f"{CHRISTMAS_WINDOW[0]}:{CHRISTMAS_WINDOW[1]}" in out.output


def test_version_is_lazy_and_a_string():
    assert isinstance(flowscope.__version__, str)
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = flowscope.no_such_name  # type: ignore[attr-defined]


def test_rolling_statistics_load_neither_numba_nor_a_compiler():
    code = (
        "import sys, numpy as np; from flowscope.analytics import _rolling as r; "
        "x = np.log(np.arange(1.0, 400.0)); r.rolling_corr(x, x[::-1].copy(), 60); "
        "r.rolling_std(x, 250); print(sorted(m for m in ('numba', 'llvmlite') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert out.strip() == "[]"


def test_reimport_of_an_unchanged_file_loads_no_pandas_nor_settings(tmp_path):
    real = (
        SRC.parents[1]
        / "shared/data/btc_prices/mathaszip_bitstamp_coinbase_btcusd_daily_2011_2025.csv"
    )
    args = ("--db", str(tmp_path / "s.duckdb"), "import", "prices", str(real))
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    subprocess.run(
        [sys.executable, "-c", "from flowscope.cli import main; main()", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    loaded, out = _loaded_after(*args)
    assert "unchanged" in out
    assert [m for m in loaded if m != "duckdb"] == []

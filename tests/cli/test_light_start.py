"""Start-up short cuts: the store path without pydantic-settings, re-imports before typer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flowscope.cli._light import ENV_NOT_SETTINGS, _parse_import, light_db_path
from flowscope.config import ENV_NOT_SETTINGS as CONFIG_NOT_SETTINGS
from flowscope.config import load_settings

SRC = Path(__file__).resolve().parents[2] / "src"
PERP = "btc_prices/nautilus_btc-perp_1m_2021-12-31_2022-02-01.csv"


def test_not_settings_names_match_the_config_module():
    assert ENV_NOT_SETTINGS == CONFIG_NOT_SETTINGS


@pytest.mark.parametrize(
    ("db", "env"),
    [
        (None, {}),
        (Path("~/x.duckdb"), {}),
        (None, {"FLOWSCOPE_DB": "/tmp/a.duckdb"}),
        (Path("/tmp/b.duckdb"), {"FLOWSCOPE_DB": "/tmp/a.duckdb", "FLOWSCOPE_DEBUG": "1"}),
    ],
)
def test_light_db_path_equals_the_settings(tmp_path, db, env):
    env = {**env, "FLOWSCOPE_CONFIG": str(tmp_path / "absent.toml")}
    expected = load_settings(None, env=env, db_path=db).resolved_db_path
    assert light_db_path(db, None, env) == expected


def test_light_db_path_defers_to_the_settings_when_they_can_change_it(tmp_path):
    cfg = tmp_path / "config.toml"
    cfg.write_text('db_path = "/tmp/from-file.duckdb"\n')
    assert light_db_path(None, None, {"FLOWSCOPE_CONFIG": str(cfg)}) is None
    assert light_db_path(None, cfg, {}) is None
    missing = {"FLOWSCOPE_CONFIG": str(tmp_path / "absent.toml")}
    assert light_db_path(None, None, {**missing, "FLOWSCOPE_DATA_DIR": "/tmp/d"}) is None
    assert light_db_path(None, None, {**missing, "FLOWSCOPE_TYPO": "1"}) is None


@pytest.mark.parametrize(
    ("argv", "parsed"),
    [
        (
            ["--db", "s.duckdb", "import", "prices", "f.csv"],
            (Path("s.duckdb"), "prices", "f.csv", {}),
        ),
        (
            ["import", "prices", "--symbol=BTC-PERP", "f.csv", "--interval", "1m"],
            (None, "prices", "f.csv", {"symbol": "BTC-PERP", "interval": "1m"}),
        ),
        (["import", "prices", "f.csv", "--force"], None),
        (["import", "prices", "f.csv", "--dry-run"], None),
        (["--config", "c.toml", "import", "prices", "f.csv"], None),
        (["import", "prices"], None),
        (["status"], None),
        (["import", "prices", "f.csv", "--help"], None),
    ],
)
def test_parse_import_takes_only_plain_import_lines(argv, parsed):
    assert _parse_import(argv) == parsed


def _flowscope(env, *args):
    probe = (
        "import sys\nfrom flowscope.cli import main\nsys.argv = ['flowscope', *sys.argv[1:]]\n"
        "try:\n    main()\nfinally:\n    print('LOADED:' + ','.join(m for m in "
        "('typer', 'pydantic', 'pandas') if m in sys.modules), file=sys.stderr)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", probe, *args], env=env, capture_output=True, text=True, check=False
    )


def test_unchanged_reimport_is_answered_without_typer_and_says_the_same(tmp_path, shared_data):
    f, db = shared_data / PERP, tmp_path / "s.duckdb"
    env = {**os.environ, "PYTHONPATH": str(SRC), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    env = {k: v for k, v in env.items() if not k.startswith("FLOWSCOPE_")}
    first = _flowscope(env, "--db", str(db), "import", "prices", str(f))
    assert first.returncode == 0 and "+45,031 new" in first.stdout
    again = _flowscope(env, "--db", str(db), "import", "prices", str(f))
    assert again.returncode == 0
    assert "unchanged (same content, sha256" in again.stdout and "nothing read" in again.stdout
    assert again.stderr.strip().splitlines()[-1] == "LOADED:"  # neither typer nor pandas
    # the full command (typer) words it the same way
    slow = {**env, "FLOWSCOPE_CONFIG": str(tmp_path / "absent.toml"), "FLOWSCOPE_DATA_DIR": "/x"}
    full = _flowscope(slow, "--db", str(db), "import", "prices", str(f))
    assert "typer" in full.stderr.strip().splitlines()[-1]
    assert full.stdout == again.stdout

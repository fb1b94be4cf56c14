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


def test_listed_commands_are_the_applications_commands():
    import typer

    from flowscope.cli import app
    from flowscope.cli._root import COMMANDS

    group = typer.main.get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    ctx = typer.Context(group)
    names = group.list_commands(ctx)
    assert list(COMMANDS) == names
    for name in names:
        cmd = group.get_command(ctx, name)
        assert cmd is not None and not cmd.hidden
        assert COMMANDS[name] == cmd.get_short_help_str(10_000), name


@pytest.mark.parametrize("width", [60, 80, 120])
@pytest.mark.parametrize("argv", [["--help"], []])
def test_top_level_help_is_the_full_applications_help(argv, width):
    from typer.testing import CliRunner

    from flowscope.cli import app
    from flowscope.cli._root import root_app

    runner = CliRunner()
    full = runner.invoke(app, argv, terminal_width=width)
    light = runner.invoke(root_app(listed=True), argv, terminal_width=width)
    assert "Commands:" in full.output and "macro" in full.output
    assert (light.exit_code, light.output) == (full.exit_code, full.output)


def test_top_level_help_imports_no_command_module(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(SRC), "COLUMNS": "100"}
    probe = (
        "import sys\nfrom flowscope.cli import main\nsys.argv = ['flowscope', '--help']\n"
        "try:\n    main()\nfinally:\n    print('LOADED:' + ','.join(m for m in sys.modules "
        "if m.startswith('flowscope.cli.') and m not in ('flowscope.cli._light', "
        "'flowscope.cli._root')), file=sys.stderr)\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=False
    )
    assert res.returncode == 0 and "flowscope [OPTIONS] COMMAND" in res.stdout
    assert "macro     Macro liquidity" in res.stdout
    assert res.stderr.strip().splitlines()[-1] == "LOADED:"

"""docs/cli.md documents every command of the app and every option its --help shows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

from flowscope.cli import app

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def _commands(group: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, cmd in group.commands.items():
        if getattr(cmd, "commands", None):
            out.update(_commands(cmd, f"{prefix}{name} "))
        else:
            out[f"{prefix}{name}"] = cmd
    return out


COMMANDS = _commands(typer.main.get_command(app))


def _section(path: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    m = re.search(rf"^### `flowscope {re.escape(path)}`\n(.*?)(?=^### |\Z)", text, re.M | re.S)
    assert m, f"docs/cli.md has no section '### `flowscope {path}`'"
    return m.group(1)


def test_docs_have_one_section_per_command_and_no_other() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"^### `flowscope ([a-z ]+)`$", text, re.M))
    assert documented == set(COMMANDS)


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_section_lists_every_option_of_the_help(path: str) -> None:
    section = _section(path)
    for param in COMMANDS[path].params:
        if getattr(param, "hidden", False):
            continue
        for opt in param.opts:
            shown = opt if opt.startswith("-") else f"`{opt}`"
            assert shown in section, f"{path}: {opt} is not documented in docs/cli.md"

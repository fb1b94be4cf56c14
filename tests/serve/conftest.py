"""A store made by ``flowscope init`` (the bundled real-data snapshot), once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("fastapi", reason="the serve extra (fastapi, uvicorn) is not installed")


@pytest.fixture(scope="session")
def init_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from flowscope.cli import app

    path = tmp_path_factory.mktemp("serve") / "store.duckdb"
    res = CliRunner().invoke(app, ["--db", str(path), "init"])
    assert res.exit_code == 0, res.output
    return path

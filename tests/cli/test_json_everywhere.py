"""Every command that prints data takes ``--format table|csv|json``; JSON is one document.

The command list is walked from the typer app, so a new command fails here until it is
given arguments below (or listed as printing no data). Runs on a store built by
``flowscope init`` (the bundled real-data snapshot) in a temp dir; ``update`` runs with a
transport that cannot reach the network.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer.main
from typer.testing import CliRunner

import flowscope.sources._http
from flowscope.cli import app

runner = CliRunner()
SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

# Minimum arguments per command path; the bundle lacks fed funds futures, so the rates
# commands that need them must answer with exit 4 and one line on stderr.
ARGS: dict[str, list[str]] = {
    "status": [],
    "update": ["--connector", "coinbase", "--connector", "kraken"],
    "brief": ["--asof", "2025-10-31"],
    "prices": ["BTC-USD", "--start", "2025-10-01", "--end", "2025-10-31"],
    "check": [str(Path(__file__).resolve().parents[2] / "examples/claims/seed-article.toml")],
    "flows show": ["--fund", "IBIT", "--start", "2025-10-01"],
    "flows records": ["--fund", "IBIT"],
    "flows reconcile": ["--fund", "IBIT", "--start", "2025-10-01"],
    "flows rank": ["--start", "2025-10-01"],
    "flows reversals": ["--fund", "IBIT"],
    "flows revisions": [],
    "rates odds": [],
    "rates history": ["--meeting", "2025-10-29"],
    "rates events": [],
    "rates panel": [],
    "rates compare": ["--meeting", "2025-12-10"],
    "tone score": ["--latest", "--top", "2"],
    "tone history": ["--start", "2025-01-01"],
    "tone calibrate": ["--boot", "100"],
    "tone classify": [str(SHARED / "fomc_text/extracted_fomc_statement_2025-10-29.txt")],
    "tone eval": [
        "--data",
        str(SHARED / "fomc_labels"),
        "--model",
        "lexicon",
        "--datasets",
        "pc",
    ],
    "rotation": [],
    "events sets": [],
    "events run": ["--set", "halvings", "--boot", "200", "--per-event"],
    "season christmas": ["--boot", "200"],
    "season window": ["--boot", "200"],
    "season calendar": [],
    "regime": ["--asof", "2025-11-28"],
    "book thinning": [],
    "book impact": ["--christmas", "2023-2024", "--boot", "100"],
    "sweep": ["--fast", "5,10", "--slow", "50,100", "--threshold", "0,0.02", "--top", "3"],
    "macro show": [],
    "macro leadlag": ["--boot", "200"],
    "macro chain": ["--boot", "200"],
    "book metrics": [
        str(SHARED / "orderbook" / "hftbacktest_hyperliquid_btc_l2book_raw_feed_20250126.gz"),
        "--every",
        "5s",
    ],
    "backtest": ["--start", "2025-01-01", "--end", "2025-06-30"],
}
# Commands that write files or the store and print a short confirmation, not data.
NO_FORMAT = {"init", "import", "flows chart", "tone import", "tone train", "serve", "book collect"}
# Commands that must answer "no data held" (exit 4) on the bundled store.
NO_DATA = {
    "rates odds",
    "rates history",
    "rates events",
    "rates panel",
    "rates compare",
    "book thinning",  # no snapshot dataset collected in the temp data dir
    "tone calibrate",
}
# Exit 3: every connector offline (the report is still one JSON document).
OFFLINE = {"update"}
# The bundle holds no revised flows: an empty list is the right answer.
EMPTY_OK = {"flows revisions"}
# The brief's facts map a ticker to its figures ({"IBIT": -149300000.0}): tickers are data.
TICKER_KEYS = {"brief"}
TICKER = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z]+)?$")


def _commands(group: Any, prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, cmd in group.commands.items():
        path = f"{prefix}{name}"
        if getattr(cmd, "commands", None):  # a group with subcommands
            out.update(_commands(cmd, f"{path} "))
        else:
            out[path] = cmd
    return out


COMMANDS = _commands(typer.main.get_command(app))


def _has_format(cmd: Any) -> bool:
    return any("--format" in p.opts for p in cmd.params)


def _keys(doc: Any) -> set[str]:
    if isinstance(doc, dict):
        return set(doc) | {k for v in doc.values() for k in _keys(v)}
    if isinstance(doc, list):
        return {k for v in doc for k in _keys(v)}
    return set()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("json_everywhere") / "store.duckdb"
    res = runner.invoke(app, ["--db", str(path), "init"])
    assert res.exit_code == 0, res.output
    return path


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution", request=request)

    monkeypatch.setattr(
        flowscope.sources._http,
        "make_client",
        lambda settings=None: httpx.Client(transport=httpx.MockTransport(handler)),
    )


def test_every_command_is_covered() -> None:
    with_format = {p for p, c in COMMANDS.items() if _has_format(c)}
    without = set(COMMANDS) - with_format
    assert with_format == set(ARGS), "give new commands their minimum arguments in ARGS"
    assert without == NO_FORMAT, "a command without --format must be listed in NO_FORMAT"


@pytest.mark.parametrize("path", sorted(ARGS))
def test_json_is_one_document_with_snake_case_keys(path: str, db: Path, offline: None) -> None:
    res = runner.invoke(app, ["--db", str(db), *path.split(), *ARGS[path], "--format", "json"])
    if path in NO_DATA:
        assert res.exit_code == 4, res.output
        assert res.stdout == ""
        assert len(res.stderr.strip().splitlines()) == 1 and "no " in res.stderr
        return
    assert res.exit_code == (3 if path in OFFLINE else 0), res.output
    doc = json.loads(res.stdout)  # fails on two documents or text around the document
    assert doc or path in EMPTY_OK, f"{path}: empty JSON document"
    bad = {
        k
        for k in _keys(doc)
        if not SNAKE.match(k) and not (path in TICKER_KEYS and TICKER.match(k))
    }
    assert not bad, f"{path}: keys not in snake_case: {sorted(bad)}"


@pytest.mark.parametrize("path", sorted(ARGS))
def test_unknown_format_is_a_one_line_usage_error(path: str, db: Path) -> None:
    res = runner.invoke(app, ["--db", str(db), *path.split(), *ARGS[path], "--format", "xml"])
    assert res.exit_code == 2, res.output
    assert res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "--format" in lines[0] and "'xml'" in lines[0]


@pytest.mark.parametrize("path", ["flows show", "events sets", "tone score"])
def test_format_is_case_insensitive(path: str, db: Path) -> None:
    res = runner.invoke(app, ["--db", str(db), *path.split(), *ARGS[path], "--format", "JSON"])
    assert res.exit_code == 0, res.output
    json.loads(res.stdout)


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["events", "run", "--set", "halvings", "--start", "2024-13-01"], "--start"),
        (["events", "run", "--set", "halvings", "--end", "soon"], "--end"),
        (["season", "calendar", "--start", "last-year"], "--start"),
        (["update", "--connector", "kraken", "--since", "2024-02-30"], "--since"),
        (["rates", "history", "--meeting", "2025-06-31"], "--meeting"),
        (["tone", "history", "--start", "1999-99-99"], "--start"),
    ],
)
def test_bad_date_is_a_one_line_usage_error_naming_the_option(
    args: list[str], option: str, db: Path, offline: None
) -> None:
    res = runner.invoke(app, ["--db", str(db), *args])
    assert res.exit_code == 2, res.output
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {option}: not a date")
    assert "Traceback" not in res.output

"""`flowscope events ...` on the bundled data."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from fixtures.rotation.stores import build_store
from flowscope.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory, shared_data):
    path = tmp_path_factory.mktemp("eventscli") / "ev.duckdb"
    build_store(path, shared_data).close()
    return path


def test_events_sets_lists_bundled_sets(db):
    res = runner.invoke(app, ["--db", str(db), "events", "sets", "--format", "csv"])
    assert res.exit_code == 0, res.output
    assert [ln.split(",")[0] for ln in res.stdout.splitlines()[1:]] == [
        "fomc",
        "minutes",
        "halvings",
        "etf_launch",
    ]


def test_events_run_fomc(db, tmp_path):
    out = tmp_path / "fomc.html"
    res = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "events",
            "run",
            "--set",
            "fomc",
            "--pre",
            "2",
            "--post",
            "5",
            "--format",
            "json",
            "--html",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["caar"]
    assert "wrote" in res.stderr
    assert [r["tau"] for r in rows] == list(range(-2, 6))
    assert rows[0]["n"] > 80
    html = out.read_text()
    assert (
        "<html>" in html
        and '<script src="https://cdn.plot.ly' not in html
        and len(html) > 1_000_000
    )


def test_events_run_user_file_with_benchmark(db, tmp_path):
    f = tmp_path / "nvda_earnings.csv"
    f.write_text(
        "date,label\n2024-02-21,Q4 FY2024\n2024-05-22,Q1 FY2025\n2024-08-28,Q2 FY2025\n2024-11-20,Q3 FY2025\n"
    )
    res = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "events",
            "run",
            "--file",
            str(f),
            "--asset",
            "NVDA",
            "--benchmark",
            "QQQ",
            "--model",
            "market",
            "--pre",
            "1",
            "--post",
            "1",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "4 events" in res.stdout
    assert "fewer than 10" in res.stderr


def test_events_run_needs_one_source_of_events(db):
    res = runner.invoke(app, ["--db", str(db), "events", "run"])
    assert res.exit_code == 2  # usage error
    assert "give exactly one of --set NAME or --file FILE" in res.output

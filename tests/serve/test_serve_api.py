"""The JSON API answers what the CLI prints, with clear 404/422/503 errors (real stores)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from flowscope.cli import app as cli_app
from flowscope.serve.app import create_app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture(scope="module")
def client(init_db: Path) -> TestClient:
    return TestClient(create_app(init_db))


def _cli_json(db: Path, *args: str) -> Any:
    res = runner.invoke(cli_app, ["--db", str(db), *args, "--format", "json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_flows_show_total_week_matches_the_published_farside_table(client: TestClient) -> None:
    # MANIFEST §3 (Farside): the 2025-11-13..18 outflows -866.7/-492.1/-254.6/-372.8 are the
    # Total of all funds; IBIT alone was -256.6/-463.1/-145.6/-523.2 (US$ M).
    res = client.get(
        "/api/flows/show", params={"fund": ["IBIT"], "start": "2025-11-13", "end": "2025-11-18"}
    )
    assert res.status_code == 200, res.text
    assert [r["flow_musd"] for r in res.json()] == [-256.6, -463.1, -145.6, -523.2]


@pytest.mark.parametrize(
    ("url", "args"),
    [
        (
            "/api/flows/show?fund=IBIT&start=2025-10-01",
            ["flows", "show", "--fund", "IBIT", "--start", "2025-10-01"],
        ),
        ("/api/flows/reversals?fund=IBIT", ["flows", "reversals", "--fund", "IBIT"]),
        ("/api/regime?asof=2025-11-28", ["regime", "--asof", "2025-11-28"]),
        ("/api/season/christmas?boot=200", ["season", "christmas", "--boot", "200"]),
    ],
)
def test_api_answer_is_the_cli_json_document(
    client: TestClient, init_db: Path, url: str, args: list[str]
) -> None:
    res = client.get(url)
    assert res.status_code == 200, res.text
    assert res.json() == _cli_json(init_db, *args)


def test_check_posts_a_claims_toml_body(client: TestClient, init_db: Path) -> None:
    claims = ROOT / "examples" / "claims" / "seed-article.toml"
    res = client.post(
        "/api/check",
        content=claims.read_text(encoding="utf-8"),
        headers={"content-type": "application/toml"},
    )
    assert res.status_code == 200, res.text
    assert res.json() == _cli_json(init_db, "check", str(claims))


def test_check_bad_toml_is_422_naming_the_body(client: TestClient) -> None:
    res = client.post(
        "/api/check", content="[[claim]\nid = ", headers={"content-type": "application/toml"}
    )
    assert res.status_code == 422
    assert "request body" in res.json()["detail"]


def test_bad_date_is_422_naming_the_parameter(client: TestClient) -> None:
    res = client.get("/api/flows/show", params={"start": "2025-13-01"})
    assert res.status_code == 422
    assert res.json()["detail"][0]["loc"] == ["query", "start"]


def test_start_after_asof_is_422_naming_start(client: TestClient) -> None:
    res = client.get("/api/regime", params={"asof": "2025-11-28", "start": "2025-12-01"})
    assert res.status_code == 422
    assert res.json()["param"] == "start"
    assert res.json()["detail"].startswith("start 2025-12-01 is after")


def test_rates_odds_without_futures_is_404_saying_so(client: TestClient) -> None:
    # The bundle holds no fed funds futures (CME data may not be bundled).
    res = client.get("/api/rates/odds")
    assert res.status_code == 404
    assert "no fed funds futures held" in res.json()["detail"]


def test_store_held_by_a_writer_is_503_not_500(farside_db: Path, hold: Any) -> None:
    hold(farside_db, "rw")
    client = TestClient(create_app(farside_db))
    res = client.get("/api/flows/show")
    assert res.status_code == 503
    assert "being written by another flowscope process" in res.json()["detail"]


def test_pages_show_charts_and_nav_marks_fronts_without_data(farside_db: Path) -> None:
    # A store holding ETF flows only: the flows page has its chart, rates has no page.
    client = TestClient(create_app(farside_db))
    flows = client.get("/flows", params={"asof": "2025-11-18"})
    assert flows.status_code == 200
    assert flows.text.count('class="chart"') >= 1
    assert '<span class="nodata" title="no data held for this front">Rates</span>' in flows.text
    assert client.get("/rates", params={"asof": "2025-11-18"}).status_code == 404


def test_plotly_is_served_locally(client: TestClient) -> None:
    res = client.get("/static/plotly.min.js")
    assert res.status_code == 200
    assert res.headers["content-type"].startswith("application/javascript")
    assert len(res.content) > 1_000_000


def test_openapi_lists_every_endpoint(client: TestClient) -> None:
    paths = set(client.get("/openapi.json").json()["paths"])
    assert paths == {
        "/api/status",
        "/api/prices",
        "/api/flows/show",
        "/api/flows/records",
        "/api/flows/reversals",
        "/api/rates/odds",
        "/api/tone/history",
        "/api/rotation",
        "/api/season/christmas",
        "/api/regime",
        "/api/check",
        "/api/brief",
    }


def test_serve_warns_on_a_non_loopback_host(init_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    res = runner.invoke(cli_app, ["serve", "--db", str(init_db), "--host", "0.0.0.0"])
    assert res.exit_code == 0, res.output
    assert "warning: --host 0.0.0.0" in res.stderr
    assert calls == [{"host": "0.0.0.0", "port": 8765, "log_level": "warning"}]
    res = runner.invoke(cli_app, ["serve", "--db", str(init_db)])
    assert "warning" not in res.stderr
    assert calls[-1]["host"] == "127.0.0.1"


def test_serve_without_a_store_exits_4(tmp_path: Path) -> None:
    res = runner.invoke(cli_app, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 4
    assert "no store at" in res.stderr


def test_out_of_range_window_in_a_list_is_422_not_500(client: TestClient) -> None:
    # Found by the schemathesis run: a bound on a list parameter must apply to each item.
    res = client.get("/api/flows/records", params={"window": 0})
    assert res.status_code == 422
    assert res.json()["detail"][0]["loc"] == ["query", "window", 0]


def test_date_beyond_the_store_range_is_422_not_500(client: TestClient) -> None:
    # Found by the schemathesis run: pandas timestamps end in 2262.
    res = client.get("/api/status", params={"asof": "2263-01-01"})
    assert res.status_code == 422
    assert res.json()["detail"][0]["loc"] == ["query", "asof"]

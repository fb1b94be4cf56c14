"""`flowscope macro show|leadlag|chain` on a store built by `flowscope init` (bundled data)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flowscope.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("macro_cli") / "store.duckdb"
    res = runner.invoke(app, ["--db", str(path), "init"])
    assert res.exit_code == 0, res.output
    return path


def _run(db: Path, *args: str) -> tuple[int, str, str]:
    res = runner.invoke(app, ["--db", str(db), "macro", *args])
    return res.exit_code, res.stdout, res.stderr


def _values(doc: dict) -> dict[str, dict]:
    return {r["indicator"]: r for r in doc["indicators"]}


def test_show_newest_week_by_hand(db: Path) -> None:
    code, out, err = _run(db, "show", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["asof"] == "2026-08-21"
    rows = _values(doc)
    # FRED pull of 2026-08-21: WALCL 2026-08-19 = 6,745,699 (USD mn), RRP 2026-08-21 = 0.2 (USD bn)
    assert rows["net_liquidity_usd"]["value"] == pytest.approx(6_745_699e6 - 0.2e9)
    assert rows["net_liquidity_usd"]["stale"] == ""
    # no M2 after 2025-11 in the bundle: the value is shown and the staleness said loudly
    assert rows["m2_yoy_pct"]["stale"].startswith("M2SL (2025-11-01")
    assert any("STALE" in w for w in doc["warnings"])
    assert any("Treasury General Account" in w for w in doc["warnings"])


def test_show_asof_uses_only_what_was_released(db: Path) -> None:
    code, out, err = _run(db, "show", "--asof", "2025-06-04", "--format", "json")
    assert code == 0, err
    rows = _values(json.loads(out))
    # Wednesday: the H.4.1 of that day is out only on Thursday; WALCL 2025-05-28 = 6,673,244,
    # RRP 2025-06-04 = 168.882
    assert rows["net_liquidity_usd"]["value"] == pytest.approx(6_673_244e6 - 168.882e9)
    assert "WALCL 2025-05-28" in rows["net_liquidity_usd"]["inputs"]


def test_show_history_csv(db: Path) -> None:
    code, out, err = _run(db, "show", "--history", "3", "--format", "csv")
    assert code == 0, err
    lines = out.strip().splitlines()
    assert lines[0].startswith("asof,net_liquidity_usd,")
    assert len(lines) == 4 and lines[-1].startswith("2026-08-21,")


def test_bad_options_name_the_option(db: Path) -> None:
    code, out, err = _run(db, "show", "--asof", "next week")
    assert code == 2 and "--asof" in err and out == ""
    code, _, err = _run(db, "leadlag", "--indicator", "gold")
    assert code == 2 and "--indicator" in err
    code, _, err = _run(db, "chain", "--boot", "5")
    assert code == 2 and "--boot" in err


def test_leadlag_json(db: Path) -> None:
    code, out, err = _run(
        db, "leadlag", "--indicator", "nfci", "--boot", "200", "--max-lag", "2", "--format", "json"
    )
    assert code == 0, err
    rows = json.loads(out)["cross_correlation"]
    assert [r["lag_weeks"] for r in rows] == [-2, -1, 0, 1, 2]
    for r in rows:
        assert r["indicator"] == "nfci" and r["n_weeks"] > 300
        spans = r["ci_low"] <= 0 <= r["ci_high"]
        assert (r["verdict"] == "no evidence") == spans


def test_chain_says_which_links_it_cannot_estimate(db: Path) -> None:
    code, out, err = _run(db, "chain", "--boot", "200", "--format", "json")
    assert code == 0, err
    links = {r["link"]: r for r in json.loads(out)["links"]}
    assert links["ai_to_stocks"]["verdict"] == "supports"
    assert links["ai_to_stocks"]["n_weeks"] > 500
    odds = links["conditions_to_cut_odds"]
    assert odds["verdict"] == "not estimated" and "fedwatch_panel" in odds["note"]
    assert odds["corr"] is None and odds["n_weeks"] == 0


def _plotly_bundles(text: str) -> int:
    # every plotly.js bundle starts with its licence banner naming the library and version
    return len(re.findall(r"\* plotly\.js (?:\([^)]*\) )?v\d", text))


def test_show_chart_writes_one_self_contained_page(db: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "liq.html"
    code, out, err = _run(
        db, "show", "--asof", "2025-12-05", "--chart", str(out_file), "--format", "json"
    )
    assert code == 0, err
    json.loads(out)  # stdout is still one JSON document
    page = out_file.read_text(encoding="utf-8")
    assert _plotly_bundles(page) == 1
    assert "<title>liquidity_score and BTC-USD</title>" in page
    assert "Source: FRED WALCL" in page
    assert '"yaxis2"' in page.split("</script>", 1)[1]
    # BTC is cut at the as-of day: the newest BTC point drawn is 2025-12-05
    assert "2025-12-06" not in page.split("BTC-USD close")[1]


def test_show_chart_other_indicator_and_bad_options(db: Path, tmp_path: Path) -> None:
    f = tmp_path / "m2.html"
    code, _, err = _run(db, "show", "--chart", str(f), "--chart-indicator", "m2_yoy_pct")
    assert code == 0, err
    assert "<title>m2_yoy_pct and BTC-USD</title>" in f.read_text(encoding="utf-8")
    code, _, err = _run(db, "show", "--chart", str(f), "--chart-indicator", "vibes")
    assert code == 2 and "--chart-indicator" in err
    code, _, err = _run(db, "show", "--chart", str(tmp_path / "nope" / "x.html"))
    assert code == 2 and "--chart" in err and "does not exist" in err


def test_leadlag_chart_has_interval_bars(db: Path, tmp_path: Path) -> None:
    f = tmp_path / "lag.html"
    code, out, err = _run(
        db,
        "leadlag",
        "--indicator",
        "liquidity_score",
        "--indicator",
        "m2_yoy_pct",
        "--max-lag",
        "4",
        "--boot",
        "200",
        "--chart",
        str(f),
        "--format",
        "json",
    )
    assert code == 0, err
    doc = json.loads(out)
    page = f.read_text(encoding="utf-8")
    assert _plotly_bundles(page) == 1
    assert "<title>Lag profile vs BTC</title>" in page
    fig = page.split("</script>", 1)[1]  # the figure, after the inlined bundle
    assert fig.count('"arrayminus"') == 2  # one interval series per indicator
    assert len(doc["cross_correlation"]) == 2 * 9

"""`flowscope brief` on the bundled real data: verdict first, what changed, charts with
titles and sources, one offline HTML file, point-in-time --asof."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from flowscope.cli import app
from flowscope.report.brief import plotly_js
from flowscope.report.charts import SOURCE_PREFIX, break_gaps

runner = CliRunner()
ASOF = "2025-11-20"


def _run(db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), *args])


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("brief") / "s.duckdb"
    assert _run(path, "init").exit_code == 0
    return path


@pytest.fixture(scope="module")
def doc(db: Path) -> dict:
    res = _run(db, "brief", "--asof", ASOF, "--format", "json")
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.fixture(scope="module")
def page(db: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("html") / "brief.html"
    res = _run(db, "brief", "--asof", ASOF, "--html", str(out), "--format", "markdown")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("# flowscope brief")
    return out.read_text(encoding="utf-8")


def test_headline_agrees_with_the_regime_command_on_that_day(db: Path, doc: dict) -> None:
    res = _run(db, "regime", "--asof", ASOF, "--format", "json")
    reg = json.loads(res.stdout)
    head = doc["headline"]
    # Flows negative (-2), the 2025-10-29 statement (a cut) dovish (+1): neutral.
    assert head["regime"] == reg["regime"] == "neutral"
    assert head["score"] == reg["score"] == -1.0
    mine = {c["condition"]: (c["met"], c["data_date"]) for c in head["conditions"]}
    theirs = {c["condition"]: (c["met"], c["data_date"]) for c in reg["conditions"]}
    assert mine == theirs
    assert "NEUTRAL" in head["verdict"]


def test_headline_is_first_and_inventory_last(doc: dict, page: str, db: Path) -> None:
    assert next(iter(doc)) == "headline"
    assert doc["sections"][-1]["key"] == "data"
    assert {s["key"] for s in doc["sections"]} >= {
        "flows",
        "tone",
        "rotation",
        "liquidity",
        "macro",
    }
    res = _run(db, "brief", "--asof", ASOF)
    out = res.stdout
    assert (
        out.index("Verdict (siege rules") < out.index("What changed") < out.index("Data inventory")
    )
    assert page.index("Verdict (siege rules") < page.index('id="changes"') < page.index('id="data"')


def test_what_changed_matches_hand_computed_flow_sums(doc: dict, db: Path) -> None:
    changes = {c["front"]: c for c in doc["headline"]["changes"]}
    assert doc["headline"]["since_date"] == "2025-11-19"
    total = changes["flows_total"]
    # Farside Total, 10 sessions to 2025-11-19 (decision of 11-20) vs to 2025-11-18.
    assert total["after"] == pytest.approx(-1_982.2e6, abs=1e5)
    assert total["before"] == pytest.approx(-2_194.6e6, abs=1e5)
    assert total["change"] == pytest.approx(212.4e6, abs=1e5)
    assert changes["regime"]["before"].startswith("neutral")
    res = _run(db, "brief", "--asof", ASOF, "--since", "2025-11-10", "--format", "json")
    assert json.loads(res.stdout)["headline"]["since_date"] == "2025-11-10"
    bad = _run(db, "brief", "--asof", ASOF, "--since", "2025-12-01")
    assert bad.exit_code == 2 and "--since" in bad.output


def test_html_is_small_offline_with_one_plotly(page: str) -> None:
    assert len(page.encode("utf-8")) <= 1_500_000
    assert len(re.findall(r"plotly\.js \(basic - minified\) v", page)) == 1
    # Outside the inlined library (whose code holds link strings of its own), no asset or
    # link points to the network.
    markup = page.replace(plotly_js(), "")
    assert len(markup) < len(page) - 1_000_000
    assert not re.search(r"""(src|href)\s*=\s*["']?https?:""", markup)
    assert page.count("Plotly.newPlot(") >= 4


def _figures(page: str) -> list[dict]:
    """Layouts of every figure in the page (plotly writes newPlot(id, data, layout, config))."""
    dec = json.JSONDecoder()
    out = []
    for m in re.finditer(r'Plotly\.newPlot\(\s*"[^"]+",\s*', page):
        data, end = dec.raw_decode(page, m.end())
        rest = page[end:].lstrip(", \n")
        layout, _ = dec.raw_decode(rest)
        out.append({"data": data, "layout": layout})
    return out


def test_every_chart_has_a_title_and_its_source_on_it(page: str) -> None:
    figs = _figures(page)
    assert figs
    for f in figs:
        title = f["layout"]["title"]["text"]
        assert title
        notes = [a["text"] for a in f["layout"].get("annotations", [])]
        assert any(t.startswith(SOURCE_PREFIX) for t in notes), title
    titles = [f["layout"]["title"]["text"] for f in figs]
    assert any(t.startswith("BTC price") for t in titles)


def test_tone_chart_breaks_lines_between_distant_meetings(page: str) -> None:
    tone = next(f for f in _figures(page) if f["layout"]["title"]["text"].startswith("FOMC tone"))
    assert {t["name"] for t in tone["data"]} <= {"statement", "minutes"}
    st = next(t for t in tone["data"] if t["name"] == "statement")
    x = pd.to_datetime(pd.Series(st["x"]))
    y = pd.Series(st["y"])
    # The bundled statements skip 2016-09..2019-01: a None sits inside that gap.
    inside = y[(x > "2016-10-01") & (x < "2018-12-31")]
    assert len(inside) >= 1 and inside.isna().all()


def test_break_gaps_inserts_missing_only_in_wide_gaps() -> None:
    s = pd.Series([1.0, 2.0, 3.0], index=pd.to_datetime(["2020-01-29", "2020-03-15", "2022-05-04"]))
    out = break_gaps(s, pd.Timedelta(days=100))
    assert len(out) == 4 and out.isna().sum() == 1
    assert pd.Timestamp("2020-03-15") < out.index[out.isna()][0] < pd.Timestamp("2022-05-04")


def test_rotation_chart_omits_a_stale_asset(db: Path, tmp_path: Path) -> None:
    # On 2026-04-17 NVDA's data ended 2025-12-31, months before the other equities.
    out = tmp_path / "b.html"
    res = _run(db, "brief", "--asof", "2026-04-17", "--format", "html", "--out", str(out))
    assert res.exit_code == 0, res.output
    rot = next(
        f for f in _figures(out.read_text()) if f["layout"]["title"]["text"].startswith("BTC vs")
    )
    names = " ".join(t["name"] for t in rot["data"])
    assert "NVDA" not in names and "NVDA" not in rot["layout"]["title"]["text"]
    doc = json.loads(_run(db, "brief", "--asof", "2026-04-17", "--format", "json").stdout)
    sec = next(s for s in doc["sections"] if s["key"] == "rotation")
    assert sec["facts"]["stale_assets"] == {"NVDA": "2025-12-31"}


def test_sections_carry_sources_with_dates_and_ingestion(doc: dict) -> None:
    for s in doc["sections"]:
        assert s["sources"], s["key"]
        for r in s["sources"]:
            assert r["start_date"] and r["last_ingested_utc"]
            if r["dataset"] != "fomc_meetings":  # the calendar is published ahead
                assert r["end_date"] <= ASOF, r

"""`flowscope brief` shows a cached brief while nothing it depends on changed: same store
file, options, day and code; any write to the store, other options or --fresh build it anew."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import flowscope.report.brief as brief_mod
from flowscope.cli import app

runner = CliRunner()
ASOF = "2025-11-20"
CQ = "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"


def _run(db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), *args])


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("brief-cache") / "s.duckdb"
    assert _run(path, "init").exit_code == 0
    return path


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Dates of the briefs actually built (the real builder runs; calls are recorded)."""
    seen: list[str] = []
    real = brief_mod.build_brief

    def counting(store, **kw):
        seen.append(f"{kw['asof']:%Y-%m-%d}")
        return real(store, **kw)

    monkeypatch.setattr(brief_mod, "build_brief", counting)
    return seen


def _json(db: Path, *extra: str) -> dict:
    res = _run(db, "brief", "--asof", ASOF, "--format", "json", *extra)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_the_same_brief_again_is_shown_from_the_cache(db, builds, tmp_path):
    first = _json(db)
    again = _json(db)
    assert builds == [ASOF]  # built once
    assert again == first  # generated_utc included: the very brief built first
    fresh = _json(db, "--fresh")
    assert builds == [ASOF, ASOF]
    assert fresh["generated_utc"] > first["generated_utc"]
    assert {k: v for k, v in fresh.items() if k != "generated_utc"} == {
        k: v for k, v in first.items() if k != "generated_utc"
    }
    other = _run(db, "brief", "--asof", "2025-11-28", "--format", "json")
    assert other.exit_code == 0 and builds[-1] == "2025-11-28"
    preset = _json(db, "--preset", "trend")
    assert len(builds) == 4 and preset["headline"] != first["headline"]


def test_a_write_to_the_store_builds_the_brief_again(tmp_path, builds, shared_data):
    db = tmp_path / "s.duckdb"
    assert _run(db, "init").exit_code == 0
    before = _json(db)
    _json(db)
    assert builds == [ASOF]
    res = _run(db, "import", "prices", str(shared_data / CQ), "--source-name", "cq-test")
    assert res.exit_code == 0, res.output
    after = _json(db)
    assert builds == [ASOF, ASOF]
    assert after["generated_utc"] > before["generated_utc"]


def _figures(page: str) -> list[dict]:
    """Data and layout of every figure in the page (``Plotly.newPlot(id, data, layout, …)``)."""
    dec = json.JSONDecoder()
    out = []
    for m in re.finditer(r'Plotly\.newPlot\(\s*"[^"]+",\s*', page):
        data, end = dec.raw_decode(page, m.end())
        layout, _ = dec.raw_decode(page[end:].lstrip(", \n"))
        out.append({"data": data, "layout": layout})
    return out


def _text(page: str) -> str:
    """The page without its figures' scripts and div ids (ids are drawn anew each time)."""
    return re.sub(r"<div id=.*?</script>", "", page, flags=re.S)


def test_html_after_json_has_its_charts_and_is_cached_with_them(db, builds, tmp_path):
    _json(db)
    pages = [tmp_path / f"{i}.html" for i in range(3)]
    for page, extra in zip(pages, ([], [], ["--fresh"]), strict=True):
        res = _run(db, "brief", "--asof", ASOF, "--format", "markdown", "--html", str(page), *extra)
        assert res.exit_code == 0, res.output
    first, cached, fresh = (p.read_text(encoding="utf-8") for p in pages)
    # shown from the cache: the same text and the same figures (data and layout)
    assert _text(cached) == _text(first)
    assert _figures(cached) == _figures(first)
    # and the figures are those a fresh build draws
    assert len(_figures(first)) == len(_figures(fresh)) >= 4
    assert [f["data"] for f in _figures(first)] == [f["data"] for f in _figures(fresh)]
    titles = [f["layout"]["title"]["text"] for f in _figures(first)]
    assert titles == [f["layout"]["title"]["text"] for f in _figures(fresh)]
    assert any(t.startswith("BTC price") for t in titles)
    # the JSON brief (no charts) and the HTML brief (charts drawn) are separate entries
    assert builds[-2:] == [ASOF, ASOF] and len(builds) in (2, 3)

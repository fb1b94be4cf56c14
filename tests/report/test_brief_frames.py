"""The brief reads the store once; its sections only turn frames into sections."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flowscope.report._brief_model import BriefContext
from flowscope.report.brief import build_brief_from
from flowscope.report.sections import SECTION_MODULES, section_builders
from flowscope.report.sections import rotation as rotation_section
from flowscope.storage import Store

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ROOT / "src" / "flowscope" / "report" / "sections"
ASOF = pd.Timestamp("2025-11-28")
_IO = ("read", "sql", "coverage", "etf_flows", "rates", "fomc_meetings", "cached_scores")


@pytest.fixture(scope="module")
def ctx(bundled_store: Store) -> BriefContext:
    return BriefContext.load(bundled_store, ASOF)


@pytest.fixture
def no_store(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every read of any store fails: what runs now must live on frames alone."""

    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("a section read the store")

    for name in _IO:
        monkeypatch.setattr(Store, name, refuse)


def test_every_section_builds_from_frames_without_the_store(ctx, no_store):
    built = {name: build(ctx) for name, build in section_builders()}
    # 2025-11-28 is out of the Christmas season: seasonality is skipped, the rest shows.
    assert [k for k, v in built.items() if v is None] == ["seasonality"]
    assert set(built) == set(SECTION_MODULES)


def test_whole_brief_builds_from_frames_without_the_store(ctx, no_store):
    brief = build_brief_from(ctx)
    assert brief.headline is not None and brief.problems == []
    assert [s.key for s in brief.sections][:2] == ["flows", "rates"]


def test_rotation_section_from_frames_matches_a_hand_computed_correlation(ctx, no_store):
    """corr_60 of NVDA is the Pearson correlation of the last 60 daily log returns over the
    NYSE sessions where both closes exist (BTC at its UTC-day close)."""
    sec = rotation_section.build(ctx)
    assert sec is not None
    btc, nvda = ctx.frames.closes["BTC-USD"], ctx.frames.closes["NVDA"]
    both = pd.concat([btc.rename("btc"), nvda.rename("nvda")], axis=1, join="inner").dropna()
    rets = np.diff(np.log(both.to_numpy(dtype=float)), axis=0)[-60:]
    expected = np.corrcoef(rets[:, 0], rets[:, 1])[0, 1]
    assert sec.facts["NVDA"]["corr_60"] == pytest.approx(expected, abs=1e-9)
    assert sec.facts["NVDA"]["date"] == f"{both.index[-1]:%Y-%m-%d}"


def test_charts_are_drawn_only_when_asked(ctx):
    sec = rotation_section.build(ctx)
    assert sec is not None and len(sec.charts) == 1
    assert sec._figures is None  # nothing drawn while building
    (fig,) = sec.figures
    assert "NVDA" in fig.layout.title.text
    assert sec.figures[0] is fig  # drawn once


def test_freshness_coverage_is_read_once(bundled_store, monkeypatch):
    """The banner judged freshness on two separate coverage reads; one is enough."""
    calls: list[bool] = []
    real = Store.coverage

    def count(self: Store, *a: object, **k: object) -> pd.DataFrame:
        calls.append(bool(k.get("with_values")))
        return real(self, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "coverage", count)
    BriefContext.load(bundled_store, ASOF)
    assert calls.count(True) == 1


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


@pytest.mark.parametrize("path", sorted(SECTIONS.glob("*.py")), ids=lambda p: p.name)
def test_sections_import_no_reader(path):
    bad = {
        m
        for m in _imports(path)
        if m.split(".")[:2] in (["flowscope", "queries"], ["flowscope", "storage"]) or m == "duckdb"
    }
    assert not bad, f"{path.name} imports {sorted(bad)}"


def test_import_contract_forbids_queries_in_sections():
    cfg = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = cfg["tool"]["importlinter"]["contracts"]
    mine = [c for c in contracts if c.get("source_modules") == ["flowscope.report.sections"]]
    assert len(mine) == 1
    assert mine[0]["type"] == "forbidden"
    assert {"flowscope.queries", "flowscope.storage"} <= set(mine[0]["forbidden_modules"])


def test_json_brief_imports_no_plotly_jinja_or_numba(bundled_store, monkeypatch):
    """A brief printed as JSON draws no chart and renders no template."""
    import builtins
    import json

    from flowscope.report.brief import build_brief

    seen: list[str] = []
    real = builtins.__import__

    def spy(name: str, *a: object, **k: object) -> object:
        if name.split(".")[0] in ("plotly", "jinja2", "markupsafe", "numba"):
            seen.append(name)
        return real(name, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", spy)
    brief = build_brief(bundled_store, asof=ASOF)
    json.dumps(brief.to_dict(), default=str)
    assert seen == []


def test_one_read_of_all_closes_equals_one_read_per_symbol(bundled_store):
    from flowscope.queries.prices import held_symbols, load_close, load_closes

    end = ASOF + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    held = held_symbols(bundled_store)
    many = load_closes(bundled_store, [*held, "NOT-HELD"], end=end)
    assert list(many) == list(held)
    for symbol in held:
        one = load_close(bundled_store, symbol, end=end)
        pd.testing.assert_series_equal(many[symbol], one, check_exact=True)
        assert many[symbol].attrs == one.attrs

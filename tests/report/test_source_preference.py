"""One source preference: the rates and flows readers follow ``store.preference`` and its
settings override (``FLOWSCOPE_SOURCE_PREFERENCE``), on real files.

Oracles: the real files' own values. On 2022-01-13 pyfedwatch's ZQU24 settles at 98.22 and
Yahoo's at 98.31 (MANIFEST §8.1); DefiLlama's bitcoin flows are Farside's Total (MANIFEST §4).
"""

from __future__ import annotations

import importlib.resources
import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from flowscope._bundle import bundle_manifest
from flowscope.analytics import flows as fa
from flowscope.cli import app
from flowscope.config import load_settings
from flowscope.queries.rates import load_inputs
from flowscope.sources import read_file
from flowscope.storage import Store

FF = "fed_futures"
DAY = pd.Timestamp("2022-01-13")
ZQ24 = ["ZQU24", "ZQV24", "ZQX24", "ZQZ24"]


@pytest.fixture(scope="module")
def zq_frames(shared_data):
    py = read_file(shared_data / FF / "pyfedwatch_zq_daily_long.csv.gz", "fed_futures")
    yahoo = read_file(shared_data / FF / "yahoo_zq_U24_V24_X24_Z24_daily.csv", "fed_futures")
    return {
        py.source: py.frame[py.frame["contract"].isin(ZQ24)],
        yahoo.source: yahoo.frame,
    }


def _zq_store(path, zq_frames, env=None) -> Store:
    settings = load_settings(env=env or {})
    s = Store(path, source_preference=settings.source_preference)
    name = "fomc_meetings.parquet"
    entry = next(e for e in bundle_manifest() if e["file"] == name)
    with (importlib.resources.files("flowscope") / "data" / name).open("rb") as fh:
        s.upsert("fomc_meetings", pd.read_parquet(fh), source=entry["source"])
    for source, frame in zq_frames.items():
        s.upsert("fed_futures", frame, source=source)
    return s


def _settle(inputs, contract="ZQU24"):
    f = inputs.futures
    return f.loc[(f["contract"] == contract) & (f["date"] == DAY), ["settle", "source"]]


def test_rates_reader_follows_the_declared_then_the_overridden_order(tmp_path, zq_frames):
    with _zq_store(tmp_path / "a.duckdb", zq_frames) as s:
        assert s.preference("fed_futures") == ("cme", "yahoo", "pyfedwatch")
        inputs = load_inputs(s)
    row = _settle(inputs)
    assert row["source"].tolist() == ["yahoo"]
    assert row["settle"].iloc[0] == pytest.approx(98.31)
    assert not inputs.futures.duplicated(["contract", "date"]).any()
    assert inputs.sources == ("pyfedwatch", "yahoo")

    env = {"FLOWSCOPE_SOURCE_PREFERENCE": "fed_futures=pyfedwatch,yahoo"}
    with _zq_store(tmp_path / "b.duckdb", zq_frames, env) as s:
        assert s.preference("fed_futures") == ("pyfedwatch", "yahoo")
        inputs = load_inputs(s)
    row = _settle(inputs)
    assert row["source"].tolist() == ["pyfedwatch"]
    assert row["settle"].iloc[0] == pytest.approx(98.22)
    # Yahoo still fills the days pyfedwatch lacks (its file ends 2023-09-15)
    late = inputs.futures[inputs.futures["date"] > "2023-09-15"]
    assert set(late["source"]) == {"yahoo"}


@pytest.fixture
def flows_db(tmp_path, shared_data):
    path = tmp_path / "flows.duckdb"
    with Store(path) as s:
        for rel in (
            "etf_flows/moltovy_farside_btc_etf_flows_daily.csv",
            "etf_flows/moltovy_defillama_etf_history_total_flows.csv",
        ):
            parsed = read_file(shared_data / rel, "etf_flows")
            s.upsert("etf_flows", parsed.frame, source=parsed.source)
    return path


def _show_total(db, env):
    res = CliRunner().invoke(
        app,
        ["--db", str(db), "flows", "show", "--fund", "Total", "--start", "2024-01-11",
         "--end", "2024-01-12", "--format", "json"],
        env=env,
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_flows_readers_follow_the_overridden_order(flows_db):
    rows = _show_total(flows_db, {})
    assert [r["source"] for r in rows] == ["farside", "farside"]
    # Farside Total 2024-01-11: 655.3 US$ M (DefiLlama carries the same figure)
    assert rows[0]["flow_usd"] == pytest.approx(655.3e6)
    env = {"FLOWSCOPE_SOURCE_PREFERENCE": "etf_flows=defillama,farside"}
    rows = _show_total(flows_db, env)
    assert [r["source"] for r in rows] == ["defillama", "defillama"]
    assert rows[0]["flow_usd"] == pytest.approx(655.3e6)

    settings = load_settings(env=env)
    with Store(flows_db, source_preference=settings.source_preference) as s:
        flows = s.etf_flows(funds="Total")
        pref = s.preference("etf_flows")
    canon = fa.select_canonical(flows, priority=pref)
    # DefiLlama (274 days, sparse after mid-Aug 2024) wins where it has a figure; Farside fills
    # the rest of its 579 rows less the 16 NYSE-holiday rows kept out at import
    assert canon["source"].value_counts().to_dict() == {"farside": 579 - 16 - 274, "defillama": 274}
    assert fa.DEFAULT_SOURCE_PRIORITY[0] == "farside"
    by_default = fa.select_canonical(flows)
    assert set(by_default["source"]) == {"farside"}

"""Artemis / DefiLlama cross-check files: parsing real exports and reconciling with Farside."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from flowscope._bundle import load_bundle
from flowscope.analytics import flows as fa
from flowscope.cli import app
from flowscope.errors import FlowscopeError, ParseError
from flowscope.sources import detect_format, read_file
from flowscope.storage import Store

AUM = "etf_flows/moltovy_artemis_bitcoin_etfs_aum_daily.csv"
MONTHLY = "etf_flows/moltovy_artemis_bitcoin_etf_flows_monthly.csv"
WEEKLY = "etf_flows/moltovy_artemis_crypto_etf_flows_weekly.csv"
LLAMA = "etf_flows/moltovy_defillama_etf_history_total_flows.csv"


@pytest.fixture(scope="module")
def farside_wide(bundled_store: Store) -> pd.DataFrame:
    return fa.flows_wide(bundled_store.etf_flows(source="farside"))


def test_detection(shared_data: Path) -> None:
    assert detect_format(shared_data / AUM, "etf_flows").name == "artemis-aum-daily"
    assert detect_format(shared_data / MONTHLY, "etf_flows_agg").name == "artemis-flows-monthly"
    assert detect_format(shared_data / WEEKLY, "etf_flows_agg").name == "artemis-flows-weekly"
    assert detect_format(shared_data / LLAMA, "etf_flows").name == "defillama-etf-history"


def test_aum_daily(shared_data: Path) -> None:
    parsed = read_file(shared_data / AUM, "etf_flows")
    f = parsed.frame
    assert parsed.source == "artemis"
    assert f["date"].dt.day_of_week.max() <= 4
    ibit = f[f["fund"] == "IBIT"].set_index("date")["aum_usd"]
    assert ibit.iloc[0] == 111_700_000.0  # first-day AUM = first-day flow
    assert ibit.loc["2025-11-18"] == pytest.approx(73_281_420_380.0)
    assert f.loc[f["fund"] == "ARKB", "aum_usd"].iloc[0] == 65_300_000.0  # float noise removed
    # Grayscale mini trust ("Bitcoin") is 0 until listed: no rows before its first AUM
    btc = f[f["fund"] == "BTC"]
    assert btc["aum_usd"].gt(0).iloc[0]
    assert btc["date"].min() > pd.Timestamp("2024-07-01")
    assert "non-session rows" in parsed.issues[0].reason


def test_monthly_matches_manifest_gaps(shared_data: Path, farside_wide: pd.DataFrame) -> None:
    agg = read_file(shared_data / MONTHLY, "etf_flows_agg").frame
    assert set(agg["period"]) == {"month"}
    assert "BTC" in set(agg["fund"])
    rec = fa.reconcile_aggregates(farside_wide, agg, period="month")
    both = rec[rec["status"] != "single"]
    assert (both["diff_usd"].abs() <= 0.5e6).mean() > 0.85
    gap = rec.set_index(["period_end", "fund"])["diff_usd"] / 1e6
    assert gap.loc[(pd.Timestamp("2024-11-30"), "IBIT")] == pytest.approx(96.8, abs=0.05)
    assert gap.loc[(pd.Timestamp("2024-10-31"), "GBTC")] == pytest.approx(45.8, abs=0.05)
    assert gap.loc[(pd.Timestamp("2025-02-28"), "ARKB")] == pytest.approx(148.8, abs=0.05)


def test_weekly_matches_manifest(shared_data: Path, farside_wide: pd.DataFrame) -> None:
    agg = read_file(shared_data / WEEKLY, "etf_flows_agg").frame
    assert set(agg["asset"]) == {"bitcoin", "ethereum", "ripple", "solana"}
    rec = fa.reconcile_aggregates(farside_wide[["Total"]], agg, period="week")
    assert len(rec) == 118
    assert round((rec["status"] == "agree").mean(), 2) == 0.69
    worst = rec.loc[rec["diff_usd"].abs().idxmax()]
    assert worst["period_end"] == pd.Timestamp("2025-03-02")
    assert abs(worst["diff_usd"]) / 1e6 == pytest.approx(228.5)


def test_defillama_equals_farside_total(shared_data: Path, farside_wide: pd.DataFrame) -> None:
    parsed = read_file(shared_data / LLAMA, "etf_flows")
    f = parsed.frame.set_index("date")["flow_usd"]
    assert len(f) == 274
    assert (f == farside_wide["Total"].reindex(f.index)).all()
    assert "ethereum: 265" in (parsed.issues[0].detail or "")


def test_bad_cell(tmp_path: Path) -> None:
    p = tmp_path / "aum.csv"
    p.write_text("date,IBIT,Bitcoin\n2025-11-17,1.0,2.0\n2025-11-18,x1,2.0\n")
    with pytest.raises(ParseError) as ei:
        read_file(p, "etf_flows", format="artemis-aum-daily")
    assert (ei.value.row, ei.value.column) == (3, "IBIT")


def test_cli_reconcile_month_and_aum_in_show(tmp_path: Path, shared_data: Path) -> None:
    db = tmp_path / "s.duckdb"
    with Store(db) as s:
        load_bundle(s)
    runner = CliRunner()
    for f in (MONTHLY, AUM):
        dataset = "etf_flows_agg" if f == MONTHLY else "etf_flows"
        res = runner.invoke(app, ["--db", str(db), "import", dataset, str(shared_data / f)])
        assert res.exit_code == 0, res.output
    res = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "flows",
            "reconcile",
            "--period",
            "month",
            "--disagree",
            "-f",
            "IBIT",
            "--format",
            "json",
        ],
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    nov = next(r for r in rows if r["period_end"] == "2024-11-30")
    assert nov["diff_musd"] == 96.8
    res = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "flows",
            "show",
            "-f",
            "IBIT",
            "--start",
            "2025-11-18",
            "--end",
            "2025-11-18",
            "--format",
            "json",
        ],
    )
    row = json.loads(res.output)[0]
    assert (row["flow_musd"], row["source"]) == (-523.2, "farside")
    assert row["aum_usd"] == pytest.approx(73_281_420_380.0)


_ROOT = Path(__file__).resolve().parents[2].parent / "shared" / "data"
_SAMPLES = {
    name: (_ROOT / path).read_bytes()[:1500]
    for name, path in [
        ("artemis-aum-daily", AUM),
        ("artemis-flows-monthly", MONTHLY),
        ("artemis-flows-weekly", WEEKLY),
        ("defillama-etf-history", LLAMA),
    ]
}


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(sorted(_SAMPLES)),
    st.lists(
        st.tuples(
            st.integers(0, 2000),
            st.integers(0, 6),
            st.binary(max_size=4) | st.sampled_from([b",", b"\n", b'"', b"x", b"1e999", b"-"]),
        ),
        max_size=6,
    ),
)
def test_parsers_raise_only_flowscope_errors(
    tmp_path: Path, fmt: str, edits: list[tuple[int, int, bytes]]
) -> None:
    data = _SAMPLES[fmt]
    for pos, cut, ins in edits:
        p = pos % (len(data) + 1)
        data = data[:p] + ins + data[p + cut :]
    f = tmp_path / "mangled.csv"
    f.write_bytes(data)
    with contextlib.suppress(FlowscopeError):
        read_file(f, format=fmt)

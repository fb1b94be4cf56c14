"""`flowscope flows ...` on the bundled real data (and real files imported on top)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from flowscope._bundle import load_bundle
from flowscope.cli import app
from flowscope.storage import Store

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "flows"
runner = CliRunner()


@pytest.fixture(scope="module")
def bundled_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("flows_cli") / "bundled.duckdb"
    with Store(path) as s:
        load_bundle(s)
    return path


@pytest.fixture
def db(bundled_db: Path, tmp_path: Path) -> Path:
    """A writable copy of the bundled store."""
    p = tmp_path / "copy.duckdb"
    shutil.copy(bundled_db, p)
    return p


def run(db: Path, *args: str) -> tuple[int, str]:
    res = runner.invoke(app, ["--db", str(db), *args])
    return res.exit_code, res.output


def test_show_json_acceptance(bundled_db: Path) -> None:
    code, out = run(
        bundled_db,
        "flows",
        "show",
        "--start",
        "2025-11-13",
        "--end",
        "2025-11-18",
        "--format",
        "json",
    )
    assert code == 0, out
    rows = json.loads(out)
    by = {(r["date"], r["fund"]): r for r in rows}
    days = ["2025-11-13", "2025-11-14", "2025-11-17", "2025-11-18"]
    assert [by[d, "IBIT"]["flow_musd"] for d in days] == [-256.6, -463.1, -145.6, -523.2]
    assert [by[d, "Total"]["flow_musd"] for d in days] == [-866.7, -492.1, -254.6, -372.8]
    assert by["2025-11-13", "Total"]["flow_usd"] == -866_700_000.0
    assert {r["source"] for r in rows} == {"farside"}
    assert {r["date"] for r in rows} == set(days)


def test_show_fund_filter_wide_and_csv(bundled_db: Path) -> None:
    code, out = run(
        bundled_db,
        "flows",
        "show",
        "-f",
        "ibit",
        "--start",
        "2025-11-13",
        "--end",
        "2025-11-14",
        "--format",
        "csv",
    )
    assert code == 0, out
    lines = out.strip().splitlines()
    assert lines[0] == "date,fund,flow_musd,flow_usd,source"
    assert lines[1].startswith("2025-11-13,IBIT,-256.6,")
    code, out = run(
        bundled_db,
        "flows",
        "show",
        "--start",
        "2025-11-18",
        "--end",
        "2025-11-18",
        "--wide",
        "--format",
        "json",
    )
    row = json.loads(out)[0]
    assert row["ibit_musd"] == -523.2
    assert row["total_musd"] == -372.8
    assert row["btc_musd"] == 139.6


def test_show_bad_input(bundled_db: Path) -> None:
    code, out = run(bundled_db, "flows", "show", "--start", "yesterday-ish")
    assert code == 2  # a usage error
    assert "--start" in out
    code, out = run(bundled_db, "flows", "show", "--fund", "NOPE")
    assert code == 4  # no data held
    assert "no ETF flows held for NOPE" in out


def test_records_ibit(bundled_db: Path) -> None:
    code, out = run(
        bundled_db,
        "flows",
        "records",
        "--fund",
        "IBIT",
        "--rank-ending",
        "2025-11-18",
        "--format",
        "json",
    )
    assert code == 0, out
    rows = json.loads(out)
    first = next(r for r in rows if r["record"] == "first outflow day")
    assert first["date"] == "2024-05-01"
    assert first["value_musd"] == -36.9
    one = [r for r in rows if r["record"] == "largest 1-day outflow"]
    assert (one[0]["date"], one[0]["value_musd"], one[0]["rank"]) == ("2026-01-30", -528.3, 1)
    four = [r for r in rows if r["record"] == "largest 4-day outflow"]
    assert (four[0]["date"], four[0]["end"], four[0]["rank"]) == ("2025-11-13", "2025-11-18", 1)
    assert four[0]["value_musd"] == -1388.5
    streak = next(r for r in rows if r["record"] == "longest outflow streak")
    assert (streak["date"], streak["end"]) == ("2025-02-24", "2025-03-03")
    assert streak["note"].startswith("6 consecutive")
    ranked = {r["record"]: r["rank"] for r in rows if r["record"].endswith("ending 2025-11-18")}
    assert ranked == {"1-day window ending 2025-11-18": 2, "4-day window ending 2025-11-18": 1}


def test_import_unseen_farside_csv_adds_only_new_days_and_keeps_revisions(db: Path) -> None:
    fixture = FIX / "farside_update_2026.csv"
    code, out = run(db, "import", "etf_flows", str(fixture))
    assert code == 0, out
    assert "farside-raw-csv" in out
    # flagged rows: the Saturday zero row, the unpublished 23 Jul row, 4 summary rows
    assert "2026-04-11" in out
    assert "weekend" in out
    assert "2026-07-23" in out
    assert "not yet published" in out
    # 15 kept days x 13 columns = 195 rows: 13 new July days x 13 columns + MSBT newly
    # reported on 2026-04-10 = 170 new; the 2026-04-10 Total revised; the rest as held
    assert "195 rows" in out
    assert "+170 new, 1 changed, 24 unchanged" in out
    code, out = run(db, "import", "etf_flows", str(fixture))
    assert "unchanged (same content" in out and "nothing read" in out
    code, out = run(db, "import", "etf_flows", str(fixture), "--force")
    assert "+0 new, 0 changed, 195 unchanged" in out
    code, out = run(
        db,
        "flows",
        "show",
        "-f",
        "Total",
        "--start",
        "2026-04-10",
        "--end",
        "2026-07-23",
        "--format",
        "json",
    )
    rows = json.loads(out)
    assert rows[0] == {
        "date": "2026-04-10",
        "fund": "Total",
        "flow_musd": 256.7,
        "flow_usd": 256_700_000.0,
        "source": "farside",
    }
    assert [r["date"] for r in rows][1:3] == ["2026-07-06", "2026-07-07"]
    assert rows[-1]["date"] == "2026-07-22"
    code, out = run(db, "flows", "revisions", "--format", "json")
    assert code == 0, out
    rev = json.loads(out)
    assert len(rev) == 1
    assert (rev[0]["date"], rev[0]["fund"], rev[0]["old_musd"], rev[0]["current_musd"]) == (
        "2026-04-10",
        "Total",
        240.4,
        256.7,
    )


def test_weekend_copy_reconciled_not_merged(db: Path, shared_data: Path) -> None:
    copy = shared_data / "etf_flows" / "ciyberpunk_farside_btc_etf_flows_wide_daily.csv"
    code, out = run(db, "import", "etf_flows", str(copy), "--source-name", "farside-ciyberpunk")
    assert code == 0, out
    assert out.count("weekend") == 172
    assert "2025-09-03: every figure is zero or missing" in out.replace("(", "").replace(")", "")
    code, out = run(
        db,
        "flows",
        "reconcile",
        "--start",
        "2024-01-11",
        "--end",
        "2025-09-03",
        "-f",
        "Total",
        "--format",
        "json",
    )
    assert code == 0, out
    rows = json.loads(out)
    by = {r["date"]: r for r in rows}
    # no weekend or holiday rows entered from the calendar-day copy
    assert "2024-01-13" not in by
    assert "2024-01-15" not in by
    # its unpublished all-zero last row was kept out: only the main copy has 2025-09-03
    last = by["2025-09-03"]
    assert (last["farside_musd"], last["farside_ciyberpunk_musd"], last["status"]) == (
        300.5,
        None,
        "single",
    )
    assert {r["status"] for r in rows[:-1]} == {"agree"}
    # 428 dates shared by the two files, minus the 16 holiday rows kept out of both,
    # plus 2025-09-03 held by the main copy only
    assert len(rows) == 428 - 16 - 1 + 1
    # the canonical series is still the main copy's
    code, out = run(db, "flows", "show", "-f", "Total", "--start", "2025-09-03", "--format", "json")
    assert json.loads(out)[0]["source"] == "farside"


def test_reconcile_flags_disagreement(db: Path, shared_data: Path) -> None:
    raw = shared_data / "etf_flows" / "mohammadhannan_farside_btc_total_flows_raw_format.csv"
    run(db, "import", "etf_flows", str(raw), "--source-name", "farside-text")
    code, out = run(db, "flows", "reconcile", "-f", "Total", "--disagree", "--format", "json")
    assert code == 0, out
    assert json.loads(out) == []  # identical on every shared date
    fixture = FIX / "farside_update_2026.csv"
    run(db, "import", "etf_flows", str(fixture), "--source-name", "farside-july")
    code, out = run(db, "flows", "reconcile", "-f", "Total", "--disagree", "--format", "json")
    rows = json.loads(out)
    assert [(r["date"], r["farside_musd"], r["farside_july_musd"]) for r in rows] == [
        ("2026-04-10", 240.4, 256.7)
    ]
    assert rows[0]["spread_musd"] == 16.3


def test_chart_html(bundled_db: Path, tmp_path: Path) -> None:
    out_file = tmp_path / "ibit.html"
    code, out = run(bundled_db, "flows", "chart", "-f", "IBIT", "-o", str(out_file))
    assert code == 0, out
    html = out_file.read_text()
    assert "plotly" in html.lower()
    assert '<script src="https://cdn.plot.ly' not in html  # self-contained
    assert "cumulative" in html
    assert "#d64545" in html  # red outflow bars
    assert "563 days of IBIT" in " ".join(out.split())


def test_rank_and_reversals(bundled_db: Path) -> None:
    code, out = run(
        bundled_db,
        "flows",
        "rank",
        "--start",
        "2024-01-11",
        "--end",
        "2025-11-18",
        "--format",
        "json",
    )
    assert code == 0, out
    rows = json.loads(out)
    assert (rows[0]["rank"], rows[0]["fund"]) == (1, "IBIT")
    assert rows[-1]["fund"] == "GBTC"
    assert rows[-1]["net_musd"] < 0
    code, out = run(
        bundled_db,
        "flows",
        "reversals",
        "--start",
        "2025-10-01",
        "--end",
        "2025-12-31",
        "--format",
        "json",
    )
    assert code == 0, out
    flips = json.loads(out)
    # the Nov 2025 outflow regime starts 2025-10-30 and ends 2025-11-28
    assert [(f["date"], f["to"]) for f in flips if "2025-10-30" <= f["date"] <= "2025-11-28"] == [
        ("2025-10-30", "outflow"),
        ("2025-11-28", "inflow"),
    ]


def _records(db: Path, fund: str) -> list[dict[str, object]]:
    res = runner.invoke(
        app, ["--db", str(db), "flows", "records", "--fund", fund, "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


def test_records_identical_for_a_table_with_prelaunch_zeros(
    shared_data: Path, tmp_path: Path
) -> None:
    from tests.sources._prelaunch import MOLTOVY, zero_before_launch

    zeros = zero_before_launch(shared_data, tmp_path / "zeros.csv")
    dbs = {}
    for name, src in (("clean", shared_data / MOLTOVY), ("zeros", zeros)):
        dbs[name] = tmp_path / f"{name}.duckdb"
        code, out = run(dbs[name], "import", "etf_flows", str(src))
        assert code == 0, out
    for fund in ("BTC", "MSBT"):
        assert _records(dbs["zeros"], fund) == _records(dbs["clean"], fund)
    first = next(r for r in _records(dbs["zeros"], "BTC") if r["record"] == "first outflow day")
    assert (first["date"], first["value_musd"]) == ("2024-08-28", -8.8)
    assert first["note"] == "20 sessions after launch (2024-07-31)"
    code, rank_clean = run(dbs["clean"], "flows", "rank", "--format", "json")
    code2, rank_zeros = run(dbs["zeros"], "flows", "rank", "--format", "json")
    assert code == code2 == 0
    assert json.loads(rank_zeros) == json.loads(rank_clean)
    btc = next(r for r in json.loads(rank_clean) if r["fund"] == "BTC")
    assert btc["days"] == 424


def test_records_ignore_prelaunch_rows_already_in_the_store(
    shared_data: Path, tmp_path: Path
) -> None:
    from tests.sources._prelaunch import MOLTOVY

    db = tmp_path / "old.duckdb"
    code, out = run(db, "import", "etf_flows", str(shared_data / MOLTOVY))
    assert code == 0, out
    clean = _records(db, "BTC")
    # rows an older importer stored: BTC 0.0 on the sessions before its launch
    days = pd.to_datetime(
        pd.read_csv(shared_data / MOLTOVY).query("date < '2024-07-31' and Total != 0")["date"]
    )
    with Store(db) as s:
        s.upsert(
            "etf_flows",
            pd.DataFrame({"date": days, "fund": "BTC", "flow_usd": 0.0}),
            source="farside",
        )
    res = runner.invoke(
        app, ["--db", str(db), "flows", "records", "--fund", "BTC", "--format", "json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == clean
    assert "138 stored row(s) dated outside their fund's life ignored (BTC: 138)" in res.stderr

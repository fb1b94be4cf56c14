"""Garbage never stored silently, history never rewritten by a drifted page or file.

Real files from ../shared/data with cells or headers changed in the test; a real DuckDB store.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
from pathlib import Path

import httpx
import pandas as pd
import pytest
from typer.testing import CliRunner

import flowscope.sources._http
from flowscope.cli import app
from flowscope.storage import Store

runner = CliRunner()
FARSIDE_CSV = "etf_flows/moltovy_farside_btc_etf_flows_daily.csv"
FARSIDE_PAGE = "etf_flows/juanbarmo10_farside_btc_page_trimmed_2026-07.html"
CQ = "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"
FRED = "http_payloads/fred_fredgraph_WALCL_2002-12-18_2024-12-25__HMM-Model-For-Yield-Rates.csv"
RATES_LONG = "fed_futures/fred_policy_rates_riskmodel_2021-05_2026-08_long.csv"
ZQ = "fed_futures/pyfedwatch_zq_daily_long.csv.gz"
COMMS = "fomc_text/fed_communications_2020_2026_Ate329.csv"


def _run(db: Path, *args: str):
    return runner.invoke(app, ["--db", str(db), *args])


def _checksum(db: Path) -> str:
    """SHA-256 of every dataset as ``Store.read`` returns it (sorted), revisions included."""
    h = hashlib.sha256()
    with Store(db, read_only=True) as s:
        for name in sorted(s.datasets()):
            frame = s.read(name)
            h.update(name.encode())
            h.update(frame.sort_values(list(frame.columns)).to_csv(index=False).encode())
        h.update(s.revisions("etf_flows").to_csv(index=False).encode())
    return h.hexdigest()


def _rows(path: Path) -> list[list[str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return path


# -- header-only files ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("dataset", "rel"),
    [
        ("etf_flows", FARSIDE_CSV),
        ("prices", CQ),
        ("rates", FRED),
        ("rates", RATES_LONG),
        ("fed_futures", ZQ),
        ("fomc_docs", COMMS),
    ],
)
def test_header_only_file_exits_non_zero_and_stores_nothing(tmp_path, shared_data, dataset, rel):
    header = _rows(shared_data / rel)[0]
    f = _write(tmp_path / ("h_" + Path(rel).name.removesuffix(".gz")), [header])
    db = tmp_path / "s.duckdb"
    res = _run(db, "import", dataset, str(f))
    assert res.exit_code != 0, res.output
    assert str(f.name) in res.output
    if db.exists():
        with Store(db, read_only=True) as s:
            assert s.read(dataset).empty
            assert s.connection.execute("SELECT count(*) FROM _files").fetchone()[0] == 0


# -- plausibility through import --------------------------------------------------------------
def _farside_with(tmp_path: Path, shared_data: Path, date: str, fund: str, value: str) -> Path:
    rows = _rows(shared_data / FARSIDE_CSV)
    col = rows[0].index(fund)
    for r in rows[1:]:
        if r[0] == date:
            r[col] = value
    return _write(tmp_path / "farside_changed.csv", rows)


def test_import_quarantines_an_absurd_flow_and_stores_the_rest(tmp_path, shared_data):
    # 2025-11-18 IBIT was -523.2 M USD (MANIFEST §3); 5e6 M USD = 5 trillion is no ETF flow.
    f = _farside_with(tmp_path, shared_data, "2025-11-18", "IBIT", "5000000000.0")
    db = tmp_path / "s.duckdb"
    res = _run(db, "import", "etf_flows", str(f))
    assert res.exit_code == 0, res.output
    assert "implausible" in res.output and "2025-11-18" in res.output and "IBIT" in res.output
    with Store(db, read_only=True) as s:
        ibit = s.etf_flows(funds="IBIT", start="2025-11-17", end="2025-11-18")
    assert ibit["date"].dt.strftime("%Y-%m-%d").tolist() == ["2025-11-17"]
    assert ibit["flow_usd"].iloc[0] == pytest.approx(-145.6e6)


def test_import_refuse_policy_stores_nothing(tmp_path, shared_data):
    f = _farside_with(tmp_path, shared_data, "2025-11-18", "IBIT", "5000000000.0")
    db = tmp_path / "s.duckdb"
    _run(db, "init", "--no-bundle")
    before = _checksum(db)
    res = _run(db, "import", "etf_flows", str(f), "--on-implausible", "refuse")
    assert res.exit_code == 1, res.output
    assert "2025-11-18" in res.output and "refuse" in res.output
    assert _checksum(db) == before


def test_import_bad_policy_is_a_usage_error(tmp_path, shared_data):
    res = _run(
        tmp_path / "s.duckdb", "import", "prices", str(shared_data / CQ), "--on-implausible", "drop"
    )
    assert res.exit_code == 2, res.output
    assert "--on-implausible" in res.output


def test_import_fomc_docs_release_in_2099_is_quarantined(tmp_path, shared_data):
    rows = _rows(shared_data / COMMS)
    head = rows[0]
    date_cols = [i for i, c in enumerate(head) if "date" in c.lower()]
    assert date_cols
    for i in date_cols:
        rows[1][i] = rows[1][i].replace(rows[1][i][:4], "2099", 1)
    f = _write(tmp_path / "comms.csv", rows)
    res = _run(tmp_path / "s.duckdb", "import", "fomc_docs", str(f))
    assert "2099" in res.output, res.output
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        docs = s.read("fomc_docs")
    assert not docs.empty
    assert docs["meeting_date"].max() < pd.Timestamp("2030-01-01")


# -- schema drift and revisions: Farside CSV ----------------------------------------------------
def _swap(rows: list[list[str]], a: str, b: str) -> list[list[str]]:
    head = rows[0]
    i, j = head.index(a), head.index(b)
    head[i], head[j] = head[j], head[i]
    return rows


def test_farside_csv_with_swapped_columns_is_refused_store_unchanged(tmp_path, shared_data):
    db = tmp_path / "s.duckdb"
    assert _run(db, "import", "etf_flows", str(shared_data / FARSIDE_CSV)).exit_code == 0
    before = _checksum(db)
    f = _write(tmp_path / "swapped.csv", _swap(_rows(shared_data / FARSIDE_CSV), "IBIT", "FBTC"))
    res = _run(db, "import", "etf_flows", str(f))
    assert res.exit_code == 1, res.output
    out = " ".join(res.output.split())
    assert "IBIT" in out and "FBTC" in out and "swapped" in out
    assert "--accept-revisions" in out
    assert _checksum(db) == before


def test_farside_csv_swap_accepted_is_stored_and_listed(tmp_path, shared_data):
    db = tmp_path / "s.duckdb"
    _run(db, "import", "etf_flows", str(shared_data / FARSIDE_CSV))
    f = _write(tmp_path / "swapped.csv", _swap(_rows(shared_data / FARSIDE_CSV), "IBIT", "FBTC"))
    res = _run(db, "import", "etf_flows", str(f), "--accept-revisions")
    assert res.exit_code == 0, res.output
    assert "accepted changes" in res.output
    with Store(db, read_only=True) as s:
        ibit = s.etf_flows(funds="IBIT", start="2024-01-11", end="2024-01-11")
    assert ibit["flow_usd"].iloc[0] == pytest.approx(227.0e6)  # FBTC's real first day


def test_farside_csv_revision_of_an_old_session_is_refused(tmp_path, shared_data):
    db = tmp_path / "s.duckdb"
    _run(db, "import", "etf_flows", str(shared_data / FARSIDE_CSV))
    before = _checksum(db)
    f = _farside_with(tmp_path, shared_data, "2025-11-18", "IBIT", "-100.0")
    res = _run(db, "import", "etf_flows", str(f))
    assert res.exit_code == 1, res.output
    out = " ".join(res.output.split())
    assert "2025-11-18 IBIT: -523.2 -> -100.0 M USD" in out
    assert _checksum(db) == before


def test_farside_csv_dropping_a_fund_column_is_refused(tmp_path, shared_data):
    db = tmp_path / "s.duckdb"
    _run(db, "import", "etf_flows", str(shared_data / FARSIDE_CSV))
    rows = _rows(shared_data / FARSIDE_CSV)
    col = rows[0].index("ARKB")
    f = _write(tmp_path / "no_arkb.csv", [r[:col] + r[col + 1 :] for r in rows])
    res = _run(db, "import", "etf_flows", str(f))
    assert res.exit_code == 1, res.output
    assert "no longer present: ARKB" in " ".join(res.output.split())


# -- connector path: the real Farside page through MockTransport ---------------------------------
def _serve(monkeypatch, page: bytes) -> None:
    def replay(request: httpx.Request) -> httpx.Response:
        if request.url.host == "farside.co.uk":
            return httpx.Response(200, content=page, headers={"content-type": "text/html"})
        return httpx.Response(404)

    monkeypatch.setattr(
        flowscope.sources._http,
        "make_client",
        lambda settings=None: httpx.Client(transport=httpx.MockTransport(replay)),
    )


def _page(shared_data: Path) -> str:
    return (shared_data / FARSIDE_PAGE).read_text(encoding="utf-8")


def test_update_page_with_swapped_fund_headers_is_refused(tmp_path, shared_data, monkeypatch):
    db = tmp_path / "s.duckdb"
    page = _page(shared_data)
    _serve(monkeypatch, page.encode())
    first = _run(db, "update", "--connector", "farside", "--since", "2026-06-01")
    assert first.exit_code == 0, first.output
    before = _checksum(db)
    # the ticker header row, as on the real page: "<span ...>     IBIT</span>"
    swapped = page.replace("IBIT</span>", "@@</span>").replace("FBTC</span>", "IBIT</span>")
    swapped = swapped.replace("@@</span>", "FBTC</span>")
    assert swapped != page
    _serve(monkeypatch, swapped.encode())
    res = _run(db, "update", "--connector", "farside", "--since", "2026-06-01", "--format", "json")
    assert res.exit_code == 1, res.output
    rep = json.loads(res.stdout)["sources"][0]
    assert rep["status"] == "failed"
    assert "IBIT" in rep["message"] and "FBTC" in rep["message"]
    assert _checksum(db) == before


def test_update_page_with_absurd_value_quarantines_or_refuses(tmp_path, shared_data, monkeypatch):
    page = _page(shared_data)
    # IBIT on 07 Jul 2026 (54.8 M USD on the real page) becomes 9,999,999.0 M USD (~1e13 USD).
    at = page.index("07 Jul 2026")
    cell = '<span class="tabletext">54.8</span>'
    assert page.index(cell, at) < page.index("08 Jul 2026")
    changed = page[:at] + page[at:].replace(cell, '<span class="tabletext">9,999,999.0</span>', 1)
    db = tmp_path / "s.duckdb"
    _serve(monkeypatch, changed.encode())
    _run(db, "init", "--no-bundle")
    before = _checksum(db)
    res = _run(db, "update", "--connector", "farside", "--since", "2026-06-01",
               "--on-implausible", "refuse", "--format", "json")  # fmt: skip
    assert res.exit_code == 1, res.output
    assert "implausible" in json.loads(res.stdout)["sources"][0]["message"]
    assert _checksum(db) == before
    res = _run(db, "update", "--connector", "farside", "--since", "2026-06-01", "--format", "json")
    assert res.exit_code == 0, res.output
    rep = json.loads(res.stdout)["sources"][0]
    assert rep["rows_new"] > 0
    assert any("implausible" in w for w in rep["warnings"])
    with Store(db, read_only=True) as s:
        assert s.read("etf_flows")["flow_usd"].abs().max() < 1e11

"""``flowscope check`` on a real Farside store: verdicts, JSON, and errors naming the claim."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

from typer.testing import CliRunner

from flowscope.cli import app

runner = CliRunner()
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "claims" / "seed-article.toml"


def test_seed_article_verdicts(farside_db: Path) -> None:
    res = runner.invoke(app, ["--db", str(farside_db), "check", str(EXAMPLE), "--format", "json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    by_id = {c["id"]: c for c in doc["claims"]}
    out = by_id["ibit-outflows-nov-13-18"]
    assert out["verdict"] == "misattributed"
    assert "these are the all-fund Total: -866.7 $M" in out["detail"]
    # A flows-only store holds no AUM, prices, documents or odds: each says why.
    assert by_id["ibit-aum-122b"]["verdict"] == "unverifiable"
    assert "no AUM held for IBIT" in by_id["ibit-aum-122b"]["detail"]
    assert by_id["btc-rebound-92700"]["verdict"] == "unverifiable"
    assert by_id["december-cut-odds-31-6"]["verdict"] == "unverifiable"
    assert sum(doc["counts"].values()) == len(doc["claims"])


def test_table_output_names_each_verdict(farside_db: Path) -> None:
    res = runner.invoke(app, ["--db", str(farside_db), "check", str(EXAMPLE)])
    assert res.exit_code == 0, res.output
    assert "misattributed" in res.stdout
    assert "ibit-outflows-nov-13-18" in res.stdout


def test_bad_claims_file_names_claim_and_key(farside_db: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[claim]]\nid = "x"\nmetric = "aum"\nfund = "IBIT"\n', encoding="utf-8")
    res = runner.invoke(app, ["--db", str(farside_db), "check", str(bad)])
    assert res.exit_code == 1
    assert "bad.toml: claim 'x' (#1): key 'end'" in res.stderr
    assert "Traceback" not in res.output


def test_missing_claims_file(farside_db: Path, tmp_path: Path) -> None:
    res = runner.invoke(app, ["--db", str(farside_db), "check", str(tmp_path / "nope.toml")])
    assert res.exit_code == 1
    assert "nope.toml: no such claims file" in res.stderr


def test_cut_odds_claim_from_prediction_markets(farside_db: Path, shared_data: Path) -> None:
    """The note's 31.6 % after the minutes, read from the Polymarket/Kalshi quotes of Nov 20."""
    quotes = (
        shared_data
        / "fed_futures/prediction_markets/neo-journalism_polymarket_kalshi_dec2025_nochange_30min.csv"
    )
    res = runner.invoke(app, ["--db", str(farside_db), "init"])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["--db", str(farside_db), "import", "prediction_markets", str(quotes)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["--db", str(farside_db), "check", str(EXAMPLE), "--format", "json"])
    claims = {c["id"]: c for c in json.loads(res.stdout)["claims"]}
    # With the bundled daily bars the impact model never cuts the cost of a move to a fifth.
    thin = claims["christmas-thin-book"]
    assert thin["verdict"] == "contradicted"
    assert thin["detail"].startswith("MODEL, not a measured book")
    claim = claims["december-cut-odds-31-6"]
    assert claim["verdict"] == "confirmed"
    # By hand from the file: rows of 2025-11-20 (UTC), cut bound = 1 - P(no change) mid.
    with quotes.open(newline="") as fh:
        rows = [
            r
            for r in csv.DictReader(fh)
            if dt.datetime.fromtimestamp(int(r["timestamp_ms"]) / 1000, dt.UTC).date()
            == dt.date(2025, 11, 20)
        ]
    for venue, col in (("kalshi", "kalshi_mid"), ("polymarket", "poly_mid")):
        mids = [float(r[col]) for r in rows if r[col]]
        last, lo, hi = (1 - mids[-1]) * 100, (1 - max(mids)) * 100, (1 - min(mids)) * 100
        assert (
            f"{venue} (cut bound 23:30 UTC): {last:.1f} % (day's range {lo:.1f}–{hi:.1f} %)"
            in (claim["measured"])
        )

"""The Polymarket + Kalshi order-book snapshot importer on the shared file and derived copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowscope.errors import ParseError
from flowscope.sources import detect_format, read_file

FILE = "fed_futures/prediction_markets/neo-journalism_polymarket_kalshi_dec2025_nochange_30min.csv"


def test_shared_file_imports_both_venues(shared_data):
    parsed = read_file(shared_data / FILE)
    f = parsed.frame
    assert parsed.format == "pm-book-snapshots-csv" and parsed.dataset == "prediction_markets"
    # 1,006 snapshots x 2 venues; the one Polymarket snapshot with an empty NO side is kept
    # with no ask and no mid (never a 0)
    assert len(f) == 2012
    assert f["venue"].value_counts().to_dict() == {"polymarket": 1006, "kalshi": 1006}
    assert int(f["mid"].isna().sum()) == 1
    assert str(f["ts"].min()) == "2025-11-16 06:01:20.028000+00:00"  # 01:01:20 ET
    assert set(f["market_id"]) == {"fed-decision-2025-12-no_change"}
    assert any("one side of the book empty" in i.reason for i in parsed.issues)


def _derived(shared: Path, tmp_path: Path, name: str) -> Path:
    lines = (shared / FILE).read_text().splitlines(keepends=True)
    head = lines[:6]
    cols = head[0].rstrip("\r\n").split(",")
    pb, kb = cols.index("poly_best_bid_yes"), cols.index("kalshi_best_bid_yes")

    def edit(line: str, idx: int, value: str) -> str:
        cells = line.rstrip("\r\n").split(",")
        cells[idx] = value
        return ",".join(cells) + "\r\n"

    head[2] = edit(head[2], pb, "1.2")  # file line 3: a price above 1
    head[3] = edit(head[3], kb, "0.6")  # file line 4: bid 0.60 above ask 1 - 0.48 = 0.52
    head[5] = head[5][: len(head[5]) // 2]  # file line 6: cut mid-line, no line end
    out = tmp_path / name
    out.write_text("".join(head))
    return out


def test_impossible_quotes_and_cut_last_line_are_quarantined(shared_data, tmp_path):
    parsed = read_file(_derived(shared_data, tmp_path, "fed_dec2025_nochange_30min.csv"))
    reasons = {(i.row, i.reason) for i in parsed.issues}
    assert (3, "price outside [0, 1]: kept out") in reasons
    assert (4, "best bid above best ask: kept out") in reasons
    assert (6, "last line cut (no line end, fields missing): kept out") in reasons
    # 4 complete lines x 2 venues, less the two quotes kept out
    assert len(parsed.frame) == 6
    assert parsed.frame["mid"].between(0, 1).all()


def test_file_name_must_name_the_market(shared_data, tmp_path):
    src = (shared_data / FILE).read_text().splitlines(keepends=True)[:3]
    p = tmp_path / "fed_nochange_30min_preprocessed.csv"
    p.write_text("".join(src))
    assert detect_format(p).name == "pm-book-snapshots-csv"
    with pytest.raises(ParseError, match="meeting month and the outcome"):
        read_file(p)

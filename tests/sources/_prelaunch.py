"""Build real Farside tables with a fund's cells before its launch written as 0 (or a figure)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

MOLTOVY = "etf_flows/moltovy_farside_btc_etf_flows_daily.csv"
#: First published figure of the funds launched after 2024-01-11 (hand-checked in the file).
LAUNCH = {"BTC": "2024-07-31", "MSBT": "2026-04-08"}


def zero_before_launch(
    shared_data: Path, out: Path, *, set_cell: dict[tuple[str, str], str] | None = None
) -> Path:
    """Copy the moltovy table with BTC and MSBT cells before their launch set to ``0.0``.

    ``set_cell`` overrides single cells: ``{("2024-07-30", "BTC"): "5.0"}``.
    """
    rows = list(csv.reader(io.StringIO((shared_data / MOLTOVY).read_text())))
    header = rows[0]
    for r in rows[1:]:
        for fund, day in LAUNCH.items():
            j = header.index(fund)
            if r[0] < day:
                assert r[j] == "", (r[0], fund, r[j])  # the clean file has no figure there
                r[j] = "0.0"
        for (day, fund), value in (set_cell or {}).items():
            if r[0] == day:
                r[header.index(fund)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    out.write_text(buf.getvalue())
    return out

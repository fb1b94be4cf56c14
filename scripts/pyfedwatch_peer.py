"""Regenerate the pyfedwatch golden fixture used by ``tests/analytics/test_fedwatch_peer.py``.

pyfedwatch 1.2 does not import with pandas 3, so it runs in its own virtual environment:

    python3 -m venv .venv-peers
    .venv-peers/bin/pip install "pandas<2.2" pyfedwatch
    .venv-peers/bin/python scripts/pyfedwatch_peer.py            # or: make pyfedwatch-peer

It reads the real ZQ settlements and FOMC dates shipped with pyfedwatch (from
``../shared/data/fed_futures``), runs ``pyfedwatch.FedWatch`` on every 20th trade date from
2009-01-02 to 2023-09-15 for 6 upcoming meetings, and writes the cumulative move
probabilities to ``tests/fixtures/rates/pyfedwatch_golden.csv`` (columns watch_date,
meeting_date, change_bp, probability). Dates on which pyfedwatch itself fails (a contract
it needs has no price yet) are listed on stderr and left out.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
OUT = ROOT / "tests" / "fixtures" / "rates" / "pyfedwatch_golden.csv"
NUM_UPCOMING = 6
EVERY = 20


def main() -> None:
    warnings.simplefilter("ignore")
    from pyfedwatch.fedwatch import FedWatch

    zq = pd.read_csv(DATA / "fed_futures" / "pyfedwatch_zq_daily_long.csv.gz", parse_dates=["Date"])
    by_symbol = {s: g[["Date", "Close"]].copy() for s, g in zq.groupby("Symbol")}

    def user_func(symbol: str, **_: object) -> pd.DataFrame:
        return by_symbol[symbol].copy()

    fomc = pd.read_csv(DATA / "fed_futures" / "pyfedwatch_fomc_data.csv")
    fomc_dates = sorted(fomc["FOMCDate"].astype(str).unique())
    dates = sorted(zq.loc[(zq.Date >= "2009-01-02") & (zq.Date <= "2023-09-15"), "Date"].unique())
    watch = [pd.Timestamp(d) for d in dates[::EVERY]]
    rows = []
    for w in watch:
        try:
            fw = FedWatch(
                watch_date=w.strftime("%Y-%m-%d"),
                fomc_dates=fomc_dates,
                num_upcoming=NUM_UPCOMING,
                user_func=user_func,
            )
            out = fw.generate_hike_info(rate_cols=False)
        except Exception as exc:  # pyfedwatch signals missing data with assorted errors
            print(f"{w:%Y-%m-%d}: pyfedwatch failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        long = out.stack().rename("probability").reset_index()
        long.columns = ["watch_date", "meeting_date", "change_bp", "probability"]
        # keep zero rows only for a meeting whose probabilities are all zero (a pyfedwatch
        # quirk: an exactly-zero first move), so the fixture still shows that meeting
        total = long.groupby("meeting_date")["probability"].transform("sum")
        long = long[(long.probability > 0) | ((total == 0) & (long.change_bp == 0))]
        rows.append(long)
    golden = pd.concat(rows, ignore_index=True)
    golden["change_bp"] = golden["change_bp"].astype(int)
    golden = golden.sort_values(["watch_date", "meeting_date", "change_bp"])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    golden.to_csv(OUT, index=False, float_format="%.10f")
    print(f"wrote {OUT} ({golden.watch_date.nunique()} watch dates, {len(golden)} rows)")


if __name__ == "__main__":
    main()

"""Build the bundled real-data snapshot (``src/flowscope/data``) from the shared data folder.

Usage::

    python scripts/build_bundle.py --shared ../shared/data

Each bundled file is produced by flowscope's own importers (the same code ``flowscope import``
runs), written as zstd Parquet with deterministic content, and listed in ``bundle.json`` with its
dataset, source and provenance; ``SOURCES.md`` is generated from the same list. Data whose
licence forbids redistribution (CC BY-NC, LGPL) is never bundled.

``retrieved`` (stored as ``ts_ingested``) is the day after the newest observation in the file:
the earliest the copy can have been taken.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from flowscope.sources import read_file
from flowscope.sources.formats.fomc_calendar import INTERMEETING_ACTIONS, merge_calendars
from flowscope.sources.formats.fomc_text import read_fomc_text_folder

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "flowscope" / "data"
MAX_BYTES = 15 * 1024 * 1024


@dataclass(frozen=True)
class Origin:
    """Where a shared-data file comes from (see the shared MANIFEST)."""

    path: str  # relative to the shared data folder
    repo: str
    commit: str
    repo_path: str
    licence: str


@dataclass(frozen=True)
class Entry:
    """One bundled Parquet file."""

    file: str
    dataset: str
    source: str
    description: str
    origins: tuple[Origin, ...]
    build: Callable[[Path], pd.DataFrame]
    #: Retrieval date when the newest observation is not a good bound (future calendars).
    retrieved: str | None = None


MOLTOVY = (
    "moltovy/Crypto-Research-Paper-Data-Factors-Analysis-",
    "0236b1e1cc2b347cf22e2e69ad58ca32974e73bc",
)
MOLTOVY_LIC = "MIT (code; the data are third-party exports)"
RISKDIV = ("jonsflow/risk-divergence", "56e053be2c81d2747028d7daa98ac5c1077fea51")
RISKMODEL = ("jonsflow/risk-model", "f6b08eb221200c4f995e39816c9d5119d165119e")
TV = "moltovy_tradingview_{t}_daily.csv"
TV_NAMES = {
    "QQQ": "QQQ_nasdaq100_etf",
    "SPY": "SPY_sp500_etf",
    "SMH": "SMH_vaneck_semiconductor_etf",
    "SOXX": "SOXX_ishares_semiconductor_etf",
    "XLK": "XLK_tech_sector_etf",
    "MSTR": "MSTR_microstrategy_stock",
    "COIN": "COIN_coinbase_stock",
}


def _parsed(dataset: str, rel: str, fmt: str | None = None) -> Callable[[Path], pd.DataFrame]:
    def build(shared: Path) -> pd.DataFrame:
        return read_file(shared / rel, dataset, format=fmt).frame

    return build


def _prices_many(rels: list[str]) -> Callable[[Path], pd.DataFrame]:
    def build(shared: Path) -> pd.DataFrame:
        return pd.concat([read_file(shared / r, "prices").frame for r in rels], ignore_index=True)

    return build


#: Statements in that folder that were not issued after a policy meeting (Federal Reserve
#: press releases on liquidity facilities and swap lines).
NON_MEETING_STATEMENTS = pd.to_datetime(["2007-08-10", "2007-08-17", "2008-03-11", "2010-05-09"])
#: Misdated files: 20070618.txt holds the statement of the 2007-06-27/28 meeting.
STATEMENT_DATE_FIXES = {pd.Timestamp("2007-06-18"): pd.Timestamp("2007-06-28")}

POLICY_SERIES = ("DFEDTARL", "DFEDTARU", "EFFR", "IORB", "SOFR", "FEDFUNDS")


def _rates(shared: Path) -> pd.DataFrame:
    old = pd.concat(
        [
            read_file(
                shared / f"fed_futures/fred_policy_rates_riskdivergence/{s}.csv", "rates"
            ).frame
            for s in POLICY_SERIES
        ],
        ignore_index=True,
    )
    new = read_file(
        shared / "fed_futures/fred_policy_rates_riskmodel_2021-05_2026-08_long.csv", "rates"
    ).frame
    new = new[new["series"].isin(POLICY_SERIES)]
    # The newer pull wins where both hold a date (they agree on these series).
    both = pd.concat([new, old], ignore_index=True).drop_duplicates(
        ["series", "date"], keep="first"
    )
    return both.sort_values(["series", "date"]).reset_index(drop=True)


CODEX = ("sivamsapingali/Codex_Macro-Monitor", "7fb97556145cd3604b1caab9002193df4f3eee07")
#: Macro-liquidity series (units and release times in flowscope.schemas.macro), by the
#: pulls holding them, newest pull first; the newest vintage wins where pulls overlap.
MACRO_RISKMODEL = (
    "WALCL",
    "WRESBAL",
    "RRPONTSYD",
    "DGS10",
    "T10YIE",
    "NFCI",
    "CPIAUCSL",
    "PCEPILFE",
)
MACRO_RISKDIV = ("WALCL", "WRESBAL", "RRPONTSYD", "DGS10", "T10YIE", "NFCI", "CPIAUCSL", "PCEPILFE")
MACRO_CODEX = ("M2SL", "WM2NS", "DGS2", "DTWEXBGS")
MACRO_START = pd.Timestamp("2003-01-01")


def _macro(shared: Path) -> pd.DataFrame:
    newest = read_file(shared / "macro/fred_cache_riskmodel_20260821_long.csv", "rates").frame
    parts = [newest[newest["series"].isin(MACRO_RISKMODEL)]]
    parts += [
        read_file(shared / f"macro/fred_riskdivergence/{s}.csv", "rates").frame
        for s in MACRO_RISKDIV
    ]
    parts += [
        read_file(shared / f"macro/fred_codex_macro_monitor/{s}.csv", "rates").frame
        for s in MACRO_CODEX
    ]
    both = pd.concat(parts, ignore_index=True).drop_duplicates(["series", "date"], keep="first")
    both = both[both["date"] >= MACRO_START]
    return both.sort_values(["series", "date"]).reset_index(drop=True)


def _fomc_meetings(shared: Path) -> pd.DataFrame:
    ff = shared / "fed_futures"
    decisions = read_file(
        ff / "transcribed/fomc_meetings_2016_2026_drecompounds.csv", "fomc_meetings"
    ).frame
    dates = read_file(ff / "cme_fedwatch_validation_Mguten/fomc_dates.csv", "fomc_meetings").frame
    history = read_file(ff / "pyfedwatch_fomc_data.csv", "fomc_meetings").frame
    # Statement days 1994-2016 (one statement per meeting from 1999; before that only on
    # changes): fills the meetings the rate-decision export omits (holds before 2008).
    folder = shared / "fomc_text/fomc_statements_1994_2016/statements"
    days = pd.to_datetime(sorted(p.name[:8] for p in folder.iterdir()), format="%Y%m%d")
    days = days[~days.isin(NON_MEETING_STATEMENTS)].map(lambda d: STATEMENT_DATE_FIXES.get(d, d))
    statements = pd.DataFrame(
        {
            "meeting_date": days,
            "kind": ["unscheduled" if d in INTERMEETING_ACTIONS else "scheduled" for d in days],
        }
    )
    merged = merge_calendars(dates, decisions, history, statements)
    # Minutes release dates from the Fed communications scrape (Type "Minute").
    comms = []
    for rel in (
        "fomc_text/fed_communications_2019_ASaragga.csv",
        "fomc_text/fed_communications_2020_2026_Ate329.csv",
    ):
        c = pd.read_csv(shared / rel, usecols=["Date", "Release Date", "Type"])
        comms.append(c[c["Type"].isin(["Minute", "Minutes"])])
    minutes = pd.concat(comms, ignore_index=True)
    release = pd.DataFrame(
        {
            "meeting_date": pd.to_datetime(minutes["Date"]),
            "minutes_release": pd.to_datetime(minutes["Release Date"]),
        }
    ).drop_duplicates("meeting_date", keep="last")
    merged = merged.drop(columns="minutes_release").merge(release, on="meeting_date", how="left")
    merged["sep"] = merged["sep"].astype("boolean")
    return merged


ENTRIES: list[Entry] = [
    Entry(
        "etf_flows_farside.parquet",
        "etf_flows",
        "farside",
        "US spot-Bitcoin ETF daily net flows per fund and Total (Farside), USD",
        (
            Origin(
                "etf_flows/moltovy_farside_btc_etf_flows_daily.csv",
                *MOLTOVY,
                "Data/Farside ETF Data/farside_btc_etf_flows__daily.csv",
                MOLTOVY_LIC,
            ),
        ),
        _parsed(
            "etf_flows", "etf_flows/moltovy_farside_btc_etf_flows_daily.csv", "farside-wide-csv"
        ),
    ),
    Entry(
        "prices_btc_cryptoquant.parquet",
        "prices",
        "cryptoquant",
        "BTC-USD daily OHLCV, all-exchange spot (CryptoQuant), UTC days",
        (
            Origin(
                "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv",
                *MOLTOVY,
                "Data/CryptoQuant/BTC/Market Data/Bitcoin Price & Volume - Spot, All Exchanges, BTC-USD - Day.csv",
                MOLTOVY_LIC,
            ),
        ),
        _parsed("prices", "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"),
    ),
    Entry(
        "prices_btc_yahoo.parquet",
        "prices",
        "yahoo",
        "BTC-USD daily (Yahoo Finance), UTC days, to 2026-07-23",
        (
            Origin(
                "macro/market_kittycapital/BTC.csv",
                "kittycapital/btc-asset-correlation",
                "8e3fb63170556edebd732a70143723b0aa025b4d",
                "data/BTC.csv",
                "none stated (Yahoo Finance data)",
            ),
        ),
        _parsed("prices", "macro/market_kittycapital/BTC.csv"),
    ),
    Entry(
        "prices_btc_bitstamp_coinbase.parquet",
        "prices",
        "bitstamp-coinbase",
        "BTC-USD daily from 1-minute candles: Bitstamp to 2015-07-21, Coinbase after",
        (
            Origin(
                "btc_prices/mathaszip_bitstamp_coinbase_btcusd_daily_2011_2025.csv",
                "mathaszip/BTCprice",
                "34486739ac76fc083c7bd0d186f866b1ae482846",
                "data/btc/daily/BTCUSD_1d_candles_full.csv",
                "none stated",
            ),
        ),
        _parsed("prices", "btc_prices/mathaszip_bitstamp_coinbase_btcusd_daily_2011_2025.csv"),
    ),
    Entry(
        "prices_nvda_yfinance.parquet",
        "prices",
        "yfinance",
        "NVDA daily, split- and dividend-adjusted (yfinance history), 2015-2025",
        (
            Origin(
                "equities/lragogna_yfinance_NVDA_daily_2015_2025.csv",
                "LRagogna/Quant-Factor-Research",
                "7ac3eb2e25261c0298c0c8e0c28bf8225bf5f51b",
                "data/raw/NVDA.csv",
                "none stated",
            ),
        ),
        _parsed("prices", "equities/lragogna_yfinance_NVDA_daily_2015_2025.csv"),
    ),
    Entry(
        "prices_equities_tradingview.parquet",
        "prices",
        "tradingview",
        "QQQ, SPY, SMH, SOXX, XLK, MSTR, COIN daily, split-adjusted (TradingView), to 2026-04-17",
        tuple(
            Origin(
                f"equities/{TV.format(t=name)}",
                *MOLTOVY,
                f"Data/Tradingview/Daily/{name}__daily.csv",
                MOLTOVY_LIC,
            )
            for name in TV_NAMES.values()
        ),
        _prices_many([f"equities/{TV.format(t=name)}" for name in TV_NAMES.values()]),
    ),
    Entry(
        "rates_fred.parquet",
        "rates",
        "fred",
        "FRED policy rates: DFEDTARL, DFEDTARU, EFFR, IORB, SOFR (daily), FEDFUNDS (monthly), %",
        (
            *(
                Origin(
                    f"fed_futures/fred_policy_rates_riskdivergence/{s}.csv",
                    *RISKDIV,
                    f"data/fred/{s}.csv",
                    "none stated (FRED data, public domain)",
                )
                for s in POLICY_SERIES
            ),
            Origin(
                "fed_futures/fred_policy_rates_riskmodel_2021-05_2026-08_long.csv",
                *RISKMODEL,
                "data/fred/fred_cache.json",
                "none stated (FRED data, public domain)",
            ),
        ),
        _rates,
    ),
    Entry(
        "macro_fred.parquet",
        "rates",
        "fred",
        "FRED macro liquidity from 2003: WALCL, WRESBAL (weekly), RRPONTSYD, DGS2, DGS10, T10YIE, "
        "DTWEXBGS (daily), NFCI (weekly), M2SL, CPIAUCSL, PCEPILFE (monthly), WM2NS (weekly); "
        "FRED units (USD mn, USD bn, %, index)",
        (
            Origin(
                "macro/fred_cache_riskmodel_20260821_long.csv",
                *RISKMODEL,
                "data/fred/fred_cache.json",
                "none stated (FRED data, public domain)",
            ),
            *(
                Origin(
                    f"macro/fred_riskdivergence/{s}.csv",
                    *RISKDIV,
                    f"data/fred/{s}.csv",
                    "none stated (FRED data, public domain)",
                )
                for s in MACRO_RISKDIV
            ),
            *(
                Origin(
                    f"macro/fred_codex_macro_monitor/{s}.csv",
                    *CODEX,
                    f"data/{s}.csv",
                    "none stated (FRED data, public domain)",
                )
                for s in MACRO_CODEX
            ),
        ),
        _macro,
    ),
    Entry(
        "fomc_meetings.parquet",
        "fomc_meetings",
        "flowscope-calendar",
        "FOMC meetings 1982-2027: kind, SEP, target range and decision, minutes release",
        (
            Origin(
                "fed_futures/transcribed/fomc_meetings_2016_2026_drecompounds.csv",
                "drecompounds/fomc-diff",
                "20b8488e9f21a00b7b336ec0ec603a3aaa3469b8",
                "data/meetings.csv (transcribed)",
                "none stated",
            ),
            Origin(
                "fed_futures/cme_fedwatch_validation_Mguten/fomc_dates.csv",
                "Mguten/fedwatch-vs-polymarket",
                "04b15bcd1e7d9f911630d5f3afcbb0a6945d4115",
                "config/fomc_dates.csv",
                "none stated",
            ),
            Origin(
                "fed_futures/pyfedwatch_fomc_data.csv",
                "ARahimiQuant/pyfedwatch",
                "f72a4a968919b3e6fb4914e8c800b218b52b5fc4",
                "data/fomc/fomc_data.xlsx (converted)",
                "Apache-2.0",
            ),
            Origin(
                "fomc_text/fed_communications_2020_2026_Ate329.csv",
                "Ate329/fed-statement-scraping",
                "4ba1134107b1d718e6b9243a82902e1a0b155f6b",
                "communications.csv (release dates only)",
                "none stated (US government texts)",
            ),
            Origin(
                "fomc_text/fomc_statements_1994_2016/statements/",
                "fomc/statements",
                "5b4df02e8952ec612313e0d02907483dd1827300",
                "statements/ (statement dates only)",
                "none stated (US government texts)",
            ),
        ),
        _fomc_meetings,
        # The newest past decision held is 2026-09-16; the calendar runs into 2027.
        retrieved="2026-09-17",
    ),
    # --- fomc_docs (FOMC text front) --------------------------------------------------------
    Entry(
        "fomc_docs_communications.parquet",
        "fomc_docs",
        "fed_communications",
        "FOMC statements and minutes 2019-2026 (meetings 2019-01-30..2026-04-29), full text, "
        "dash/quote encoding damage repaired",
        (
            Origin(
                "fomc_text/fed_communications_2020_2026_Ate329.csv",
                "Ate329/fed-statement-scraping",
                "4ba1134107b1d718e6b9243a82902e1a0b155f6b",
                "communications.csv",
                "none stated (US government texts)",
            ),
            Origin(
                "fomc_text/fed_communications_2019_ASaragga.csv",
                "ASaragga/fed-statement-scraping",
                "9b211bbf643579e580dcb0d17a3e7bed6bd9f4f1",
                "communications.csv (rows before 2020)",
                "none stated (US government texts)",
            ),
        ),
        lambda shared: pd.concat(
            [
                read_file(shared / "fomc_text" / f, "fomc_docs").frame
                for f in (
                    "fed_communications_2019_ASaragga.csv",
                    "fed_communications_2020_2026_Ate329.csv",
                )
            ],
            ignore_index=True,
        ),
        # the newest text is the 2026-04-29 minutes, released 2026-05-20
        retrieved="2026-05-21",
    ),
    Entry(
        "fomc_docs_statements_1994_2016.parquet",
        "fomc_docs",
        "fomc_statements",
        "FOMC policy statements 1994-02-04..2016-09-21 and implementation notes 2015-2016",
        (
            Origin(
                "fomc_text/fomc_statements_1994_2016",
                "fomc/statements",
                "5b4df02e8952ec612313e0d02907483dd1827300",
                "statements/, implementation_notes/",
                "none stated (US government texts)",
            ),
        ),
        lambda shared: read_fomc_text_folder(shared / "fomc_text/fomc_statements_1994_2016").frame,
    ),
    # --- end fomc_docs -----------------------------------------------------------------------
]


def _retrieved(frame: pd.DataFrame, dataset: str) -> str:
    from flowscope.schemas import get_dataset

    t = frame[get_dataset(dataset).time_column]
    last = pd.Timestamp(t.max())
    if last.tz is not None:
        last = last.tz_convert("UTC").tz_localize(None)
    return (last.normalize() + pd.Timedelta(days=1)).strftime("%Y-%m-%d")


def _write(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, compression="zstd", index=False)


def _sources_md(manifest: list[dict[str, object]]) -> str:
    lines = [
        "# Bundled data: sources and licences",
        "",
        "Every file here was built by `scripts/build_bundle.py` from copies of public files (the",
        "flowscope shared data folder, whose MANIFEST documents each file). Values are unchanged",
        "except for unit conversion (Farside US$ millions -> USD) and the merging described below.",
        "Third-party data remains its owners' (Farside Investors, CryptoQuant, TradingView, Yahoo",
        "Finance, Bitstamp/Coinbase); FRED and Federal Reserve data are public domain. No CC BY-NC or",
        "LGPL data is bundled.",
        "",
    ]
    for m in manifest:
        lines.append(f"## `{m['file']}` — {m['dataset']} (source `{m['source']}`)")
        lines.append("")
        lines.append(
            f"{m['description']}. {m['rows']:,} rows; retrieved no earlier than {m['retrieved']}."
        )
        lines.append("")
        lines.extend(
            f"- `{o['repo']}` @ `{o['commit'][:12]}`, `{o['repo_path']}` — licence: {o['licence']}"
            for o in m["origins"]  # type: ignore[attr-defined]
        )
        lines.append("")
    lines.extend(_FUNDS_MD)
    return "\n".join(lines)


_FUNDS_MD = [
    "## `funds.csv` — fund lifetimes (not built by this script)",
    "",
    "First (and last) US trading day of each spot-Bitcoin ETF in the Farside tables: IBIT, FBTC,",
    "BITB, ARKB, BTCO, EZBC, BRRR, HODL, BTCW and GBTC from 2024-01-11 (SEC Release No. 34-99306",
    "of 2024-01-10, 89 FR 3008), BTC (Grayscale Bitcoin Mini Trust) from 2024-07-31 (its Form 10-Q",
    "for 2024-06-30), MSBT from 2026-04-08 (first published figure in Farside). Each row names",
    "its public source and how the date was checked: every first day equals the first non-empty",
    "figure of `moltovy/Crypto-Research-Paper-Data-Factors-Analysis-` @ `0236b1e1cc2b`,",
    "`Data/Farside ETF Data/farside_btc_etf_flows__daily.csv`. Dates are public facts.",
    "",
]


def main(argv: list[str] | None = None) -> int:
    """Build the bundle; return a process exit code."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    shared: Path = args.shared
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    manifest: list[dict[str, object]] = []
    total = 0
    for entry in ENTRIES:
        frame = entry.build(shared)
        path = out / entry.file
        _write(frame, path)
        size = path.stat().st_size
        total += size
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        manifest.append(
            {
                "file": entry.file,
                "dataset": entry.dataset,
                "source": entry.source,
                "description": entry.description,
                "rows": len(frame),
                "retrieved": entry.retrieved or _retrieved(frame, entry.dataset),
                "sha256": digest,
                "origins": [o.__dict__ for o in entry.origins],
            }
        )
        print(f"{entry.file:<42} {len(frame):>8,} rows {size / 1024:>8.1f} KiB")
    (out / "bundle.json").write_text(
        json.dumps({"files": manifest}, indent=2) + "\n", encoding="utf-8"
    )
    (out / "SOURCES.md").write_text(_sources_md(manifest), encoding="utf-8")
    print(f"total {total / 1024 / 1024:.2f} MiB in {len(manifest)} files")
    if total > MAX_BYTES:
        print(f"bundle exceeds {MAX_BYTES / 1024 / 1024:.0f} MiB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The canonical datasets of the flowscope store.

Time discipline: every timestamp is UTC (``TIMESTAMPTZ``); dates are calendar dates of the
market they describe (US trading day for ETF flows and equities, UTC day for BTC, the
observation date for FRED). ``ts_ingested`` (UTC) is when flowscope learned the row.
"""

from __future__ import annotations

from flowscope.schemas._spec import (
    Availability,
    AvailabilityRule,
    Column,
    DatasetSpec,
    PublicationSchedule,
    Schedule,
)
from flowscope.schemas.plausibility import (
    LEVEL_SERIES,
    POLICY_SERIES,
    YIELD_SERIES,
    Band,
    Plausibility,
)

__all__ = [
    "BOOK_SNAPSHOTS",
    "DATASETS",
    "ETF_FLOWS",
    "FED_FUTURES",
    "FOMC_DOCS",
    "FOMC_MEETINGS",
    "PREDICTION_MARKETS",
    "PRICES",
    "RATES",
    "get_dataset",
    "register_dataset",
]

# Publication schedules (see docs/freshness.md). Grace: one period for NYSE sessions and US
# business days (figures land in the evening US time or the next morning), none for 24/7
# crypto bars and FOMC releases (fixed times), one period for weekly/monthly series.
_XNYS = Schedule("xnys", grace_periods=1)
_UTC_DAILY = Schedule("utc_daily", grace_periods=0)
_BUSINESS = Schedule("us_business", grace_periods=1)
_WEEKLY = Schedule("weekly", grace_periods=1)
_MONTHLY = Schedule("monthly", grace_periods=1)
#: FRED ids that are not daily (everything else in ``rates`` is a daily series).
_FRED_WEEKLY = ("WALCL", "WTREGEN", "WDTGAL", "WRESBAL", "WM2NS", "ICSA", "NFCI")
_FRED_MONTHLY = ("FEDFUNDS", "M2SL", "CPIAUCSL", "CPILFESL", "PCEPILFE", "UNRATE", "PAYEMS")

# Point-in-time availability (see docs/regime.md). ETF flows are published after the US close
# (Farside in the evening or overnight); ZQ settles at 14:00 Chicago and the settlement is
# out by 16:00 Chicago; the NY Fed publishes EFFR/SOFR for day D at 08:00-09:00 ET on D+1;
# FRED's target range is in force on its date (decided and announced before it); monthly
# FEDFUNDS comes out on the first business day after the month.
_AFTER_CLOSE = Availability("after_close", at="09:00", tz="America/New_York")
_US_CLOSE = Availability("local_time", at="16:00", tz="America/New_York")
_ZQ_SETTLE = Availability("local_time", at="16:00", tz="America/Chicago")
_FRED_NEXT_DAY = Availability("local_time", at="09:00", tz="America/New_York", lag_days=1)
_FRED_IN_FORCE = Availability("local_time", at="00:00", tz="America/New_York")
_FRED_WEEKLY_LAG = Availability("local_time", at="16:30", tz="America/New_York", lag_days=1)
_FRED_MONTHLY_LAG = Availability("period_end", at="09:00", tz="America/New_York", lag_days=1)
_FOMC_RELEASE = Availability(
    "release_time", at="16:00", tz="America/New_York", time_column="release_ts"
)

# Plausibility (see docs/importing.md): the first day a row can carry, and value ranges no real
# observation leaves. Spot-Bitcoin ETFs were approved on 2024-01-10 (first session 2024-01-11);
# the genesis block is dated 2009-01-03; the FOMC took its present form in 1936; ZQ futures
# started trading on 1988-10-03 and settle at 100 minus a rate in percent.
_ETF_PLAUSIBLE = Plausibility(
    earliest="2024-01-10",
    finite=("flow_usd", "aum_usd"),
    non_negative=("aum_usd",),
    bands=(Band("flow_usd", -1e11, 1e11, label="daily flow (USD)"),),
)
_PRICES_PLAUSIBLE = Plausibility(
    earliest="1900-01-01",
    earliest_by=(("BTC", "2009-01-03"),),
    finite=("open", "high", "low", "close", "volume"),
    positive=("open", "high", "low", "close"),
    non_negative=("volume",),
    ohlc=("open", "high", "low", "close"),
)
_RATES_PLAUSIBLE = Plausibility(
    earliest="1913-12-23",  # the Federal Reserve Act
    finite=("value",),
    bands=(
        Band("value", -1.0, 25.0, series=POLICY_SERIES, label="policy rate (%)"),
        Band("value", -5.0, 30.0, series=YIELD_SERIES, label="yield (%)"),
        Band("value", 0.0, float("inf"), series=LEVEL_SERIES, label="level (>= 0)"),
    ),
)
_MEETINGS_PLAUSIBLE = Plausibility(
    earliest="1936-01-01",
    future_days=3 * 366,  # the calendar is published years ahead
    finite=("target_lower", "target_upper"),
    ordered=(("target_lower", "target_upper"),),
    bands=(
        Band("target_lower", -1.0, 25.0, label="target lower bound (%)"),
        Band("target_upper", -1.0, 25.0, label="target upper bound (%)"),
    ),
)
_FUTURES_PLAUSIBLE = Plausibility(
    earliest="1988-10-03",
    finite=("open", "high", "low", "settle", "volume", "open_interest"),
    non_negative=("volume", "open_interest"),
    ohlc=("open", "high", "low", "settle"),
    bands=tuple(
        Band(c, 50.0, 101.0, low_open=True, label=f"ZQ {c} (100 - rate %)")
        for c in ("settle", "open", "high", "low")
    ),
)
_DOCS_PLAUSIBLE = Plausibility(earliest="1936-01-01")
_BOOK_PLAUSIBLE = Plausibility(
    earliest="2009-01-03",
    finite=("price", "size"),
    positive=("price",),
    non_negative=("size", "level"),
)

ETF_FLOWS = DatasetSpec(
    name="etf_flows",
    description="US spot-Bitcoin ETF daily net flows per fund (and the all-fund Total)",
    columns=(
        Column("date", "DATE", "US trading day", "NYSE session the flow belongs to", False),
        Column("fund", "VARCHAR", "", "Fund ticker (IBIT, FBTC …); 'Total' = all funds", False),
        Column("flow_usd", "DOUBLE", "USD", "Net creation (+) / redemption (-) in US dollars"),
        Column("aum_usd", "DOUBLE", "USD", "Assets under management, when the source has it"),
    ),
    key=("date", "fund"),
    time_column="date",
    group_column="fund",
    track_revisions=True,
    source_preference=("farside", "sosovalue", "defillama", "artemis"),
    publication=PublicationSchedule(default=_XNYS),
    availability=AvailabilityRule(default=_AFTER_CLOSE),
    plausibility=_ETF_PLAUSIBLE,
)

PRICES = DatasetSpec(
    name="prices",
    description="OHLCV bars for BTC and equities",
    columns=(
        Column(
            "ts",
            "TIMESTAMPTZ",
            "UTC",
            "Bar start; daily bars: 00:00 UTC of the bar's date (UTC day for crypto, "
            "exchange session date for equities)",
            False,
        ),
        Column("symbol", "VARCHAR", "", "Instrument (BTC-USD, NVDA, QQQ …)", False),
        Column("interval", "VARCHAR", "", "Bar length: '1d', '1h', '1m'", False),
        Column("open", "DOUBLE", "quote ccy", "Open price"),
        Column("high", "DOUBLE", "quote ccy", "High price"),
        Column("low", "DOUBLE", "quote ccy", "Low price"),
        Column("close", "DOUBLE", "quote ccy", "Close price"),
        Column("volume", "DOUBLE", "base units", "Traded volume (BTC for BTC-USD, shares)"),
        Column(
            "adjusted",
            "VARCHAR",
            "",
            "Price adjustment: 'none', 'split' or 'split_dividend'",
            False,
        ),
    ),
    key=("symbol", "interval", "ts"),
    time_column="ts",
    group_column="symbol",
    # full curated histories first, then the exchange and chart connectors that keep them current
    source_preference=(
        "cryptoquant",
        "coinbase",
        "kraken",
        "bitstamp-coinbase",
        "yfinance",
        "tradingview",
        "yahoo",
        "yfinance-download",
    ),
    publication=PublicationSchedule(default=_XNYS, by_prefix=(("BTC", _UTC_DAILY),)),
    availability=AvailabilityRule(default=_US_CLOSE, by_prefix=(("BTC", Availability("bar_end")),)),
    plausibility=_PRICES_PLAUSIBLE,
)

RATES = DatasetSpec(
    name="rates",
    description="Policy and money-market rates (FRED): target range, EFFR, SOFR …",
    columns=(
        Column("series", "VARCHAR", "", "FRED series id (DFEDTARL, DFEDTARU, EFFR …)", False),
        Column("date", "DATE", "observation date", "Observation date", False),
        Column("value", "DOUBLE", "%", "Rate in percent per year"),
    ),
    key=("series", "date"),
    time_column="date",
    group_column="series",
    source_preference=("fred",),
    publication=PublicationSchedule(
        default=_BUSINESS,
        by_group=(
            *((sid, _WEEKLY) for sid in _FRED_WEEKLY),
            *((sid, _MONTHLY) for sid in _FRED_MONTHLY),
        ),
    ),
    availability=AvailabilityRule(
        default=_FRED_NEXT_DAY,
        by_group=(
            ("DFEDTARL", _FRED_IN_FORCE),
            ("DFEDTARU", _FRED_IN_FORCE),
            ("IORB", _FRED_IN_FORCE),
            *((sid, _FRED_WEEKLY_LAG) for sid in _FRED_WEEKLY),
            *((sid, _FRED_MONTHLY_LAG) for sid in _FRED_MONTHLY),
        ),
    ),
    plausibility=_RATES_PLAUSIBLE,
)

FOMC_MEETINGS = DatasetSpec(
    name="fomc_meetings",
    description="FOMC meeting calendar: scheduled and unscheduled meetings, SEP, decisions",
    columns=(
        Column("meeting_date", "DATE", "US/Eastern date", "Last day of the meeting", False),
        Column("start_date", "DATE", "US/Eastern date", "First day of the meeting"),
        Column(
            "kind",
            "VARCHAR",
            "",
            "'scheduled', 'unscheduled', 'notation_vote', or 'rate_change' (pre-1994 target "
            "change dates, when decisions were not announced)",
            False,
        ),
        Column("sep", "BOOLEAN", "", "Summary of Economic Projections released"),
        Column("statement_release", "TIMESTAMPTZ", "UTC", "Statement release time"),
        Column("minutes_release", "DATE", "US/Eastern date", "Minutes release date"),
        Column("target_lower", "DOUBLE", "%", "Target range lower bound after the meeting"),
        Column("target_upper", "DOUBLE", "%", "Target range upper bound after the meeting"),
        Column("decision", "VARCHAR", "", "'hike', 'cut', 'hold' or NULL if not known"),
    ),
    key=("meeting_date",),
    time_column="meeting_date",
    availability=AvailabilityRule(default=Availability("in_advance")),
    plausibility=_MEETINGS_PLAUSIBLE,
)

FED_FUTURES = DatasetSpec(
    name="fed_futures",
    description="30-day fed funds futures (ZQ) daily settlements per contract month",
    columns=(
        Column("date", "DATE", "US trading day", "Settlement (trade) date", False),
        Column("contract", "VARCHAR", "", "CME symbol with 2-digit year, e.g. ZQU23", False),
        Column("contract_month", "DATE", "", "First day of the delivery month", False),
        Column("open", "DOUBLE", "price", "Open (100 - rate)"),
        Column("high", "DOUBLE", "price", "High"),
        Column("low", "DOUBLE", "price", "Low"),
        Column("settle", "DOUBLE", "price", "Settlement / close price (100 - implied rate %)"),
        Column("volume", "DOUBLE", "contracts", "Volume"),
        Column("open_interest", "DOUBLE", "contracts", "Open interest"),
    ),
    key=("contract", "date"),
    time_column="date",
    group_column="contract",
    source_preference=("cme", "yahoo", "pyfedwatch"),
    publication=PublicationSchedule(default=_XNYS, judge_series=False),
    availability=AvailabilityRule(default=_ZQ_SETTLE),
    plausibility=_FUTURES_PLAUSIBLE,
)

FOMC_DOCS = DatasetSpec(
    name="fomc_docs",
    description=(
        "FOMC statements, minutes and press conferences (text). release_ts is UTC; exactly "
        "00:00 UTC means the release time is unknown and that UTC calendar day is the release "
        "day (never read as midnight, i.e. the evening before in New York); any other time is "
        "dated by its US/Eastern day (flowscope.analytics.dates.release_day)"
    ),
    columns=(
        Column("meeting_date", "DATE", "US/Eastern date", "Meeting (end) date", False),
        Column(
            "kind",
            "VARCHAR",
            "",
            "'statement', 'minutes', 'presconf' or 'implementation_note'",
            False,
        ),
        Column(
            "release_ts",
            "TIMESTAMPTZ",
            "UTC",
            "Release time; exactly 00:00 UTC = time unknown, the UTC day is the release day",
        ),
        Column("title", "VARCHAR", "", "Document title"),
        Column("url", "VARCHAR", "", "Where the text was read"),
        Column("text", "VARCHAR", "", "Full text (UTF-8, encoding damage repaired)"),
    ),
    key=("kind", "meeting_date"),
    time_column="meeting_date",
    group_column="kind",
    source_preference=("fomc", "fed_communications", "fomc_statements", "tdw"),
    publication=PublicationSchedule(
        by_group=(
            ("statement", Schedule("fomc_meeting")),
            ("minutes", Schedule("fomc_minutes")),
        ),
    ),
    availability=AvailabilityRule(default=_FOMC_RELEASE),
    plausibility=_DOCS_PLAUSIBLE,
)

BOOK_SNAPSHOTS = DatasetSpec(
    name="book_snapshots",
    description="Exchange L2 order-book snapshots (one row per level)",
    columns=(
        Column("ts", "TIMESTAMPTZ", "UTC", "Snapshot time", False),
        Column("venue", "VARCHAR", "", "Exchange (binance, hyperliquid …)", False),
        Column("symbol", "VARCHAR", "", "Venue symbol", False),
        Column("side", "VARCHAR", "", "'bid' or 'ask'", False),
        Column("level", "INTEGER", "", "0 = best", False),
        Column("price", "DOUBLE", "quote ccy", "Level price"),
        Column("size", "DOUBLE", "base units", "Level size"),
    ),
    key=("venue", "symbol", "ts", "side", "level"),
    time_column="ts",
    group_column="symbol",
    plausibility=_BOOK_PLAUSIBLE,
)

PREDICTION_MARKETS = DatasetSpec(
    name="prediction_markets",
    description=(
        "Prediction-market order-book quotes on FOMC decisions (Kalshi, Polymarket): best "
        "bid/ask of the YES side per outcome, as probabilities 0..1"
    ),
    columns=(
        Column("ts", "TIMESTAMPTZ", "UTC", "Snapshot time of the order book", False),
        Column("venue", "VARCHAR", "", "'kalshi' or 'polymarket'", False),
        Column("market_id", "VARCHAR", "", "Venue market id (Kalshi ticker, Polymarket id)", False),
        Column(
            "meeting_month",
            "DATE",
            "US/Eastern month",
            "First day of the month of the FOMC meeting the market settles on (venues name "
            "the month; the calendar's meeting in that month is the meeting)",
            False,
        ),
        Column(
            "outcome",
            "VARCHAR",
            "",
            "'no_change', 'cut', 'hike' or a size bucket: 'cut_25', 'cut_gt25', 'hike_25', "
            "'hike_gt25'",
            False,
        ),
        Column("best_bid", "DOUBLE", "0..1", "Best bid for YES (USD per 1 USD payout)"),
        Column("best_ask", "DOUBLE", "0..1", "Best ask for YES (1 - best bid for NO)"),
        Column("mid", "DOUBLE", "0..1", "(best_bid + best_ask) / 2: the implied probability"),
        Column("spread", "DOUBLE", "0..1", "best_ask - best_bid"),
        Column("depth_bid", "DOUBLE", "contracts", "Size at the best YES bid"),
        Column("depth_ask", "DOUBLE", "contracts", "Size at the best YES ask (best NO bid)"),
    ),
    key=("venue", "market_id", "ts"),
    time_column="ts",
    group_column="venue",
    source_preference=("kalshi", "polymarket"),
    # 24/7 markets; each market ends with its meeting, so only the dataset as a whole is judged
    publication=PublicationSchedule(default=_UTC_DAILY, judge_series=False),
)

DATASETS: dict[str, DatasetSpec] = {
    d.name: d
    for d in (
        ETF_FLOWS,
        PRICES,
        RATES,
        FOMC_MEETINGS,
        FED_FUTURES,
        FOMC_DOCS,
        BOOK_SNAPSHOTS,
        PREDICTION_MARKETS,
    )
}


def register_dataset(spec: DatasetSpec) -> DatasetSpec:
    """Add a dataset to the registry (its table must come from a migration)."""
    DATASETS[spec.name] = spec
    return spec


def get_dataset(name: str) -> DatasetSpec:
    """Return the spec of dataset ``name``.

    Raises
    ------
    UnknownDatasetError
        If no dataset has that name (the message lists the known ones).
    """
    from flowscope.errors import UnknownDatasetError

    try:
        return DATASETS[name]
    except KeyError:
        msg = f"unknown dataset {name!r}; known datasets: {', '.join(sorted(DATASETS))}"
        raise UnknownDatasetError(msg) from None

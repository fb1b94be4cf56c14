"""Store to frames for the daily brief: everything its sections and headline read, in one pass.

:func:`load_brief_frames` reads each input once (the BTC closes that three sections show,
the ETF flows, the FOMC calendar, documents with their cached tone, FRED series, coverage
and freshness) into a :class:`BriefFrames`; the sections in :mod:`flowscope.report.sections`
only turn those frames into text, tables and charts. Days are naive; times UTC.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from flowscope.analytics.rotation import ROTATION_UNIVERSE
from flowscope.analytics.text import LexiconModel
from flowscope.errors import InsufficientDataError
from flowscope.queries.docs import cached_history, held_docs, top_sentences
from flowscope.queries.flows import etf_total_flows, flows_wide, latest_total_flow
from flowscope.queries.liquidity import daily_bars, latest_book
from flowscope.queries.macro import macro_observations
from flowscope.queries.prices import held_symbols, latest_closes, load_closes
from flowscope.queries.rates import (
    FedWatchInputs,
    fedwatch_panel,
    fomc_meetings,
    fred_target_ranges,
    latest_rates,
    load_inputs,
    policy_rates,
    release_events,
)
from flowscope.queries.regime import _PRICE_LOOKBACK_DAYS, TONE_LOOKBACK_DAYS, load_regime_inputs
from flowscope.schemas import FOMC_DOCS

if TYPE_CHECKING:
    from flowscope.signals.fronts import RegimeInputs
    from flowscope.storage import Store

__all__ = [
    "RATE_SERIES",
    "BriefFrames",
    "freshness_inputs",
    "load_brief_frames",
    "tone_day",
    "warm_top_sentences",
]

#: FRED series the rates and data sections show (target range bounds and EFFR, %).
RATE_SERIES: tuple[str, ...] = ("DFEDTARL", "DFEDTARU", "EFFR")


@dataclass(frozen=True)
class BriefFrames:
    """What the brief reads from the store, as of one day.

    Attributes
    ----------
    asof
        The brief's date (naive midnight); frames hold data known up to the end of that day.
    held_symbols
        Symbol -> sources holding daily bars (all history, as :func:`held_symbols`).
    closes
        Daily closes (quote currency, naive UTC days) up to ``asof`` of ``BTC-USD`` and of
        each rotation asset held (:func:`load_close`); ``attrs["source"]`` names the source.
    btc_latest
        The eight newest BTC-USD closes up to ``asof`` (:func:`latest_closes`).
    flows
        ``(long, wide)`` ETF flows up to ``asof`` (:func:`flows_wide`, USD), or None.
    etf_total
        All-fund Total per trading day up to ``asof`` (USD), or None.
    latest_total_flow
        The newest Total on or before ``asof`` (at most one row).
    meetings
        The FOMC calendar held.
    has_meetings
        Whether the store has the ``fomc_meetings`` dataset (freshness is judged without
        the calendar otherwise).
    policy_rates
        FRED :data:`RATE_SERIES` rows up to ``asof`` (%).
    target_range
        The FRED target range per day of ``policy_rates`` (``date``, ``lower``, ``upper``, %).
    latest_rates
        Newest value of each of :data:`RATE_SERIES` on or before ``asof``.
    fedwatch_inputs
        ZQ settlements up to ``asof``, calendar and target range, or None without a calendar.
    release_events
        FOMC statement and minutes release days.
    docs
        FOMC documents released up to ``asof`` (one per kind and meeting).
    tone
        Cached tone history of ``docs`` (dictionary model) with ``day``, the release day.
    tone_top
        The two most hawkish and dovish sentences of the newest document, or None.
    fedwatch_panel
        The stored FedWatch panel up to ``asof``, or None when none is stored.
    book
        Levels of the newest order-book snapshots up to ``asof``, or None.
    bars
        Daily BTC-USD bars with volume up to ``asof``, or None when not held.
    macro
        Declared FRED macro series up to ``asof`` (long form, FRED units).
    coverage
        Rows and first/last time per dataset and source, all held.
    coverage_asof
        The same up to the end of ``asof``.
    freshness_coverage
        Coverage per series with values up to ``asof`` (what freshness is judged on).
    regime
        The regime's inputs (:func:`load_regime_inputs`) from ``start``, with the cached
        tone history in ``fomc_tone``.
    """

    asof: pd.Timestamp
    held_symbols: dict[str, list[str]]
    closes: dict[str, pd.Series]
    btc_latest: pd.DataFrame
    flows: tuple[pd.DataFrame, pd.DataFrame] | None
    etf_total: pd.Series | None
    latest_total_flow: pd.DataFrame
    meetings: pd.DataFrame
    has_meetings: bool
    policy_rates: pd.DataFrame
    target_range: pd.DataFrame
    latest_rates: pd.DataFrame
    fedwatch_inputs: FedWatchInputs | None
    release_events: pd.DataFrame
    docs: pd.DataFrame
    tone: pd.DataFrame
    tone_top: dict[str, list[str]] | None
    fedwatch_panel: pd.DataFrame | None
    book: pd.DataFrame | None
    bars: pd.DataFrame | None
    macro: pd.DataFrame
    coverage: pd.DataFrame
    coverage_asof: pd.DataFrame
    freshness_coverage: pd.DataFrame
    regime: RegimeInputs

    def regime_inputs(self, day: pd.Timestamp) -> RegimeInputs:
        """The regime's inputs as :func:`load_regime_inputs` reads them with ``start=day``
        (``day`` on or after the start ``regime`` was read from): prices and FOMC texts
        before that start's look-back are dropped, so each day's fronts see the same rows."""
        early = pd.Timestamp(day) - pd.Timedelta(days=TONE_LOOKBACK_DAYS)
        first_bar = (early - pd.Timedelta(days=_PRICE_LOOKBACK_DAYS)).tz_localize("UTC")
        r = self.regime
        prices = r.prices[r.prices["ts"] >= first_bar] if not r.prices.empty else r.prices
        docs = r.fomc_docs
        tone = r.fomc_tone
        if not docs.empty:
            docs = docs[docs["meeting_date"] >= early.normalize()]
        if tone is not None and not tone.empty:
            tone = tone[tone["meeting_date"] >= early.normalize()]
        return dataclasses.replace(r, prices=prices, fomc_docs=docs, fomc_tone=tone)


def freshness_inputs(
    store: Store, today: pd.Timestamp | str
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """What the brief's freshness is judged on: coverage per series with values up to
    ``today`` and the FOMC calendar (None when the store has no ``fomc_meetings``)."""
    day = pd.Timestamp(today).normalize()
    cov = store.coverage(by_group=True, end=day, with_values=True)
    meetings = store.fomc_meetings() if "fomc_meetings" in store.datasets() else None
    return cov, meetings


def tone_day(hist: pd.DataFrame) -> pd.Series:
    """Release day of each tone-history row (naive UTC day; the meeting day without a time)."""
    day = hist["release_ts"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    return day.fillna(hist["meeting_date"])


def _tone(store: Store, docs: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, list[str]] | None]:
    if docs.empty:
        return pd.DataFrame(), None
    model = LexiconModel()
    hist = cached_history(store, docs, model)
    if hist.empty:
        return hist, None
    hist = hist.assign(day=tone_day(hist))
    return hist, top_sentences(store, _latest_text(docs, hist), model)


def _latest_text(docs: pd.DataFrame, hist: pd.DataFrame) -> str:
    """Text of the document the tone section quotes: the newest release (a statement before
    minutes of the same day)."""
    latest = hist.sort_values(["day", "kind"], ascending=[True, False]).iloc[-1]
    text = docs[(docs["kind"] == latest["kind"]) & (docs["meeting_date"] == latest["meeting_date"])]
    return str(text["text"].iloc[0])


def warm_top_sentences(store: Store, docs: pd.DataFrame) -> None:
    """Cache the quoted sentences of the newest of ``docs`` (a writable store), so a brief
    of today, which opens the store read-only, does not score that document again."""
    if docs.empty:
        return
    model = LexiconModel()
    hist = cached_history(store, docs, model)
    if not hist.empty:
        top_sentences(store, _latest_text(docs, hist.assign(day=tone_day(hist))), model)


def _regime_inputs(store: Store, start: pd.Timestamp) -> RegimeInputs:
    inputs = load_regime_inputs(store, start=start)
    docs = inputs.fomc_docs
    if docs.empty or "text" not in docs.columns:
        return inputs
    rank = {s: i for i, s in enumerate(FOMC_DOCS.source_preference)}
    order = docs["source"].map(rank).fillna(len(rank)) if "source" in docs.columns else None
    if order is not None:
        docs = docs.assign(_r=order).sort_values("_r", kind="stable").drop(columns="_r")
    tone = cached_history(store, docs, LexiconModel())
    return dataclasses.replace(inputs, fomc_tone=tone)


def load_brief_frames(
    store: Store, asof: pd.Timestamp, *, regime_start: pd.Timestamp | None = None
) -> BriefFrames:
    """Read every frame the brief needs, once.

    Parameters
    ----------
    store
        Open store (read-only is enough; missing tone scores are then computed, not saved).
    asof
        Brief date (naive day).
    regime_start
        First day the headline judges the regime on (default ``asof``); the regime's
        prices are read from 800 days before it, its FOMC texts from 400.

    Returns
    -------
    BriefFrames
    """
    day = pd.Timestamp(asof).normalize()
    end = day + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    held = held_symbols(store)
    closes: dict[str, pd.Series] = {}
    if "BTC-USD" in held:
        closes = load_closes(store, ["BTC-USD", *ROTATION_UNIVERSE], end=end, held=held)
    try:
        fw_inputs: FedWatchInputs | None = load_inputs(store, end=day)
    except InsufficientDataError:
        fw_inputs = None
    try:
        bars: pd.DataFrame | None = daily_bars(store, "BTC-USD", end=day)
    except InsufficientDataError:
        bars = None
    docs = held_docs(store, asof=day)
    tone, top = _tone(store, docs)
    meetings = fomc_meetings(store)
    rates = policy_rates(store, list(RATE_SERIES), end=day)
    regime = _regime_inputs(store, day if regime_start is None else regime_start)
    return BriefFrames(
        asof=day,
        held_symbols=held,
        closes=closes,
        btc_latest=latest_closes(store, "BTC-USD", end=end, n=8),
        flows=flows_wide(store, end=day),
        etf_total=etf_total_flows(store, end=end),
        latest_total_flow=latest_total_flow(store, asof=day),
        meetings=meetings,
        has_meetings="fomc_meetings" in store.datasets(),
        policy_rates=rates,
        target_range=fred_target_ranges(rates),
        latest_rates=latest_rates(store, list(RATE_SERIES), asof=day),
        fedwatch_inputs=fw_inputs,
        release_events=release_events(store),
        docs=docs,
        tone=tone,
        tone_top=top,
        fedwatch_panel=fedwatch_panel(store, end=day),
        book=latest_book(store, end=day),
        bars=bars,
        macro=macro_observations(store, end=day),
        coverage=store.coverage(),
        coverage_asof=store.coverage(end=end),
        freshness_coverage=store.coverage(by_group=True, end=day, with_values=True),
        regime=regime,
    )

"""Store to frames for the regime: everything :mod:`flowscope.signals` needs, in one read.

One source per dataset (the declared preference, ``Store.read(..., preferred=True)``); ETF
flows come with their superseded versions so signals can use each figure as first known.
"""

from __future__ import annotations

import pandas as pd

from flowscope._typing import DateLike
from flowscope.queries.macro import macro_observations
from flowscope.signals.fronts import RegimeInputs
from flowscope.storage import Store

__all__ = ["FLOW_FUNDS", "TONE_LOOKBACK_DAYS", "load_regime_inputs"]

#: Funds the flow fronts read (the all-fund ``Total`` included).
FLOW_FUNDS: tuple[str, ...] = ("IBIT", "Total")
#: FOMC documents released this many days before ``start`` are read (the first decision
#: needs the newest document released before it and the previous one of the same kind).
TONE_LOOKBACK_DAYS = 400
_PRICE_LOOKBACK_DAYS = 400


def _held(store: Store, dataset: str) -> bool:
    return dataset in store.datasets()


def load_regime_inputs(
    store: Store,
    *,
    start: DateLike | None = None,
    symbols: tuple[str, ...] = ("BTC-USD", "SMH"),
    funds: tuple[str, ...] = FLOW_FUNDS,
) -> RegimeInputs:
    """Read the regime's inputs from an open store.

    Parameters
    ----------
    store
        An open store (read-only is enough).
    start
        First decision day wanted; earlier data is read as far back as the fronts' windows
        need (flows and FRED macro series: all held; prices and FOMC text: about 400
        days before).
    symbols
        Daily price series to read (the trend and rotation fronts' symbols).
    funds
        ETF funds to read.

    Returns
    -------
    RegimeInputs
        Frames in base units (USD, %, UTC); empty frames for datasets not held.
    """
    early = None if start is None else pd.Timestamp(str(start)) - pd.Timedelta(days=400)
    flows = store.read(
        "etf_flows",
        where={"fund": list(funds)},
        columns=["date", "fund", "flow_usd", "source", "ts_ingested"],
        preferred=True,
    )
    revisions = store.revisions("etf_flows", fund=list(funds))
    prices = store.read(
        "prices",
        start=None if early is None else early - pd.Timedelta(days=_PRICE_LOOKBACK_DAYS),
        where={"symbol": list(symbols), "interval": "1d"},
        columns=["ts", "symbol", "interval", "close", "high", "low", "volume", "source"],
        preferred=True,
    )
    futures = store.read("fed_futures", preferred=True) if _held(store, "fed_futures") else None
    meetings = store.read("fomc_meetings", columns=["meeting_date", "kind"])
    rates = store.read(
        "rates", where={"series": ["DFEDTARL", "DFEDTARU"]}, columns=["series", "date", "value"]
    )
    target = pd.DataFrame(columns=["date", "lower", "upper"])
    if not rates.empty:
        wide = rates.pivot_table(index="date", columns="series", values="value", aggfunc="last")
        if {"DFEDTARL", "DFEDTARU"} <= set(wide.columns):
            target = pd.DataFrame(
                {"date": wide.index, "lower": wide["DFEDTARL"], "upper": wide["DFEDTARU"]}
            ).reset_index(drop=True)
    docs = store.read(
        "fomc_docs",
        start=early,
        where={"kind": ["statement", "minutes"]},
        columns=["meeting_date", "kind", "release_ts", "text", "source"],
        preferred=True,
    )
    return RegimeInputs(
        flows=flows,
        flow_revisions=revisions,
        prices=prices,
        fed_futures=futures if futures is not None else pd.DataFrame(),
        fomc_meetings=meetings,
        target_range=target,
        fomc_docs=docs,
        macro=macro_observations(store),
    )

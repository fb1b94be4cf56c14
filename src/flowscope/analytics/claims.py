"""Check claims against held data: measured value, verdict and provenance per claim.

Pure: the caller passes the frames (:class:`ClaimData`) and the parsed claims
(:mod:`flowscope.schemas.claims`); nothing here reads a store or a file.

Verdicts
--------
``confirmed``
    The measured value satisfies the claim (within its tolerance).
``contradicted``
    The data hold the measured value and it does not satisfy the claim.
``misattributed``
    The claim does not hold for the series it names but holds for another series of the
    same kind (e.g. outflows credited to one fund that are the all-fund Total's); both
    series are reported.
``unverifiable``
    No held data measure the claim; ``detail`` says what is missing.

Units: flows and AUM in US dollars, prices in US dollars, returns and probabilities in
percent, dates are UTC days (BTC) or session dates (funds, equities).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from flowscope.analytics.dates import release_day
from flowscope.analytics.seasonality import window_returns
from flowscope.schemas.claims import (
    AumClaim,
    CumulativeFlowClaim,
    DocReleaseClaim,
    DocToneClaim,
    FlowRecordClaim,
    FundFlowClaim,
    ImpactRatioClaim,
    NoDataClaim,
    OutflowDaysClaim,
    PriceHighClaim,
    PriceLevelClaim,
    ProbabilityClaim,
    WindowReturnClaim,
)

__all__ = ["RESULT_COLUMNS", "VERDICTS", "ClaimData", "check_claims"]

VERDICTS = ("confirmed", "contradicted", "misattributed", "unverifiable")

#: Columns of :func:`check_claims`' result, in order.
RESULT_COLUMNS = [
    "id",
    "metric",
    "verdict",
    "claimed",
    "measured",
    "detail",
    "dataset",
    "source",
    "data_start",
    "data_end",
    "ingested_at",
    "text",
]

TOTAL = "Total"


@dataclass(frozen=True)
class ClaimData:
    """The held data a claims check reads (each frame may be empty).

    Attributes
    ----------
    flows
        ``date, fund, flow_usd, aum_usd, source, ts_ingested``: one row per session and fund
        (the all-fund total as fund ``"Total"``), US dollars.
    aum
        ``date, fund, aum_usd, source, ts_ingested``: assets under management, US dollars
        (every source holding them; flow tables often carry none).
    prices
        ``ts, symbol, high, close, source, ts_ingested``: daily bars, one source per symbol.
    docs
        ``meeting_date, kind, release_ts, source, text, ts_ingested``: FOMC documents.
    odds
        ``asof, meeting_date, outcome, prob_pct, source`` and optionally ``spread_pct``:
        market-implied meeting odds (``outcome`` in cut/hold/hike), from futures or
        prediction markets; a quote's bid-ask spread widens the tolerance to half of it.
    bars
        Daily bars with volume for the impact model, indexed by UTC day (``close``, ``high``,
        ``low`` in USD, ``volume`` in BTC), as :func:`flowscope.queries.liquidity.daily_bars`.
    tone_model
        A sentence model (:class:`flowscope.analytics.text.SentenceModel`) for ``doc_tone``.
    """

    flows: pd.DataFrame = field(default_factory=pd.DataFrame)
    aum: pd.DataFrame = field(default_factory=pd.DataFrame)
    prices: pd.DataFrame = field(default_factory=pd.DataFrame)
    docs: pd.DataFrame = field(default_factory=pd.DataFrame)
    odds: pd.DataFrame = field(default_factory=pd.DataFrame)
    bars: pd.DataFrame = field(default_factory=pd.DataFrame)
    tone_model: Any = None


def _musd(x: float) -> str:
    return f"{x / 1e6:,.1f} $M"


def _busd(x: float) -> str:
    return f"{x / 1e9:,.1f} $B"


def _usd(x: float) -> str:
    return f"{x:,.0f} $"


def _day(x: Any) -> str:
    return "" if x is None or pd.isna(x) else pd.Timestamp(x).strftime("%Y-%m-%d")


def _compare(measured: float, claimed: float, how: str, tol: float) -> bool:
    if how == "eq":
        return abs(measured - claimed) <= tol
    if how == "gt":
        return measured > claimed - tol
    if how == "ge":
        return measured >= claimed - tol
    if how == "lt":
        return measured < claimed + tol
    return measured <= claimed + tol


_WORDS = {"eq": "=", "gt": ">", "ge": "≥", "lt": "<", "le": "≤"}


def _verdict(ok: bool) -> str:
    return "confirmed" if ok else "contradicted"


def _row(
    claim: Any, verdict: str, claimed: str, measured: str, detail: str, **prov: Any
) -> dict[str, Any]:
    out = dict.fromkeys(RESULT_COLUMNS, "")
    out.update(
        id=claim.id,
        metric=claim.metric,
        verdict=verdict,
        claimed=claimed,
        measured=measured,
        detail=detail,
        text=claim.text,
    )
    out.update({k: v for k, v in prov.items() if k in out})
    return out


def _prov(dataset: str, rows: pd.DataFrame, time_col: str) -> dict[str, Any]:
    if rows.empty:
        return {"dataset": dataset}
    src = sorted({str(s) for s in rows["source"].dropna()}) if "source" in rows else []
    ing = rows["ts_ingested"].max() if "ts_ingested" in rows else None
    return {
        "dataset": dataset,
        "source": ",".join(src),
        "data_start": _day(rows[time_col].min()),
        "data_end": _day(rows[time_col].max()),
        "ingested_at": "" if ing is None or pd.isna(ing) else pd.Timestamp(ing).isoformat(),
    }


def _unverifiable(claim: Any, claimed: str, why: str, dataset: str = "") -> dict[str, Any]:
    return _row(claim, "unverifiable", claimed, "", why, dataset=dataset)


# -- flows -------------------------------------------------------------------------------


def _flows_wide(flows: pd.DataFrame) -> pd.DataFrame:
    if flows.empty:
        return pd.DataFrame()
    f = flows.assign(date=pd.to_datetime(flows["date"]))
    return f.pivot_table(index="date", columns="fund", values="flow_usd", aggfunc="first")


def _fund_flow(c: FundFlowClaim, d: ClaimData) -> dict[str, Any]:
    claimed = ", ".join(_musd(v) for v in c.values_usd)
    wide = _flows_wide(d.flows)
    if wide.empty or c.fund not in wide.columns:
        return _unverifiable(c, claimed, f"no flows held for fund {c.fund!r}", "etf_flows")
    days = pd.DatetimeIndex(pd.to_datetime(c.dates))
    sub = wide.reindex(days)
    named = sub[c.fund]
    rows = d.flows[pd.to_datetime(d.flows["date"]).isin(days)]
    prov = _prov("etf_flows", rows, "date")
    if named.isna().any():
        missing = ", ".join(_day(x) for x in days[named.isna().to_numpy()])
        return _row(c, "unverifiable", claimed, "", f"{c.fund} has no figure for {missing}", **prov)
    claimed_arr = np.asarray(c.values_usd, dtype=float)
    measured = ", ".join(_musd(v) for v in named)
    if np.all(np.abs(named.to_numpy() - claimed_arr) <= c.tolerance_usd):
        return _row(c, "confirmed", claimed, measured, f"{c.fund} per session", **prov)
    err = np.abs(sub.to_numpy() - claimed_arr[:, None])
    fits = [
        str(f)
        for f, ok in zip(sub.columns, np.all(err <= c.tolerance_usd, axis=0), strict=True)
        if ok
    ]
    if fits:
        other = fits[0]
        alt = ", ".join(_musd(v) for v in sub[other])
        who = "the all-fund Total" if other == TOTAL else f"fund {other}"
        detail = f"these are {who}: {alt}; {c.fund}: {measured}"
        return _row(c, "misattributed", claimed, measured, detail, **prov)
    worst = float(np.max(np.abs(named.to_numpy() - claimed_arr)))
    detail = (
        f"{c.fund} per session; largest gap {_musd(worst)} (tolerance {_musd(c.tolerance_usd)})"
    )
    return _row(c, "contradicted", claimed, measured, detail, **prov)


def _run_rank(
    series: pd.Series, start: pd.Timestamp, end: pd.Timestamp, outflow: bool
) -> tuple[Any, int, int, Any]:
    s = series.dropna()
    in_run = (s.index >= start) & (s.index <= end)
    n = int(in_run.sum())
    if n == 0:
        return None, 0, 0, None
    total = float(s[in_run].sum())
    sums = s.rolling(n).sum().dropna()
    if outflow:
        rank = int((sums < total - 1e-6).sum()) + 1
        best = sums.idxmin()
    else:
        rank = int((sums > total + 1e-6).sum()) + 1
        best = sums.idxmax()
    return total, n, rank, (best, float(sums[best]), len(sums))


def _flow_record(c: FlowRecordClaim, d: ClaimData) -> dict[str, Any]:
    kind = "outflow" if c.direction == "outflow" else "inflow"
    claimed = f"rank {c.rank} {kind} of its length"
    wide = _flows_wide(d.flows)
    if wide.empty or c.fund not in wide.columns:
        return _unverifiable(c, claimed, f"no flows held for fund {c.fund!r}", "etf_flows")
    start, end = pd.Timestamp(c.start), pd.Timestamp(c.end)
    outflow = c.direction == "outflow"
    total, n, rank, best = _run_rank(wide[c.fund], start, end, outflow)
    prov = _prov("etf_flows", d.flows[d.flows["fund"] == c.fund], "date")
    if total is None:
        return _row(c, "unverifiable", claimed, "", f"{c.fund} has no sessions in the run", **prov)
    best_day, best_sum, runs = best
    measured = f"rank {rank} of {runs} ({n}-session sum {_musd(total)})"
    record = f"record {n}-session {kind}: {_musd(best_sum)} ending {_day(best_day)}"
    if rank <= c.rank:
        return _row(c, "confirmed", claimed, measured, f"{c.fund}; {record}", **prov)
    if TOTAL in wide.columns and c.fund != TOTAL:
        t_total, _, t_rank, _ = _run_rank(wide[TOTAL], start, end, outflow)
        if t_total is not None and t_rank <= c.rank:
            detail = (
                f"holds for the all-fund Total (rank {t_rank}, {_musd(t_total)}), not for "
                f"{c.fund}; {c.fund} {record}"
            )
            return _row(c, "misattributed", claimed, measured, detail, **prov)
    return _row(c, "contradicted", claimed, measured, f"{c.fund}; {record}", **prov)


def _cumulative_flow(c: CumulativeFlowClaim, d: ClaimData) -> dict[str, Any]:
    claimed = f"{_WORDS[c.compare]} {_musd(c.value_usd)}"
    wide = _flows_wide(d.flows)
    if wide.empty or c.fund not in wide.columns:
        return _unverifiable(c, claimed, f"no flows held for fund {c.fund!r}", "etf_flows")
    s = wide[c.fund].loc[pd.Timestamp(c.start) : pd.Timestamp(c.end)].dropna()
    rows = d.flows[(d.flows["fund"] == c.fund) & pd.to_datetime(d.flows["date"]).isin(s.index)]
    prov = _prov("etf_flows", rows, "date")
    if s.empty:
        return _row(c, "unverifiable", claimed, "", f"{c.fund} has no sessions there", **prov)
    total = float(s.sum())
    ok = _compare(total, c.value_usd, c.compare, c.tolerance_usd)
    detail = f"{c.fund}, {len(s)} sessions"
    return _row(c, _verdict(ok), claimed, _musd(total), detail, **prov)


def _outflow_days(c: OutflowDaysClaim, d: ClaimData) -> dict[str, Any]:
    claimed = f"{_WORDS[c.compare]} {c.value} outflow sessions"
    wide = _flows_wide(d.flows)
    if wide.empty or c.fund not in wide.columns:
        return _unverifiable(c, claimed, f"no flows held for fund {c.fund!r}", "etf_flows")
    s = wide[c.fund].loc[pd.Timestamp(c.start) : pd.Timestamp(c.end)].dropna()
    rows = d.flows[(d.flows["fund"] == c.fund) & pd.to_datetime(d.flows["date"]).isin(s.index)]
    prov = _prov("etf_flows", rows, "date")
    if s.empty:
        return _row(c, "unverifiable", claimed, "", f"{c.fund} has no sessions there", **prov)
    out = s[s < 0]
    n = len(out)
    ok = _compare(float(n), float(c.value), c.compare, 0.0)
    days = ", ".join(f"{_day(k)} ({_musd(v)})" for k, v in out.head(5).items())
    detail = f"{c.fund}: {n} of {len(s)} sessions" + (f": {days}" if n else "")
    return _row(c, _verdict(ok), claimed, str(n), detail, **prov)


def _aum(c: AumClaim, d: ClaimData) -> dict[str, Any]:
    claimed = f"{_WORDS[c.compare]} {_busd(c.value_usd)}"
    f = d.aum
    if f.empty or "aum_usd" not in f.columns:
        held = pd.DataFrame()
    else:
        held = f[(f["fund"] == c.fund) & (f["aum_usd"] > 0)]
        held = held[pd.to_datetime(held["date"]) <= pd.Timestamp(c.end)]
        if c.start is not None:
            held = held[pd.to_datetime(held["date"]) >= pd.Timestamp(c.start)]
    if held.empty:
        why = (
            f"no AUM held for {c.fund} up to {c.end}: the flow tables carry no AUM; import a "
            "per-fund AUM history (e.g. Artemis' daily AUM file) with `flowscope import`"
        )
        return _unverifiable(c, claimed, why, "etf_flows")
    i = held["aum_usd"].idxmax()
    peak, peak_day = float(held.at[i, "aum_usd"]), held.at[i, "date"]
    ok = _compare(peak, c.value_usd, c.compare, c.tolerance_usd)
    detail = f"{c.fund} peak AUM {_busd(peak)} on {_day(peak_day)}"
    rows = held.loc[[i]]
    return _row(
        c,
        _verdict(ok),
        claimed,
        _busd(peak),
        detail,
        **_prov("etf_flows", rows, "date"),
    )


# -- prices ------------------------------------------------------------------------------


def _bars(d: ClaimData, symbol: str, start: Any, end: Any) -> pd.DataFrame:
    p = d.prices
    if p.empty:
        return p
    p = p[p["symbol"] == symbol]
    day = pd.to_datetime(p["ts"]).dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    keep = (day >= pd.Timestamp(start)) & (day <= pd.Timestamp(end))
    return p[keep.to_numpy()]


def _price_high(c: PriceHighClaim, d: ClaimData) -> dict[str, Any]:
    claimed = f"{_WORDS[c.compare]} {_usd(c.value_usd)} (±{c.tolerance_pct:g} %)"
    bars = _bars(d, c.symbol, c.start, c.end)
    if bars.empty or bars["high"].isna().all():
        return _unverifiable(c, claimed, f"no daily {c.symbol} bars held for the period", "prices")
    i = bars["high"].idxmax()
    high = float(bars.at[i, "high"])
    ok = _compare(high, c.value_usd, c.compare, c.value_usd * c.tolerance_pct / 100.0)
    detail = f"highest daily high {_usd(high)} on {_day(bars.at[i, 'ts'])} (daily bars)"
    return _row(
        c,
        _verdict(ok),
        claimed,
        _usd(high),
        detail,
        **_prov("prices", bars, "ts"),
    )


def _price_level(c: PriceLevelClaim, d: ClaimData) -> dict[str, Any]:
    claimed = f"every close {c.side} {_usd(c.value_usd)}"
    bars = _bars(d, c.symbol, c.start, c.end).dropna(subset=["close"])
    if bars.empty:
        return _unverifiable(
            c, claimed, f"no daily {c.symbol} closes held for the period", "prices"
        )
    pick = bars["close"].idxmin() if c.side == "above" else bars["close"].idxmax()
    value = float(bars.at[pick, "close"])
    ok = value > c.value_usd if c.side == "above" else value < c.value_usd
    word = "lowest" if c.side == "above" else "highest"
    detail = f"{word} close {_usd(value)} on {_day(bars.at[pick, 'ts'])}"
    return _row(
        c,
        _verdict(ok),
        claimed,
        _usd(value),
        detail,
        **_prov("prices", bars, "ts"),
    )


def _window_return(c: WindowReturnClaim, d: ClaimData) -> dict[str, Any]:
    a, b = c.window.split(":")
    claimed = f"{c.direction} in {', '.join(map(str, c.years))} ({a} to {b})"
    p = d.prices
    p = p[p["symbol"] == c.symbol] if not p.empty else p
    if p.empty:
        return _unverifiable(c, claimed, f"no daily {c.symbol} closes held", "prices")
    day = pd.to_datetime(p["ts"]).dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    close = pd.Series(p["close"].to_numpy(), index=pd.DatetimeIndex(day)).sort_index()
    tab = window_returns(close, (a, b), years=c.years, rules=())
    missing = sorted(set(c.years) - set(tab.index))
    pct = tab["return"] * 100.0
    measured = ", ".join(f"{y}: {v:+.1f} %" for y, v in pct.items())
    prov = _prov(
        "prices",
        p[
            (day >= tab["start"].min() - pd.Timedelta(days=1)).to_numpy()
            & (day <= tab["end"].max()).to_numpy()
        ]
        if not tab.empty
        else p,
        "ts",
    )
    if missing:
        detail = f"no closes cover the window in {', '.join(map(str, missing))}"
        return _row(c, "unverifiable", claimed, measured, detail, **prov)
    good = pct > c.min_abs_pct if c.direction == "up" else pct < -c.min_abs_pct
    if bool(good.all()):
        return _row(
            c, "confirmed", claimed, measured, "close before the window to its last close", **prov
        )
    bad = ", ".join(str(y) for y in pct.index[~good.to_numpy()])
    return _row(c, "contradicted", claimed, measured, f"not {c.direction} in {bad}", **prov)


# -- rates and documents -----------------------------------------------------------------


def _probability(c: ProbabilityClaim, d: ClaimData) -> dict[str, Any]:
    claimed = f"{_WORDS[c.compare]} {c.value_pct:g} % (±{c.tolerance_pp:g} pp)"
    o = d.odds
    if not o.empty:
        asof = pd.to_datetime(o["asof"])
        o = o[
            (pd.to_datetime(o["meeting_date"]) == pd.Timestamp(c.meeting))
            & (o["outcome"] == c.outcome)
            & (asof <= pd.Timestamp(c.asof))
            & (asof >= pd.Timestamp(c.asof) - pd.Timedelta(days=3))
        ]
    if o.empty:
        why = (
            f"no fed funds futures or prediction-market odds held for the {c.meeting} meeting "
            f"as of {c.asof}; import futures settlements (`flowscope import`) or run "
            "`flowscope update` for the prediction-market connectors"
        )
        return _unverifiable(c, claimed, why, "fed_futures")
    o = o.sort_values("asof")
    last = o[pd.to_datetime(o["asof"]) == pd.to_datetime(o["asof"]).max()]
    n = len(last)
    half = (last["spread_pct"] if "spread_pct" in last else pd.Series(np.nan, last.index)) / 2
    tol = np.maximum(c.tolerance_pp, half.fillna(0.0).to_numpy(dtype=float))
    lo = last["prob_min_pct"] if "prob_min_pct" in last else last["prob_pct"]
    hi = last["prob_max_pct"] if "prob_max_pct" in last else last["prob_pct"]
    lo, hi = (
        lo.fillna(last["prob_pct"]).to_numpy(float),
        hi.fillna(last["prob_pct"]).to_numpy(float),
    )
    parts = []
    ok_any = []
    for i, r in enumerate(last.itertuples()):
        text = f"{r.source}: {r.prob_pct:.1f} %"
        if hi[i] > lo[i]:
            text += f" (day's range {lo[i]:.1f}–{hi[i]:.1f} %)"
        parts.append(text)
        if c.compare == "eq":  # the claimed level was reached at some quote of the day
            ok = lo[i] - tol[i] <= c.value_pct <= hi[i] + tol[i]
        else:
            ok = _compare(float(r.prob_pct), c.value_pct, c.compare, float(tol[i]))
        ok_any.append(ok)
    verdict = "confirmed" if any(ok_any) else "contradicted"
    spread = f"; quotes' half-spread up to {np.nanmax(half):.1f} pp" if half.notna().any() else ""
    detail = (
        f"{c.outcome} probability as of {_day(last['asof'].iloc[0])} from {n} source(s); "
        f"tolerance {c.tolerance_pp:g} pp or half the quote's spread{spread}"
    )
    return _row(c, verdict, claimed, "; ".join(parts), detail, **_prov("odds", last, "asof"))


def _doc(d: ClaimData, kind: str, meeting: Any) -> pd.DataFrame:
    docs = d.docs
    if docs.empty:
        return docs
    return docs[
        (docs["kind"] == kind) & (pd.to_datetime(docs["meeting_date"]) == pd.Timestamp(meeting))
    ]


def _doc_release(c: DocReleaseClaim, d: ClaimData) -> dict[str, Any]:
    claimed = f"released {c.date}"
    doc = _doc(d, c.kind, c.meeting)
    if doc.empty or doc["release_ts"].isna().all():
        why = f"no {c.kind} of the {c.meeting} meeting held with a release time"
        return _unverifiable(c, claimed, why, "fomc_docs")
    day = release_day(doc["release_ts"]).dropna().iloc[0]
    ok = pd.Timestamp(day) == pd.Timestamp(c.date)
    detail = f"{c.kind} of the {c.meeting} meeting released {_day(day)}"
    return _row(
        c,
        _verdict(ok),
        claimed,
        _day(day),
        detail,
        **_prov("fomc_docs", doc, "release_ts"),
    )


def _doc_tone(c: DocToneClaim, d: ClaimData) -> dict[str, Any]:
    claimed = c.tone
    doc = _doc(d, c.kind, c.meeting).dropna(subset=["text"])
    if doc.empty:
        why = f"no {c.kind} text of the {c.meeting} meeting held"
        return _unverifiable(c, claimed, why, "fomc_docs")
    if d.tone_model is None:
        return _unverifiable(c, claimed, "no tone model given", "fomc_docs")
    from flowscope.analytics.text import score_document

    tone = score_document(str(doc["text"].iloc[0]), d.tone_model)
    word = "hawkish" if tone.score > 0 else "dovish" if tone.score < 0 else "neutral"
    name = getattr(d.tone_model, "name", type(d.tone_model).__name__)
    detail = (
        f"{name} model: score {tone.score:+.3f} (hawkish − dovish sentences over "
        f"{tone.n_sentences} policy sentences)"
    )
    return _row(
        c,
        "confirmed" if word == c.tone else "contradicted",
        claimed,
        f"{word} ({tone.score:+.3f})",
        detail,
        **_prov("fomc_docs", doc, "release_ts"),
    )


def _impact_ratio(c: ImpactRatioClaim, d: ClaimData) -> dict[str, Any]:
    from flowscope.analytics.liquidity.impact import seasonal_impact
    from flowscope.errors import InsufficientDataError

    claimed = f"ratio {_WORDS[c.compare]} {c.value:g} in each of {len(c.years)} year(s)"
    bars = d.bars
    if bars.empty or "volume" not in bars or bars["volume"].isna().all():
        return _unverifiable(c, claimed, f"no daily {c.symbol} bars with volume held", "prices")
    xa, xb = c.christmas.split(":")
    na, nb = c.normal.split(":")
    try:
        tab = seasonal_impact(bars, c.years, christmas=(xa, xb), normal=(na, nb), n_boot=500)
    except InsufficientDataError as exc:
        return _unverifiable(c, claimed, str(exc), "prices")
    ok = [
        _compare(float(lo), c.value, c.compare, 0.0)
        if c.compare in ("le", "lt")
        else _compare(float(hi), c.value, c.compare, 0.0)
        for lo, hi in zip(tab["impact_ratio_ci_low"], tab["impact_ratio_ci_high"], strict=True)
    ]
    measured = ", ".join(
        f"{y}: {r:.2f} [{lo:.2f}, {hi:.2f}]"
        for y, r, lo, hi in zip(
            tab.index,
            tab["impact_ratio"],
            tab["impact_ratio_ci_low"],
            tab["impact_ratio_ci_high"],
            strict=True,
        )
    )
    held = sum(ok)
    detail = (
        f"MODEL, not a measured book: square-root impact from daily bars (USD to move the "
        f"price, {xa}..{xb} over {na}..{nb}, 95 % block-bootstrap interval); the claim is "
        f"within the interval in {held} of {len(ok)} year(s); median ratio "
        f"{float(tab['impact_ratio'].median()):.2f}"
    )
    missing = sorted(set(c.years) - set(tab.index))
    if missing:
        detail += f"; no bars with volume for {', '.join(map(str, missing))}"
    verdict = "confirmed" if held == len(ok) and not missing else "contradicted"
    if held == 0 or held < len(ok):
        verdict = "contradicted"
    used = bars.loc[tab["normal_start"].min() : tab["christmas_end"].max()].reset_index()
    prov = _prov("prices", used.rename(columns={used.columns[0]: "ts"}), "ts")
    return _row(c, verdict, claimed, measured, detail, **prov)


def _none(c: NoDataClaim, d: ClaimData) -> dict[str, Any]:
    return _unverifiable(c, "", c.reason)


_CHECKS: dict[str, Callable[[Any, ClaimData], dict[str, Any]]] = {
    "fund_flow": _fund_flow,
    "flow_record": _flow_record,
    "cumulative_flow": _cumulative_flow,
    "outflow_days": _outflow_days,
    "aum": _aum,
    "price_high": _price_high,
    "price_level": _price_level,
    "window_return": _window_return,
    "probability": _probability,
    "doc_release": _doc_release,
    "doc_tone": _doc_tone,
    "impact_ratio": _impact_ratio,
    "none": _none,
}


def check_claims(claims: Sequence[Any], data: ClaimData) -> pd.DataFrame:
    """Measure every claim and give its verdict.

    Parameters
    ----------
    claims
        Parsed claims (:func:`flowscope.schemas.claims.parse_claims`).
    data
        The held data.

    Returns
    -------
    DataFrame
        One row per claim, columns :data:`RESULT_COLUMNS`: ``verdict`` one of
        :data:`VERDICTS`; ``claimed`` and ``measured`` as readable values with units;
        ``detail`` the evidence (for ``misattributed``, both series); provenance in
        ``dataset``, ``source``, ``data_start``/``data_end`` (the rows used) and
        ``ingested_at`` (newest ingestion of those rows, UTC).
    """
    rows = [_CHECKS[c.metric](c, data) for c in claims]
    return pd.DataFrame(rows, columns=RESULT_COLUMNS)

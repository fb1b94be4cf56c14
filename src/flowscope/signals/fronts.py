"""Front signals, one per driver of the regime, each as known at every daily decision.

Each front takes the inputs (:class:`RegimeInputs`, frames as read from the store) and its
parameters, computes one row per data date with only that date's and earlier data, places
each row in time with the dataset's declared availability (:mod:`flowscope.signals.pit`) and
returns, for every decision day, the newest row known at the decision time (09:30 New York):

``DataFrame`` indexed by ``date`` (decision day, naive) with columns ``value`` (float, unit
in ``unit``), ``state`` (str), ``threshold`` (float, the level ``state`` is judged against),
``data_date`` (naive date of the newest input used), ``available_at`` (UTC), ``reason``
(why a front is neutral or empty) and front-specific extras.

Fronts
------
``flows``
    Rolling sum of one fund's daily net flow (USD) over ``window`` reported sessions; state
    ``inflow``/``outflow`` by its sign against ``threshold``; ``reversal`` is True on a day
    whose sign differs from the previous session's; ``zscore`` compares the rolling sum with
    its previous ``z_window`` values. Flows are used as first known (never a later revision).
``rates``
    FedWatch probability (%) of a cut at the next FOMC meeting, and its change since the
    previous settlement day; ``dovish`` when at least ``threshold``. Without fed funds
    futures held the front is neutral with ``reason="no futures held"``.
``tone``
    Score of the newest FOMC statement or minutes released (dictionary model, (hawkish −
    dovish) / policy sentences, positive = hawkish) and ``change`` against the previous
    document of the same kind; ``dovish`` at or below ``threshold``.
``rotation``
    BTC's relative strength against an AI-stock proxy: BTC/asset ratio over its
    ``window``-session average minus 1 (fraction); ``btc_leading`` above ``threshold``.
``trend``
    BTC close over its ``window``-day moving average minus 1 (fraction); ``above`` or
    ``below`` ``threshold``.
``macro``
    Composite macro-liquidity score (z, :func:`flowscope.analytics.macro.macro_indicators`)
    on the weekly Friday grid, each Friday's row built only from FRED observations released
    before the end of that Friday (UTC, the series' declared release rules) and usable from
    that instant; ``easing`` above ``threshold``, ``tightening`` below ``-threshold``,
    ``neutral`` between. ``data_date`` is the newest observation date among the score's
    inputs. Without macro series held the front is neutral with a reason.
``liquidity``
    Market depth of the square-root impact model (``depth_usd`` = trailing volume / sigma²,
    :func:`flowscope.analytics.liquidity.impact.daily_liquidity`, from daily bars with
    volume) as a z-score against its previous ``z_window`` days; ``deep`` above
    ``threshold``, ``thin`` below ``-threshold``, ``normal`` between. Each day is usable
    from its bar's close.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal, TypeAlias

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from flowscope.analytics.fedwatch import fedwatch_panel
from flowscope.analytics.flows import flow_zscore
from flowscope.analytics.liquidity.impact import daily_liquidity
from flowscope.analytics.macro import INDICATOR_INPUTS, friday_grid, macro_indicators
from flowscope.analytics.rotation import relative_strength
from flowscope.analytics.text import LexiconModel, tone_history
from flowscope.schemas.datasets import ETF_FLOWS, FED_FUTURES, FOMC_DOCS, PRICES
from flowscope.signals.pit import DECISION_TIME, available_at, first_known, pick_asof

__all__ = [
    "FRONT_COLUMNS",
    "FlowsParams",
    "FrontParams",
    "LiquidityParams",
    "MacroParams",
    "RatesParams",
    "RegimeInputs",
    "RotationParams",
    "ToneParams",
    "TrendParams",
    "compute_front",
    "decision_days",
    "flows_front",
    "liquidity_front",
    "macro_front",
    "rates_front",
    "rotation_front",
    "tone_front",
    "trend_front",
]

#: Time zone in which an FOMC release is dated.
FOMC_DOCS_TZ = "America/New_York"

#: Columns every front returns (besides its extras).
FRONT_COLUMNS = ("value", "state", "threshold", "unit", "data_date", "available_at", "reason")


def _empty(name: str) -> pd.DataFrame:
    return pd.DataFrame(columns=pd.Index(name.split(",")))


@dataclass(frozen=True)
class RegimeInputs:
    """Everything the fronts read, as frames from the store (base units, UTC).

    Attributes
    ----------
    flows
        ``etf_flows`` rows: ``date``, ``fund``, ``flow_usd`` (USD), ``ts_ingested`` (UTC)
        and optionally ``source``.
    flow_revisions
        Superseded ``etf_flows`` rows (same columns plus ``ts_superseded``), or empty.
    prices
        Daily ``prices`` rows: ``ts`` (UTC), ``symbol``, ``interval``, ``close`` and, for
        the ``liquidity`` front, ``high``, ``low``, ``volume``.
    fed_futures
        ``fed_futures`` rows (``date``, ``contract_month``, ``settle``), or empty.
    fomc_meetings
        ``fomc_meetings`` rows (``meeting_date``, ``kind``).
    target_range
        FRED target range: ``date``, ``lower``, ``upper`` (%), or empty.
    fomc_docs
        ``fomc_docs`` rows (``meeting_date``, ``kind``, ``release_ts``, ``text``).
    macro
        Declared FRED macro series in long form (``series``, ``date``, ``value`` in each
        series' FRED unit, :mod:`flowscope.schemas.macro`), or empty.
    fomc_tone
        Tone history of ``fomc_docs`` already scored with the dictionary model (as
        :func:`~flowscope.analytics.text.tone_history` returns it, e.g. from the store's
        per-document cache), or None to score the texts.
    """

    flows: pd.DataFrame = field(default_factory=lambda: _empty("date,fund,flow_usd,ts_ingested"))
    flow_revisions: pd.DataFrame = field(default_factory=pd.DataFrame)
    prices: pd.DataFrame = field(default_factory=lambda: _empty("ts,symbol,interval,close"))
    fed_futures: pd.DataFrame = field(default_factory=pd.DataFrame)
    fomc_meetings: pd.DataFrame = field(default_factory=lambda: _empty("meeting_date,kind"))
    target_range: pd.DataFrame = field(default_factory=lambda: _empty("date,lower,upper"))
    fomc_docs: pd.DataFrame = field(
        default_factory=lambda: _empty("meeting_date,kind,release_ts,text")
    )
    macro: pd.DataFrame = field(default_factory=lambda: _empty("series,date,value"))
    fomc_tone: pd.DataFrame | None = None


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_age_days: int = Field(default=5, ge=0, description="Older inputs are flagged stale (days).")


class FlowsParams(_Params):
    """Parameters of the ``flows`` front (see the module docstring)."""

    kind: Literal["flows"] = "flows"
    fund: str = "IBIT"
    window: int = Field(default=10, ge=1, description="Reported sessions summed.")
    z_window: int = Field(default=60, ge=2, description="Previous rolling sums in the z-score.")
    threshold: float = Field(default=0.0, description="USD; outflow below, inflow above.")


class RatesParams(_Params):
    """Parameters of the ``rates`` front."""

    kind: Literal["rates"] = "rates"
    threshold: float = Field(default=50.0, ge=0, le=100, description="P(cut) in % called dovish.")


class ToneParams(_Params):
    """Parameters of the ``tone`` front."""

    kind: Literal["tone"] = "tone"
    kinds: tuple[str, ...] = ("statement", "minutes")
    threshold: float = Field(default=0.0, ge=-1, le=1, description="Score at or below = dovish.")
    max_age_days: int = Field(default=75, ge=0)


class RotationParams(_Params):
    """Parameters of the ``rotation`` front."""

    kind: Literal["rotation"] = "rotation"
    asset: str = "SMH"
    base: str = "BTC-USD"
    window: int = Field(default=50, ge=2, description="Sessions in the ratio's moving average.")
    threshold: float = 0.0


class TrendParams(_Params):
    """Parameters of the ``trend`` front."""

    kind: Literal["trend"] = "trend"
    symbol: str = "BTC-USD"
    window: int = Field(default=50, ge=2, description="Days in the moving average.")
    threshold: float = 0.0
    max_age_days: int = Field(default=2, ge=0)


class MacroParams(_Params):
    """Parameters of the ``macro`` front."""

    kind: Literal["macro"] = "macro"
    threshold: float = Field(
        default=0.5, ge=0, description="z; easing above, tightening below its negative."
    )
    z_window: int = Field(default=156, ge=4, description="Weeks in the trailing z-scores.")
    z_min: int = Field(default=52, ge=2, description="Fewest weeks for a z-score.")
    max_age_days: int = Field(default=14, ge=0)


class LiquidityParams(_Params):
    """Parameters of the ``liquidity`` front."""

    kind: Literal["liquidity"] = "liquidity"
    symbol: str = "BTC-USD"
    threshold: float = Field(default=1.0, ge=0, description="z; deep above, thin below -z.")
    z_window: int = Field(default=365, ge=30, description="Previous days in the z-score.")
    sigma_days: int = Field(default=30, ge=2, description="Days of returns in sigma.")
    volume_days: int = Field(default=7, ge=1, description="Days of volume averaged.")
    max_age_days: int = Field(default=2, ge=0)


AnyFrontParams: TypeAlias = (
    FlowsParams
    | RatesParams
    | ToneParams
    | RotationParams
    | TrendParams
    | MacroParams
    | LiquidityParams
)
FrontParams: TypeAlias = Annotated[AnyFrontParams, Field(discriminator="kind")]


def decision_days(inputs: RegimeInputs, end: object | None = None) -> pd.DatetimeIndex:
    """Every calendar day from the first flow or price date to ``end`` (default: the last)."""
    firsts, lasts = [], []
    if not inputs.flows.empty:
        firsts.append(pd.to_datetime(inputs.flows["date"]).min())
        lasts.append(pd.to_datetime(inputs.flows["date"]).max() + pd.Timedelta(days=1))
    if not inputs.prices.empty:
        ts = pd.to_datetime(inputs.prices["ts"], utc=True).dt.tz_localize(None)
        firsts.append(ts.min())
        lasts.append(ts.max() + pd.Timedelta(days=1))
    if not firsts:
        return pd.DatetimeIndex([], name="date")
    last = pd.Timestamp(str(end)) if end is not None else max(lasts)
    return pd.date_range(min(firsts).normalize(), last.normalize(), freq="D", name="date")


def _finish(
    rows: pd.DataFrame,
    days: pd.DatetimeIndex,
    params: _Params,
    threshold: float,
    unit: str,
    at: tuple[str, str],
) -> pd.DataFrame:
    out = pick_asof(rows, days, at)
    out["threshold"] = threshold
    out["unit"] = unit
    if "reason" not in out.columns:
        out["reason"] = None
    missing = out["value"].isna()
    out.loc[missing & out["reason"].isna(), "reason"] = "no figure known yet"
    out["state"] = out["state"].where(~missing, "missing")
    age = (out.index.to_series() - pd.to_datetime(out["data_date"])).dt.days
    out["age_days"] = age
    out["stale"] = (age > params.max_age_days).fillna(value=False).astype(bool)
    extras = [c for c in out.columns if c not in FRONT_COLUMNS and c not in ("age_days", "stale")]
    return out[[*FRONT_COLUMNS, "age_days", "stale", *extras]]


def flows_front(
    inputs: RegimeInputs,
    params: FlowsParams | None = None,
    *,
    days: pd.DatetimeIndex | None = None,
    at: tuple[str, str] = DECISION_TIME,
) -> pd.DataFrame:
    """Rolling net flow of one fund (USD) as known at each decision (module docstring).

    Examples
    --------
    >>> f = pd.DataFrame({"date": pd.to_datetime(["2025-11-24", "2025-11-25", "2025-11-26"]),
    ...                   "fund": "IBIT", "flow_usd": [-1e8, 5e7, 2e8],
    ...                   "ts_ingested": pd.Timestamp("2025-12-01", tz="UTC")})
    >>> out = flows_front(RegimeInputs(flows=f), FlowsParams(window=2),
    ...                   days=pd.DatetimeIndex(["2025-11-27"]))
    >>> float(out["value"].iloc[0]), out["state"].iloc[0]
    (250000000.0, 'inflow')
    """
    p = params or FlowsParams()
    key = ["date", "fund", *(["source"] if "source" in inputs.flows.columns else [])]
    f = first_known(inputs.flows, inputs.flow_revisions, key)
    f = f[(f["fund"] == p.fund) & f["flow_usd"].notna()].copy()
    f["date"] = pd.to_datetime(f["date"]).dt.normalize()
    f = f.sort_values("date").drop_duplicates("date", keep="first")
    s = f.set_index("date")["flow_usd"].astype(np.float64)
    roll = s.rolling(p.window, min_periods=p.window).sum()
    sign = np.sign(roll - p.threshold)
    prev = sign.shift(1)
    rows = pd.DataFrame(
        {
            "value": roll,
            "state": np.where(sign < 0, "outflow", np.where(sign > 0, "inflow", "flat")),
            "data_date": s.index,
            "reversal": (sign != prev) & (sign != 0) & prev.notna() & (prev != 0),
            "zscore": flow_zscore(roll, window=p.z_window, min_periods=min(20, p.z_window)),
            "flow_usd": s,
        },
        index=s.index,
    )
    rows.loc[roll.isna(), "state"] = "missing"
    rows["available_at"] = available_at(f.set_index("date", drop=False), ETF_FLOWS)
    rows = rows.reset_index(drop=True)
    d = days if days is not None else decision_days(inputs)
    return _finish(rows, d, p, p.threshold, "USD", at)


def _p_cut_rows(inputs: RegimeInputs) -> pd.DataFrame:
    fut = inputs.fed_futures
    meet = inputs.fomc_meetings
    sched = pd.to_datetime(meet.loc[meet["kind"] == "scheduled", "meeting_date"])
    unsched = pd.to_datetime(meet.loc[meet["kind"] == "unscheduled", "meeting_date"])
    tr = inputs.target_range if not inputs.target_range.empty else None
    panel = fedwatch_panel(fut, sched, target_range=tr, unscheduled=unsched, max_meetings=1)
    if panel.empty:
        return pd.DataFrame(columns=["value", "state", "data_date", "available_at"])
    nxt = panel.groupby("watch_date")["meeting_date"].transform("min")
    panel = panel[panel["meeting_date"] == nxt]
    cut = panel["probability"].where(panel["change_bp"] < 0, 0.0)
    g = cut.groupby(panel["watch_date"]).sum() * 100.0
    meeting = panel.groupby("watch_date")["meeting_date"].min()
    rows = pd.DataFrame({"value": g, "next_meeting": meeting})
    rows["change"] = rows["value"].diff()
    rows["data_date"] = pd.to_datetime(rows.index)
    rows["available_at"] = available_at(
        pd.DataFrame({"date": rows["data_date"], "contract": "ZQ"}), FED_FUTURES
    ).to_numpy()
    return rows.reset_index(drop=True)


def rates_front(
    inputs: RegimeInputs,
    params: RatesParams | None = None,
    *,
    days: pd.DatetimeIndex | None = None,
    at: tuple[str, str] = DECISION_TIME,
) -> pd.DataFrame:
    """Next-meeting cut probability (%) as known at each decision; neutral without futures."""
    p = params or RatesParams()
    d = days if days is not None else decision_days(inputs)
    fut = inputs.fed_futures
    if fut.empty or "settle" not in fut.columns or inputs.fomc_meetings.empty:
        reason = "no futures held" if fut.empty else "no FOMC calendar held"
        out = pd.DataFrame(index=d)
        out.index.name = "date"
        for c in ("value", "threshold", "age_days"):
            out[c] = np.nan
        out["state"] = "neutral"
        out["threshold"] = p.threshold
        out["unit"] = "%"
        out["data_date"] = pd.NaT
        out["available_at"] = pd.NaT
        out["reason"] = reason
        out["stale"] = False
        out["change"] = np.nan
        return out[[*FRONT_COLUMNS, "age_days", "stale", "change"]]
    rows = _p_cut_rows(inputs)
    rows["state"] = np.where(rows["value"] >= p.threshold, "dovish", "not_dovish")
    return _finish(rows, d, p, p.threshold, "%", at)


def tone_front(
    inputs: RegimeInputs,
    params: ToneParams | None = None,
    *,
    days: pd.DatetimeIndex | None = None,
    at: tuple[str, str] = DECISION_TIME,
) -> pd.DataFrame:
    """Tone of the newest FOMC document released before each decision (dictionary model)."""
    p = params or ToneParams()
    d = days if days is not None else decision_days(inputs)
    if inputs.fomc_tone is not None:
        hist = inputs.fomc_tone[inputs.fomc_tone["kind"].isin(p.kinds)].copy()
        hist["change"] = hist.groupby("kind")["score"].diff()
    else:
        docs = inputs.fomc_docs
        docs = docs[docs["kind"].isin(p.kinds)]
        hist = tone_history(docs, LexiconModel(), prefer=FOMC_DOCS.source_preference)
    if hist.empty:
        rows = pd.DataFrame(columns=["value", "state", "data_date", "available_at"])
    else:
        hist["release_ts"] = pd.to_datetime(hist["release_ts"], utc=True)
        rows = pd.DataFrame(
            {
                "value": hist["score"].astype(np.float64),
                "state": np.where(hist["score"] <= p.threshold, "dovish", "not_dovish"),
                "available_at": available_at(hist, FOMC_DOCS),
                "document": hist["kind"] + " " + hist["meeting_date"].dt.strftime("%Y-%m-%d"),
                "change": hist["change"].astype(np.float64),
            }
        )
        rows["data_date"] = rows["available_at"].dt.tz_convert(FOMC_DOCS_TZ)
        rows["data_date"] = rows["data_date"].dt.tz_localize(None).dt.normalize()
    return _finish(rows, d, p, p.threshold, "score", at)


def _closes(prices: pd.DataFrame, symbol: str) -> pd.DataFrame:
    b = prices[(prices["symbol"] == symbol) & (prices["interval"] == "1d")].copy()
    b = b[b["close"].notna()]
    b["available_at"] = available_at(b, PRICES)
    b["date"] = pd.to_datetime(b["ts"], utc=True).dt.tz_localize(None).dt.normalize()
    return b.sort_values("date").drop_duplicates("date", keep="last").set_index("date")


def trend_front(
    inputs: RegimeInputs,
    params: TrendParams | None = None,
    *,
    days: pd.DatetimeIndex | None = None,
    at: tuple[str, str] = DECISION_TIME,
) -> pd.DataFrame:
    """Close over its moving average minus 1 (fraction) as known at each decision.

    Examples
    --------
    >>> px = pd.DataFrame({"ts": pd.date_range("2025-11-01", periods=3, tz="UTC"),
    ...                    "symbol": "BTC-USD", "interval": "1d", "close": [100.0, 110.0, 90.0]})
    >>> out = trend_front(RegimeInputs(prices=px), TrendParams(window=2),
    ...                   days=pd.DatetimeIndex(["2025-11-04"]))
    >>> round(float(out["value"].iloc[0]), 6), out["state"].iloc[0]
    (-0.1, 'below')
    """
    p = params or TrendParams()
    d = days if days is not None else decision_days(inputs)
    c = _closes(inputs.prices, p.symbol)
    close = c["close"].astype(np.float64)
    ma = close.rolling(p.window, min_periods=p.window).mean()
    value = close / ma - 1.0
    rows = pd.DataFrame(
        {
            "value": value,
            "state": np.where(value > p.threshold, "above", "below"),
            "data_date": c.index,
            "available_at": c["available_at"],
            "close": close,
            "moving_average": ma,
        }
    ).reset_index(drop=True)
    return _finish(rows, d, p, p.threshold, "fraction", at)


def rotation_front(
    inputs: RegimeInputs,
    params: RotationParams | None = None,
    *,
    days: pd.DatetimeIndex | None = None,
    at: tuple[str, str] = DECISION_TIME,
) -> pd.DataFrame:
    """BTC's relative strength against an AI-stock proxy as known at each decision."""
    p = params or RotationParams()
    d = days if days is not None else decision_days(inputs)
    a, b = _closes(inputs.prices, p.base), _closes(inputs.prices, p.asset)
    common = a.index.intersection(b.index)
    if len(common) == 0:
        rows = pd.DataFrame(columns=["value", "state", "data_date", "available_at"])
        out = _finish(rows, d, p, p.threshold, "fraction", at)
        out["reason"] = f"no common dates of {p.base} and {p.asset}"
        return out
    a, b = a.loc[common], b.loc[common]
    rs = relative_strength(a["close"], b["close"], trend_window=p.window)
    value = rs["rs_trend"]
    rows = pd.DataFrame(
        {
            "value": value,
            "state": np.where(value > p.threshold, "btc_leading", "ai_leading"),
            "data_date": common,
            "available_at": np.maximum(a["available_at"], b["available_at"]),
        }
    ).reset_index(drop=True)
    return _finish(rows, d, p, p.threshold, "fraction", at)


#: Score inputs whose newest observation date is the macro front's ``data_date``.
_SCORE_INPUTS = INDICATOR_INPUTS["liquidity_score"]


def macro_front(
    inputs: RegimeInputs,
    params: MacroParams | None = None,
    *,
    days: pd.DatetimeIndex | None = None,
    at: tuple[str, str] = DECISION_TIME,
) -> pd.DataFrame:
    """Composite macro-liquidity score (z) as known at each decision (module docstring).

    Each weekly row is usable from the end of its as-of Friday (00:00 UTC the next day):
    every observation it uses was released before then.
    """
    p = params or MacroParams()
    d = days if days is not None else decision_days(inputs)
    obs = inputs.macro
    cols = ["value", "state", "data_date", "available_at", "net_liquidity_usd", "m2_yoy_pct"]
    if obs.empty:
        out = _finish(pd.DataFrame(columns=cols), d, p, p.threshold, "z", at)
        out["state"] = "neutral"
        out["reason"] = "no macro series held"
        return out
    obs = obs.assign(date=pd.to_datetime(obs["date"]).dt.normalize())
    end = max(obs["date"].max(), d.max()) if len(d) else obs["date"].max()
    ind = macro_indicators(
        obs, friday_grid(obs["date"].min(), end), z_window=p.z_window, z_min=p.z_min
    )
    dates = [f"{sid}__date" for sid in _SCORE_INPUTS if f"{sid}__date" in ind.columns]
    value = ind["liquidity_score"].astype(np.float64)
    state = np.where(
        value > p.threshold, "easing", np.where(value < -p.threshold, "tightening", "neutral")
    )
    rows = pd.DataFrame(
        {
            "value": value,
            "state": state,
            "data_date": ind[dates].max(axis=1) if dates else pd.NaT,
            "available_at": ind.index.tz_localize("UTC") + pd.Timedelta(days=1),
            "net_liquidity_usd": ind["net_liquidity_usd"].astype(np.float64),
            "m2_yoy_pct": ind["m2_yoy_pct"].astype(np.float64),
        },
        index=ind.index,
    )
    rows = rows[value.notna()].reset_index(drop=True)
    return _finish(rows, d, p, p.threshold, "z", at)


def liquidity_front(
    inputs: RegimeInputs,
    params: LiquidityParams | None = None,
    *,
    days: pd.DatetimeIndex | None = None,
    at: tuple[str, str] = DECISION_TIME,
) -> pd.DataFrame:
    """Impact-model depth z-score (module docstring) as known at each decision."""
    p = params or LiquidityParams()
    d = days if days is not None else decision_days(inputs)
    cols = ["value", "state", "data_date", "available_at", "depth_usd"]
    need = {"high", "low", "volume"}
    c = _closes(inputs.prices, p.symbol) if need <= set(inputs.prices.columns) else None
    if c is None or c["volume"].notna().sum() == 0:
        out = _finish(pd.DataFrame(columns=cols), d, p, p.threshold, "z", at)
        out["state"] = "neutral"
        out["reason"] = f"no daily {p.symbol} bars with volume held"
        return out
    liq = daily_liquidity(
        c[["close", "high", "low", "volume"]], sigma_days=p.sigma_days, volume_days=p.volume_days
    )
    depth = liq["depth_usd"].astype(np.float64)
    prev = depth.shift(1).rolling(p.z_window, min_periods=max(30, p.z_window // 2))
    z = (depth - prev.mean()) / prev.std().where(prev.std() > 0)
    rows = pd.DataFrame(
        {
            "value": z,
            "state": np.where(
                z > p.threshold, "deep", np.where(z < -p.threshold, "thin", "normal")
            ),
            "data_date": liq.index,
            "available_at": c["available_at"].reindex(liq.index),
            "depth_usd": depth,
        },
        index=liq.index,
    )
    rows = rows[z.notna()].reset_index(drop=True)
    return _finish(rows, d, p, p.threshold, "z", at)


def compute_front(
    inputs: RegimeInputs,
    params: AnyFrontParams,
    *,
    days: pd.DatetimeIndex | None = None,
    at: tuple[str, str] = DECISION_TIME,
) -> pd.DataFrame:
    """Run the front named by ``params.kind``."""
    if isinstance(params, FlowsParams):
        return flows_front(inputs, params, days=days, at=at)
    if isinstance(params, RatesParams):
        return rates_front(inputs, params, days=days, at=at)
    if isinstance(params, ToneParams):
        return tone_front(inputs, params, days=days, at=at)
    if isinstance(params, RotationParams):
        return rotation_front(inputs, params, days=days, at=at)
    if isinstance(params, MacroParams):
        return macro_front(inputs, params, days=days, at=at)
    if isinstance(params, LiquidityParams):
        return liquidity_front(inputs, params, days=days, at=at)
    return trend_front(inputs, params, days=days, at=at)

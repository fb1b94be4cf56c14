"""Backtest a regime rule (a preset or a TOML file) on daily BTC bars, point in time (pure).

Timing
------
The regime of decision day ``D`` is decided at 09:30 New York on ``D``
(:data:`flowscope.signals.pit.DECISION_TIME`) from figures known then. It becomes the target
position of the UTC daily bar of ``D`` (bar start 00:00 UTC ``D``, close 00:00 UTC ``D + 1``):
the engine sets it at that bar's close and it earns the return from ``D``'s UTC close to
``D + 1``'s UTC close. The decision (13:30 or 14:30 UTC on ``D``) comes before ``D``'s close,
so nothing the decision uses overlaps the return it earns; the position simply waits until
the close to be traded. :func:`backtest_preset` checks this for every bar.

Data window
-----------
The backtest starts on the first day on which every front that has figures at all has one
(a front without any figure, e.g. the rates front without fed funds futures held, is
reported and its conditions are never met) and ends on the last BTC bar held (or the
``start``/``end`` given). Days on which a front's newest figure was older than its
``max_age_days`` are counted per front in :attr:`RegimeBacktestResult.stale`.

Walk-forward
------------
:func:`walk_forward_preset` sweeps a small grid of the rule's parameters (the fronts' window
and the score level of risk-on/risk-off, :func:`preset_grid`) in each training window,
keeps the best cell by ``metric`` and runs it on the following test window, starting flat at
the last in-sample close. Each fold reports the deflated Sharpe ratio of the chosen cell.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import pandas as pd

from flowscope.backtest.engine import BacktestResult, run_backtest
from flowscope.backtest.metrics import summarize
from flowscope.backtest.sweep import deflated_sharpe
from flowscope.errors import BacktestError, InsufficientDataError
from flowscope.signals.fronts import RegimeInputs, compute_front
from flowscope.signals.pit import DECISION_TIME, decision_times
from flowscope.signals.regime import (
    RegimeResult,
    RegimeRules,
    preset_rules,
    regime_positions,
    run_regime,
)

__all__ = [
    "PRESET_GRIDS",
    "RegimeBacktestResult",
    "RegimeWalkForwardResult",
    "backtest_preset",
    "preset_grid",
    "rule_text",
    "walk_forward_preset",
]

#: Walk-forward grid of each preset: windows of its windowed fronts (sessions or days) and
#: score levels (risk-on at ``+level``, risk-off at ``-level``).
PRESET_GRIDS: dict[str, dict[str, tuple[int, ...]]] = {
    "siege": {"window": (5, 10, 20), "score_level": (2, 3)},
    "flows": {"window": (5, 10, 20), "score_level": (1, 2)},
    "trend": {"window": (20, 50, 100), "score_level": (1,)},
}
_WINDOWED = ("flows", "trend", "rotation")
_METRICS = ("sharpe", "sortino", "calmar", "cagr", "total_return")
_DAY = pd.Timedelta(days=1)
#: FOMC documents released this many days before the window are scored (the tone front
#: needs the newest one before each decision and the previous one of the same kind).
_TONE_LOOKBACK_DAYS = 400


@dataclass(frozen=True)
class RegimeBacktestResult(BacktestResult):
    """A :class:`~flowscope.backtest.engine.BacktestResult` with the regime behind it.

    Attributes
    ----------
    close
        BTC closes of the window (USD), indexed by UTC bar start.
    regime
        The regime over the window's decision days (:class:`RegimeResult`).
    rules
        The rules applied (after ``risk_off`` was applied).
    stale
        One row per front that was stale on some day: ``front``, ``n_days``,
        ``first_day``, ``last_day`` (naive days).
    notes
        Plain-language notes (fronts without any figure, bars left out).
    """

    close: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    regime: RegimeResult | None = None
    rules: RegimeRules | None = None
    stale: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: tuple[str, ...] = ()

    @property
    def n_position_changes(self) -> int:
        """Days whose target differs from the previous day's (starting flat)."""
        t = self.positions["target"].to_numpy(dtype=float)
        return int((np.diff(np.concatenate([[0.0], t])) != 0).sum())


@dataclass(frozen=True)
class RegimeWalkForwardResult:
    """Outcome of :func:`walk_forward_preset`.

    Attributes
    ----------
    folds
        One row per fold: ``train_start``, ``train_end``, ``test_start``, ``test_end``
        (UTC bar times), the chosen cell's parameters, ``in_sample_<metric>``,
        ``deflated_sharpe`` (of the chosen cell among the fold's cells),
        ``oos_total_return`` and ``oos_sharpe``.
    cells
        The grid: one row per cell with its parameters.
    oos_returns
        Out-of-sample per-bar returns of all folds, concatenated (UTC index).
    oos_equity
        Compounded out-of-sample equity (starting at 1 before the first return).
    oos_summary
        Metrics of the concatenated out-of-sample returns (``out_of_sample``) beside
        buy-and-hold over the same bars (``buy_and_hold``).
    n_trials
        Cells tried per fold times folds.
    metric
        The in-sample criterion.
    """

    folds: pd.DataFrame
    cells: pd.DataFrame
    oos_returns: pd.Series
    oos_equity: pd.Series
    oos_summary: pd.DataFrame
    n_trials: int
    metric: str


def rule_text(rules: RegimeRules) -> list[str]:
    """The rule in words, one line per item (thresholds, then each condition).

    Examples
    --------
    >>> rule_text(preset_rules("trend"))[1]
    'risk_on when score >= 1, risk_off when score <= -1 (risk-off position 0)'
    """
    s = rules.regime
    lines = [
        f"{rules.name}: {rules.description}".rstrip(": "),
        f"risk_on when score >= {s.risk_on:g}, risk_off when score <= {s.risk_off:g} "
        f"(risk-off position {s.risk_off_position})",
    ]
    if s.hysteresis or s.min_hold_days:
        lines.append(f"hysteresis {s.hysteresis:g}, held at least {s.min_hold_days} day(s)")
    for c in rules.conditions:
        thr = "the front's threshold" if c.threshold is None else repr(c.threshold)
        lines.append(f"{c.weight:+g} if {c.name} ({c.front}.{c.field} {c.op} {thr})")
    return lines


def _rules_of(preset: str | None, rules: RegimeRules | None) -> RegimeRules:
    if rules is not None:
        return rules
    return preset_rules(preset or "siege")


def _with(rules: RegimeRules, *, risk_off: float | None = None, **cell: Any) -> RegimeRules:
    doc = rules.model_dump()
    if risk_off is not None:
        doc["regime"]["risk_off_position"] = int(risk_off)
    if "window" in cell:
        for f in doc["fronts"].values():
            if f["kind"] in _WINDOWED:
                f["window"] = int(cell["window"])
    if "window_scale" in cell:
        for f in doc["fronts"].values():
            if f["kind"] in _WINDOWED:
                f["window"] = max(2, round(f["window"] * float(cell["window_scale"])))
    if "score_level" in cell:
        doc["regime"]["risk_on"] = float(cell["score_level"])
        doc["regime"]["risk_off"] = -float(cell["score_level"])
    return RegimeRules.model_validate(doc)


def preset_grid(rules: RegimeRules) -> pd.DataFrame:
    """The walk-forward grid of ``rules``: one row per cell.

    Presets use :data:`PRESET_GRIDS` (columns ``window`` and ``score_level``). Other rules
    scale every windowed front's window by 0.5, 1 and 2 (column ``window_scale``) and keep
    their own score thresholds.
    """
    grid = PRESET_GRIDS.get(rules.name)
    if grid is not None:
        idx = pd.MultiIndex.from_product(list(grid.values()), names=list(grid))
        return idx.to_frame(index=False)
    return pd.DataFrame({"window_scale": [0.5, 1.0, 2.0]})


def _closes(inputs: RegimeInputs, symbol: str) -> pd.Series:
    p = inputs.prices
    if p.empty or "symbol" not in p.columns:
        return pd.Series(dtype=float)
    rows = p[(p["symbol"] == symbol) & (p.get("interval", "1d") == "1d")]
    ts = pd.DatetimeIndex(pd.to_datetime(rows["ts"], utc=True))
    s = pd.Series(rows["close"].to_numpy(dtype=float), index=ts, name="close")
    return s[~s.index.duplicated(keep="last")].sort_index()


def _clean_close(close: pd.Series, notes: list[str]) -> pd.Series:
    if not isinstance(close.index, pd.DatetimeIndex):
        msg = "backtest: close must be indexed by UTC bar start times"
        raise BacktestError(msg)
    idx = close.index if close.index.tz is not None else close.index.tz_localize("UTC")
    c = pd.Series(close.to_numpy(dtype=float), index=idx.tz_convert("UTC"), name="close")
    c = c[~c.index.duplicated(keep="last")].sort_index()
    bad = ~np.isfinite(c) | (c <= 0)
    if bad.any():
        notes.append(
            f"{int(bad.sum())} BTC bar(s) with a missing or non-positive close left out "
            f"(first {c.index[bad.to_numpy()][0]:%Y-%m-%d})"
        )
        c = c[~bad]
    if len(c) > 1:
        step = pd.Series(c.index).diff().median()
        if step != _DAY:
            msg = f"backtest: close must be daily bars (median spacing {step}, expected 1 day)"
            raise BacktestError(msg)
    return c


def _window_start(
    inputs: RegimeInputs,
    rules: RegimeRules,
    days: pd.DatetimeIndex,
    notes: list[str],
    cache: dict[str, pd.DataFrame],
) -> pd.Timestamp | None:
    used = sorted({c.front for c in rules.conditions})
    fronts = {}
    for n in used:
        key = f"{days[0]}|{days[-1]}|{rules.fronts[n].model_dump_json()}"
        if key not in cache:
            cache[key] = compute_front(inputs, rules.fronts[n], days=days)
        fronts[n] = cache[key]
    have = pd.DataFrame({n: fronts[n]["value"].notna().to_numpy() for n in used}, index=days)
    live = [n for n in used if have[n].any()]
    for n in used:
        if n not in live:
            reason = fronts[n]["reason"].dropna()
            why = f" ({reason.iloc[-1]})" if len(reason) and reason.iloc[-1] else ""
            notes.append(f"front {n} has no figure on any day{why}: its conditions are never met")
    if not live:
        return None
    ok = have[live].all(axis=1)
    return pd.Timestamp(ok.index[ok.to_numpy()][0]) if ok.any() else None


def _stale_table(daily: pd.DataFrame) -> pd.DataFrame:
    s = daily["stale_inputs"].astype(str)
    s = s[s != ""].str.split(",").explode()
    if s.empty:
        return pd.DataFrame(columns=["front", "n_days", "first_day", "last_day"])
    g = pd.Series(s.index, index=s.to_numpy()).groupby(level=0)
    out = pd.DataFrame({"n_days": g.size(), "first_day": g.min(), "last_day": g.max()})
    return out.rename_axis("front").reset_index()


def _first_flow_day(inputs: RegimeInputs, rules: RegimeRules) -> pd.Timestamp | None:
    # No flows front has a figure before its fund's first reported session.
    funds = {getattr(f, "fund", None) for f in rules.fronts.values() if f.kind == "flows"}
    if not funds or inputs.flows.empty:
        return None
    rows = inputs.flows[inputs.flows["fund"].isin(funds)]
    if rows.empty:
        return None
    firsts = pd.to_datetime(rows["date"]).groupby(rows["fund"]).min()
    return pd.Timestamp(firsts.min()).normalize()


def _trim_docs(inputs: RegimeInputs, lo: pd.Timestamp) -> RegimeInputs:
    # Scoring FOMC text is the costly step: keep the documents the window can use (released
    # within TONE_LOOKBACK_DAYS before it), as the store reader does for a given start.
    docs = inputs.fomc_docs
    if docs.empty or "release_ts" not in docs.columns:
        return inputs
    rel = pd.to_datetime(docs["release_ts"], utc=True).dt.tz_localize(None)
    keep = rel >= lo - pd.Timedelta(days=_TONE_LOOKBACK_DAYS)
    return replace(inputs, fomc_docs=docs[keep.to_numpy()].reset_index(drop=True))


def _regime_for(
    inputs: RegimeInputs,
    rules: RegimeRules,
    close: pd.Series,
    start: pd.Timestamp | None,
    end: pd.Timestamp | None,
    notes: list[str],
    cache: dict[str, pd.DataFrame],
) -> tuple[RegimeResult, pd.Series]:
    if close.empty:
        msg = "backtest: no BTC daily closes held; run `flowscope init` or `flowscope update`"
        raise InsufficientDataError(msg)
    bar_days = close.index.tz_localize(None).normalize()
    lo = bar_days[0] if start is None else max(bar_days[0], start)
    hi = bar_days[-1] if end is None else min(bar_days[-1], end)
    if hi <= lo:
        msg = f"backtest: no BTC bars between {lo:%Y-%m-%d} and {hi:%Y-%m-%d}"
        raise InsufficientDataError(msg)
    lo = max(lo, _first_flow_day(inputs, rules) or lo)
    if hi <= lo:
        msg = f"backtest: no BTC bars after the first ETF flow held ({lo:%Y-%m-%d})"
        raise InsufficientDataError(msg)
    inputs = _trim_docs(inputs, lo)
    days = pd.date_range(lo, hi, freq="D", name="date")
    begin = _window_start(inputs, rules, days, notes, cache)
    if begin is None:
        msg = (
            f"backtest: the inputs of rule {rules.name!r} never all have a figure between "
            f"{lo:%Y-%m-%d} and {hi:%Y-%m-%d}"
        )
        raise InsufficientDataError(msg)
    days = pd.date_range(begin, hi, freq="D", name="date")
    result = run_regime(inputs, rules, days=days)
    keep = (bar_days >= days[0]) & (bar_days <= days[-1])
    return result, close[keep]


def _check_timing(days: pd.DatetimeIndex, bars: pd.DatetimeIndex) -> None:
    decided = pd.DatetimeIndex(decision_times(days, DECISION_TIME))
    bar_close = bars + _DAY
    late = decided >= bar_close
    if late.any():
        i = int(np.argmax(late))
        msg = (
            f"backtest: the decision of {days[i]:%Y-%m-%d} ({decided[i]}) is not before the "
            f"close of the bar it is applied to ({bar_close[i]})"
        )
        raise BacktestError(msg)


def backtest_preset(
    inputs: RegimeInputs,
    preset: str | None = "siege",
    *,
    rules: RegimeRules | None = None,
    close: pd.Series | None = None,
    start: pd.Timestamp | str | None = None,
    end: pd.Timestamp | str | None = None,
    risk_off: Literal[0, -1] | None = None,
    fee_bps: float = 10.0,
    slippage_bps: float = 5.0,
    slippage_bps_series: pd.Series | None = None,
    target_vol: float | None = None,
    vol_window: int = 30,
    capital: float = 1.0,
    symbol: str = "BTC-USD",
) -> RegimeBacktestResult:
    """Backtest a regime rule on daily BTC bars (the note's rule by default).

    Parameters
    ----------
    inputs
        The regime's inputs (:func:`flowscope.queries.regime.load_regime_inputs`).
    preset
        A shipped preset (siege, trend, flows); ignored when ``rules`` is given.
    rules
        Validated rules (:func:`flowscope.signals.regime.rules_from_toml`).
    close
        Daily closes (USD) indexed by UTC bar start; default: ``symbol``'s daily closes in
        ``inputs.prices``.
    start, end
        First and last decision day / bar (UTC days, inclusive); default: the data window
        (see the module docstring).
    risk_off
        Position while risk-off (0 flat, -1 short); default: the rule's.
    fee_bps, slippage_bps
        Costs in basis points of traded notional.
    slippage_bps_series
        Extra per-bar slippage (bps) indexed by UTC day or bar start, e.g. from
        :func:`flowscope.backtest.costs.impact_slippage_bps`; every bar of the window
        needs a figure.
    target_vol
        Annual volatility to target (0.4 = 40 %), capped at leverage 1; None: no targeting.
    vol_window
        Days of returns behind the realised volatility.
    capital
        Starting equity (USD).
    symbol
        The traded instrument's symbol in ``inputs.prices``.

    Returns
    -------
    RegimeBacktestResult
        ``summary()`` gives the strategy beside buy-and-hold over the same bars.
    """
    ruleset = _rules_of(preset, rules)
    if risk_off is not None:
        ruleset = _with(ruleset, risk_off=risk_off)
    return _backtest(
        inputs,
        ruleset,
        {},
        close=close,
        start=start,
        end=end,
        fee_bps=fee_bps,
        slippage_bps=slippage_bps,
        slippage_bps_series=slippage_bps_series,
        target_vol=target_vol,
        vol_window=vol_window,
        capital=capital,
        symbol=symbol,
    )


def _backtest(
    inputs: RegimeInputs,
    ruleset: RegimeRules,
    cache: dict[str, pd.DataFrame],
    *,
    close: pd.Series | None = None,
    start: pd.Timestamp | str | None = None,
    end: pd.Timestamp | str | None = None,
    fee_bps: float = 10.0,
    slippage_bps: float = 5.0,
    slippage_bps_series: pd.Series | None = None,
    target_vol: float | None = None,
    vol_window: int = 30,
    capital: float = 1.0,
    symbol: str = "BTC-USD",
) -> RegimeBacktestResult:
    notes: list[str] = []
    c = _clean_close(close if close is not None else _closes(inputs, symbol), notes)
    s = None if start is None else pd.Timestamp(str(start)).normalize()
    e = None if end is None else pd.Timestamp(str(end)).normalize()
    result, cw = _regime_for(inputs, ruleset, c, s, e, notes, cache)
    if len(cw) < 2:
        msg = f"backtest: only {len(cw)} BTC bar(s) in the data window; need at least 2"
        raise InsufficientDataError(msg)
    bar_days = cw.index.tz_localize(None).normalize()
    pos = regime_positions(result.daily).reindex(bar_days)
    if pos.isna().any():
        day = bar_days[pos.isna().to_numpy()][0]
        msg = f"backtest: no regime for the bar of {day:%Y-%m-%d}"
        raise BacktestError(msg)
    _check_timing(pd.DatetimeIndex(bar_days), cw.index)
    pos.index = cw.index
    extra = None
    if slippage_bps_series is not None:
        sl = slippage_bps_series.copy()
        sidx = pd.DatetimeIndex(sl.index)
        sl.index = sidx.tz_convert("UTC") if sidx.tz is not None else sidx.tz_localize("UTC")
        extra = sl.reindex(cw.index)
        if extra.isna().any():
            day = extra.index[extra.isna().to_numpy()][0]
            msg = (
                f"backtest: no slippage estimate for the bar of {day:%Y-%m-%d} (no volume "
                "held before it); start later"
            )
            raise InsufficientDataError(msg)
    res = run_backtest(
        cw,
        pos,
        fee_bps=fee_bps,
        slippage_bps=slippage_bps,
        slippage_bps_series=extra,
        target_vol=target_vol,
        vol_window=vol_window,
        capital=capital,
        periods_per_year=365.0,
    )
    return RegimeBacktestResult(
        equity=res.equity,
        returns=res.returns,
        positions=res.positions,
        trades=res.trades,
        benchmark_equity=res.benchmark_equity,
        periods_per_year=res.periods_per_year,
        close=cw,
        regime=result,
        rules=ruleset,
        stale=_stale_table(result.daily),
        notes=tuple(notes),
    )


def _dsr(returns: list[pd.Series], best: int) -> float:
    sr = np.array([r.mean() / r.std(ddof=1) if r.std(ddof=1) > 0 else np.nan for r in returns])
    finite = sr[np.isfinite(sr)]
    if not np.isfinite(sr[best]):
        return float("nan")
    r = returns[best]
    return deflated_sharpe(
        float(sr[best]),
        sharpe_variance=float(np.var(finite, ddof=1)) if len(finite) > 1 else 0.0,
        n_trials=len(returns),
        n_obs=len(r),
        skew=float(r.skew()),
        kurtosis=float(r.kurt()) + 3.0,
    )


def walk_forward_preset(
    inputs: RegimeInputs,
    preset: str | None = "siege",
    *,
    rules: RegimeRules | None = None,
    grid: pd.DataFrame | None = None,
    train_days: int = 365,
    test_days: int = 90,
    metric: str = "sharpe",
    **kwargs: Any,
) -> RegimeWalkForwardResult:
    """Choose the rule's parameters in-sample, run them out-of-sample, fold after fold.

    Parameters
    ----------
    inputs, preset, rules
        As in :func:`backtest_preset`.
    grid
        Cells to try (columns ``window``, ``score_level`` or ``window_scale``); default
        :func:`preset_grid`.
    train_days, test_days
        Window lengths in daily bars; folds step by ``test_days``.
    metric
        In-sample criterion: sharpe, sortino, calmar, cagr or total_return.
    **kwargs
        Passed to :func:`backtest_preset` (``start``, ``end``, costs, ``risk_off`` …).

    Returns
    -------
    RegimeWalkForwardResult
    """
    if metric not in _METRICS:
        msg = f"walk-forward: metric must be one of {', '.join(_METRICS)}, got {metric!r}"
        raise BacktestError(msg)
    base = _rules_of(preset, rules)
    cells = grid if grid is not None else preset_grid(base)
    # The folds pay the same costs as the full run (backtest_preset's defaults included).
    kwargs.setdefault("fee_bps", 10.0)
    kwargs.setdefault("slippage_bps", 5.0)
    cost_keys = ("fee_bps", "slippage_bps", "target_vol", "vol_window", "capital")
    costs = {k: kwargs[k] for k in cost_keys if k in kwargs}
    risk_off = kwargs.pop("risk_off", None)
    if risk_off is not None:
        base = _with(base, risk_off=risk_off)
    cache: dict[str, pd.DataFrame] = {}
    full = [
        _backtest(inputs, _with(base, **row), cache, **kwargs) for row in cells.to_dict("records")
    ]
    # The cells share the bars only where all their inputs exist: use the common window.
    common = full[0].close.index
    for r in full[1:]:
        common = common.intersection(r.close.index)
    n = len(common)
    if train_days < 2 or test_days < 1 or train_days + test_days > n:
        msg = (
            f"walk-forward: need --train-days >= 2, --test-days >= 1 and train + test <= "
            f"{n} bars held (got {train_days} + {test_days})"
        )
        raise InsufficientDataError(msg)
    close = full[0].close.reindex(common)
    pos = [r.positions["target"].reindex(common) for r in full]
    if kwargs.get("target_vol") is not None:  # positions above include the leverage
        costs.pop("target_vol")
        costs.pop("vol_window", None)
    sl = kwargs.get("slippage_bps_series")
    extra = None
    if sl is not None:
        sidx = pd.DatetimeIndex(sl.index)
        extra = sl.set_axis(sidx.tz_convert("UTC") if sidx.tz else sidx.tz_localize("UTC"))
    rows, pieces = [], []
    for s in range(0, n - train_days - test_days + 1, test_days):
        tr_end, te_end = s + train_days, s + train_days + test_days
        ins = [
            run_backtest(
                close.iloc[s:tr_end],
                p.iloc[s:tr_end],
                slippage_bps_series=extra,
                periods_per_year=365.0,
                **costs,
            )
            for p in pos
        ]
        scores = np.array([r.summary().loc[metric, "strategy"] for r in ins], dtype=float)
        finite = np.isfinite(scores)
        best = int(np.argmax(np.where(finite, scores, -np.inf))) if finite.any() else 0
        win = slice(tr_end - 1, te_end)
        oos = run_backtest(
            close.iloc[win],
            pos[best].iloc[win],
            slippage_bps_series=extra,
            periods_per_year=365.0,
            **costs,
        )
        summ = oos.summary()["strategy"]
        pieces.append((oos.returns, oos.positions["held"].iloc[1:], oos.positions["traded"]))
        rows.append(
            {
                "train_start": common[s],
                "train_end": common[tr_end - 1],
                "test_start": common[tr_end],
                "test_end": common[te_end - 1],
                **cells.iloc[[best]].to_dict("records")[0],
                f"in_sample_{metric}": float(scores[best]),
                "deflated_sharpe": _dsr([r.returns for r in ins], best),
                "oos_total_return": float(summ["total_return"]),
                "oos_sharpe": float(summ["sharpe"]),
            }
        )
    oos_ret = pd.concat([p[0] for p in pieces]).rename("returns")
    held = pd.concat([p[1] for p in pieces])
    traded = pd.concat([p[2] for p in pieces])
    bh_ret = close.pct_change().reindex(oos_ret.index)
    ones = pd.Series(1.0, index=oos_ret.index)
    summary = pd.DataFrame(
        {
            "out_of_sample": summarize(oos_ret, held, traded, 365.0),
            "buy_and_hold": summarize(bh_ret, ones, ones.iloc[:1], 365.0),
        }
    )
    summary.index.name = "metric"
    return RegimeWalkForwardResult(
        folds=pd.DataFrame(rows),
        cells=cells.reset_index(drop=True),
        oos_returns=oos_ret,
        oos_equity=(1.0 + oos_ret).cumprod().rename("equity"),
        oos_summary=summary,
        n_trials=len(cells) * len(rows),
        metric=metric,
    )

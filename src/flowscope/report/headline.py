"""The brief's headline: the composite regime with its reasons, one line per front, and
what changed since the previous brief day.

The regime is computed exactly as ``flowscope regime --asof DAY`` computes it (one decision
day, 09:30 New York, point in time), so the headline and that command always agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from flowscope.report.units import fmt_musd
from flowscope.signals.fronts import RotationParams, TrendParams, compute_front
from flowscope.signals.regime import preset_rules, run_regime

if TYPE_CHECKING:
    from flowscope.queries import Store
    from flowscope.report._brief_model import BriefSection
    from flowscope.signals.fronts import RegimeInputs

__all__ = ["Change", "Headline", "RegimeView", "build_headline", "regime_view"]


def _plain(v: Any) -> Any:
    if v is None or isinstance(v, bool | str):
        return v
    if isinstance(v, np.bool_):
        return bool(v)
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    return None if np.isnan(f) else f


def _day(v: Any) -> str | None:
    return None if v is None or pd.isna(v) else f"{pd.Timestamp(v):%Y-%m-%d}"


@dataclass
class RegimeView:
    """The regime on one decision day with each condition and the extra fronts' state.

    ``fronts`` maps a front name (the preset's plus ``rotation`` BTC vs SMH and ``trend``
    BTC vs its 50-day average) to its row on the day: ``value``, ``state``, ``unit``,
    ``data_date``, ``stale``, ``reason``.
    """

    day: pd.Timestamp
    preset: str
    regime: str
    score: float
    risk_on: float
    risk_off: float
    conditions: list[dict[str, Any]]
    fronts: dict[str, dict[str, Any]]
    stale_inputs: list[str]


def regime_view(store: Store, day: pd.Timestamp, *, preset: str = "siege") -> RegimeView | None:
    """The regime of ``preset`` on ``day`` (as ``flowscope regime --asof day``), or None
    when the store holds neither ETF flows nor prices."""
    from flowscope.queries.regime import load_regime_inputs

    return regime_view_from(load_regime_inputs(store, start=day), day, preset=preset)


def regime_view_from(
    inputs: RegimeInputs, day: pd.Timestamp, *, preset: str = "siege"
) -> RegimeView | None:
    """:func:`regime_view` from inputs already read (their start on or before ``day``)."""
    rules = preset_rules(preset)
    days = pd.DatetimeIndex([day], name="date")
    if inputs.flows.empty and inputs.prices.empty:
        return None
    res = run_regime(inputs, rules, days=days)
    last = res.daily.iloc[-1]
    expl = res.explanation[res.explanation["date"] == day]
    conditions = [
        {
            "condition": r.condition,
            "front": r.front,
            "value": _plain(r.value),
            "op": r.op,
            "threshold": _plain(r.threshold),
            "met": bool(r.met),
            "weight": float(r.weight),
            "data_date": _day(r.data_date),
            "stale": bool(r.stale),
            "reason": None if r.reason is None or pd.isna(r.reason) else str(r.reason),
        }
        for r in expl.itertuples(index=False)
    ]
    frames = dict(res.fronts)
    frames["rotation"] = compute_front(inputs, RotationParams(), days=days)
    frames["trend"] = compute_front(inputs, TrendParams(), days=days)
    fronts = {}
    for name, f in frames.items():
        row = f.iloc[-1]
        fronts[name] = {
            "value": _plain(row["value"]),
            "state": _plain(row["state"]),
            "unit": _plain(row["unit"]),
            "data_date": _day(row["data_date"]),
            "stale": bool(row["stale"]),
            "reason": None if pd.isna(row["reason"]) else str(row["reason"]),
        }
    return RegimeView(
        day=day,
        preset=rules.name,
        regime=str(last["regime"]),
        score=float(last["score"]),
        risk_on=float(rules.regime.risk_on),
        risk_off=float(rules.regime.risk_off),
        conditions=conditions,
        fronts=fronts,
        stale_inputs=[s for s in str(last["stale_inputs"]).split(",") if s],
    )


@dataclass
class Change:
    """One front's move between two brief days (``before``/``after`` in ``unit``)."""

    front: str
    label: str
    before: float | str | None
    after: float | str | None
    unit: str
    before_date: str | None
    after_date: str | None

    @property
    def delta(self) -> float | None:
        """``after - before`` for numbers, else None."""
        if isinstance(self.before, float) and isinstance(self.after, float):
            return self.after - self.before
        return None

    def line(self) -> str:
        """``"Total 10-session flow: -1,982.2 $M -> +240.4 $M (+2,222.6 $M)"``."""

        def show(v: float | str | None) -> str:
            if v is None:
                return "no figure"
            if isinstance(v, str):
                return v
            if self.unit == "fraction":
                return f"{v:+.1%}"
            return fmt_musd(v) if self.unit == "USD" else f"{v:,.2f} {self.unit}".rstrip()

        d = self.delta
        if d is None:
            tail = "" if self.before != self.after else " (unchanged)"
        elif d == 0:
            tail = " (unchanged)"
        else:
            tail = (
                f" ({fmt_musd(d)})"
                if self.unit == "USD"
                else f" ({100 * d:+.1f} pp)"
                if self.unit == "fraction"
                else f" ({d:+,.2f} {self.unit})"
            )
        dates = f" [data {self.before_date or '-'} -> {self.after_date or '-'}]"
        return f"{self.label}: {show(self.before)} -> {show(self.after)}{tail}{dates}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, units in the key names' ``unit`` field."""
        return {
            "front": self.front,
            "label": self.label,
            "before": self.before,
            "after": self.after,
            "change": self.delta,
            "unit": self.unit,
            "before_data_date": self.before_date,
            "after_data_date": self.after_date,
        }


@dataclass
class Headline:
    """Verdict, per-front lines and changes since ``since``."""

    regime: RegimeView | None
    previous: RegimeView | None
    since: pd.Timestamp
    fronts: list[tuple[str, str]] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    def verdict(self) -> str:
        """One sentence: the regime, its score and thresholds, the rules' name."""
        r = self.regime
        if r is None:
            return "No verdict: the store holds no ETF flows and no prices."
        word = {"risk_off": "RISK-OFF", "risk_on": "RISK-ON", "neutral": "NEUTRAL"}
        out = (
            f"Verdict ({r.preset} rules, decision {r.day:%Y-%m-%d} 09:30 New York): "
            f"{word.get(r.regime, r.regime)}, score {r.score:+g} (risk-on at >= {r.risk_on:+g}, "
            f"risk-off at <= {r.risk_off:+g})."
        )
        if r.stale_inputs:
            out += f" STALE INPUTS: {', '.join(r.stale_inputs)} (older than allowed; used anyway)."
        return out

    def reasons(self) -> list[str]:
        """One line per condition that counted (met), then those with no figure."""
        if self.regime is None:
            return []
        out = []
        for c in self.regime.conditions:
            v = c["value"]
            shown = fmt_musd(v) if c["front"].startswith("flows") and isinstance(v, float) else v
            state = "met" if c["met"] else "not met"
            if c["reason"]:
                state += f" ({c['reason']})"
            if c["met"] or c["reason"]:
                out.append(
                    f"{c['condition']}: {shown} {c['op']} {c['threshold']} -> {state}, "
                    f"weight {c['weight']:+g}, data {c['data_date'] or '-'}"
                    + (" STALE" if c["stale"] else "")
                )
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready headline."""
        r, p = self.regime, self.previous
        return {
            "verdict": self.verdict(),
            "regime": None if r is None else r.regime,
            "score": None if r is None else r.score,
            "preset": None if r is None else r.preset,
            "decision_date": None if r is None else f"{r.day:%Y-%m-%d}",
            "decision_time": "09:30 America/New_York",
            "risk_on_threshold": None if r is None else r.risk_on,
            "risk_off_threshold": None if r is None else r.risk_off,
            "stale_inputs": [] if r is None else r.stale_inputs,
            "conditions": [] if r is None else r.conditions,
            "fronts": [{"front": k, "line": v} for k, v in self.fronts],
            "since_date": f"{self.since:%Y-%m-%d}",
            "previous_regime": None if p is None else p.regime,
            "changes": [c.to_dict() for c in self.changes],
        }


def _front(view: RegimeView | None, name: str) -> dict[str, Any]:
    if view is None or name not in view.fronts:
        return {"value": None, "state": None, "unit": "", "data_date": None, "stale": False}
    return view.fronts[name]


def _val(f: dict[str, Any]) -> float | str | None:
    v = f["value"]
    return v if isinstance(v, float) else (f["reason"] or None) if "reason" in f else None


def _stale(f: dict[str, Any]) -> str:
    return " STALE" if f.get("stale") else ""


def _front_lines(view: RegimeView | None, secs: dict[str, BriefSection]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    ib, tot = _front(view, "flows_ibit"), _front(view, "flows_total")
    if tot["value"] is not None:
        out.append(
            (
                "flows",
                f"ETF flows: Total {fmt_musd(tot['value'])}, IBIT {fmt_musd(ib['value'] or np.nan)} "
                f"over the last 10 sessions to {tot['data_date']} ({tot['state']}){_stale(tot)}.",
            )
        )
    else:
        out.append(("flows", "ETF flows: no figure known on the decision day."))
    rates, tone = _front(view, "rates"), _front(view, "tone")
    odds = (
        f"next-meeting cut odds {rates['value']:.1f} % ({rates['data_date']}){_stale(rates)}"
        if isinstance(rates["value"], float)
        else f"cut odds: {rates.get('reason') or 'no figure'}"
    )
    tn = (
        f"statement tone {tone['value']:+.3f} ({tone['state']}, {tone['data_date']}){_stale(tone)}"
        if isinstance(tone["value"], float)
        else "tone: no figure"
    )
    out.append(("fed", f"Fed: {odds}; {tn}."))
    rot = _front(view, "rotation")
    line = (
        f"AI rotation: BTC/SMH {rot['value']:+.1%} vs its 50-session mean ({rot['state']}, "
        f"{rot['data_date']}){_stale(rot)}"
        if isinstance(rot["value"], float)
        else "AI rotation: no figure"
    )
    if "rotation" in secs and secs["rotation"].bullets:
        line += f"; {secs['rotation'].bullets[0]}"
    out.append(("rotation", line if line.endswith(".") else line + "."))
    tr = _front(view, "trend")
    if isinstance(tr["value"], float):
        out.append(
            (
                "price",
                f"BTC: {tr['value']:+.1%} vs its 50-day average ({tr['state']}, close "
                f"{tr['data_date']}){_stale(tr)}.",
            )
        )
    parts = [
        secs[key].bullets[0]
        for key in ("liquidity", "seasonality")
        if key in secs and secs[key].bullets
    ]
    out.append(("liquidity", "Liquidity/seasonality: " + (" ".join(parts) or "no figure.")))
    mac = secs.get("macro")
    if mac is not None and mac.facts:
        score = mac.facts.get("liquidity_score")
        nl = mac.facts.get("net_liquidity_usd")
        bits = []
        if score is not None:
            bits.append(f"liquidity score {score:+.2f} z")
        if nl is not None:
            bits.append(f"net liquidity ${nl / 1e9:,.0f} bn")
        when = f" (week of {mac.asof:%Y-%m-%d})" if mac.asof is not None else ""
        out.append(("macro", "Macro: " + (", ".join(bits) or "no figure") + when + "."))
    else:
        out.append(("macro", "Macro: no figure."))
    return out


_CHANGES: tuple[tuple[str, str, str], ...] = (
    ("flows_total", "Total 10-session flow", "USD"),
    ("flows_ibit", "IBIT 10-session flow", "USD"),
    ("rates", "Next-meeting cut odds", "%"),
    ("tone", "FOMC statement tone", "score"),
    ("rotation", "BTC/SMH vs 50-session mean", "fraction"),
    ("trend", "BTC vs 50-day average", "fraction"),
)


def _changes(now: RegimeView | None, before: RegimeView | None) -> list[Change]:
    out = [
        Change(
            "regime",
            "Regime",
            None if before is None else f"{before.regime} ({before.score:+g})",
            None if now is None else f"{now.regime} ({now.score:+g})",
            "",
            None if before is None else f"{before.day:%Y-%m-%d}",
            None if now is None else f"{now.day:%Y-%m-%d}",
        )
    ]
    for name, label, unit in _CHANGES:
        a, b = _front(before, name), _front(now, name)
        out.append(
            Change(
                name,
                label,
                a["value"] if isinstance(a["value"], float) else None,
                b["value"] if isinstance(b["value"], float) else None,
                unit,
                a["data_date"],
                b["data_date"],
            )
        )
    return out


def build_headline(
    inputs_for: Callable[[pd.Timestamp], RegimeInputs],
    asof: pd.Timestamp,
    sections: list[BriefSection],
    *,
    since: pd.Timestamp | None = None,
    preset: str = "siege",
) -> Headline:
    """Regime on ``asof`` and on ``since`` (default the day before), per-front lines
    (from the regime's fronts and the sections' first bullets) and the changes between.

    ``inputs_for(day)`` returns the regime's inputs read for ``day``
    (:meth:`flowscope.queries.brief.BriefFrames.regime_inputs`)."""
    prev = since if since is not None else asof - pd.Timedelta(days=1)
    now = regime_view_from(inputs_for(asof), asof, preset=preset)
    before = regime_view_from(inputs_for(prev), prev, preset=preset)
    secs = {s.key: s for s in sections}
    return Headline(
        regime=now,
        previous=before,
        since=prev,
        fronts=_front_lines(now, secs),
        changes=_changes(now, before),
    )

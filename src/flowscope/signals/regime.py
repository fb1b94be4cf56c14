"""Composite regime: declarative TOML rules over the front signals, explained day by day.

A rule file names the fronts it uses (``[fronts.<name>]`` with a ``kind`` and that front's
parameters), lists weighted conditions on them (``[[conditions]]``: ``front``, ``field``,
``op``, ``threshold``, ``weight``) and sets the score thresholds (``[regime]``). Each day
``score = Σ weight × met``; ``risk_on`` when ``score >= regime.risk_on``, ``risk_off`` when
``score <= regime.risk_off``, ``neutral`` otherwise, subject to hysteresis (leaving a regime
needs the score to move ``hysteresis`` past its threshold) and a minimum holding period.
A condition on a missing figure is not met. The language is documented in
``docs/regime.md``; presets ship in ``flowscope/signals/presets/``.
"""

from __future__ import annotations

import importlib.resources
import operator
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd
import pydantic
from pydantic import BaseModel, ConfigDict, Field, model_validator

from flowscope.errors import ValidationError
from flowscope.signals.fronts import (
    FrontParams,
    RegimeInputs,
    compute_front,
    decision_days,
)
from flowscope.signals.pit import DECISION_TIME

__all__ = [
    "PRESETS",
    "Condition",
    "RegimeResult",
    "RegimeRules",
    "RegimeSettings",
    "preset_rules",
    "regime_positions",
    "rules_from_toml",
    "run_regime",
]

#: Shipped rule files (``flowscope/signals/presets/<name>.toml``).
PRESETS: tuple[str, ...] = ("siege", "siege-macro", "trend", "flows")

Op: TypeAlias = Literal["<", "<=", ">", ">=", "==", "!="]
Regime: TypeAlias = Literal["risk_on", "neutral", "risk_off"]
_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
}
#: Fields a condition may test, per front kind (besides ``value``, ``state``, ``age_days``).
FIELDS: dict[str, tuple[str, ...]] = {
    "flows": ("zscore", "reversal", "flow_usd"),
    "rates": ("change",),
    "tone": ("change",),
    "rotation": (),
    "trend": ("close", "moving_average"),
    "macro": ("net_liquidity_usd", "m2_yoy_pct"),
    "liquidity": ("depth_usd",),
}
_COMMON_FIELDS = ("value", "state", "age_days")


class Condition(BaseModel):
    """One weighted condition on a front's field (``front.field op threshold``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    front: str
    field: str = "value"
    op: Op
    threshold: float | str | bool | None = None
    weight: float = 1.0


class RegimeSettings(BaseModel):
    """Score thresholds, hysteresis, holding period and the risk-off position."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    risk_on: float
    risk_off: float
    hysteresis: float = Field(default=0.0, ge=0)
    min_hold_days: int = Field(default=0, ge=0)
    risk_off_position: Literal[0, -1] = 0

    @model_validator(mode="after")
    def _ordered(self) -> RegimeSettings:
        if not self.risk_off < self.risk_on:
            msg = f"risk_off ({self.risk_off}) must be below risk_on ({self.risk_on})"
            raise ValueError(msg)
        return self


class RegimeRules(BaseModel):
    """A complete rule file (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = "custom"
    description: str = ""
    regime: RegimeSettings
    fronts: dict[str, FrontParams]
    conditions: list[Condition] = Field(min_length=1)


def _key_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _check_references(rules: RegimeRules, origin: str) -> None:
    for i, c in enumerate(rules.conditions):
        if c.front not in rules.fronts:
            msg = (
                f"{origin}: conditions[{i}].front: unknown front {c.front!r}; declared: "
                f"{', '.join(sorted(rules.fronts)) or 'none'} (add [fronts.{c.front}])"
            )
            raise ValidationError(msg, param_name=f"conditions[{i}].front", received=c.front)
        kind = rules.fronts[c.front].kind
        allowed = (*_COMMON_FIELDS, *FIELDS[kind])
        if c.field not in allowed:
            msg = (
                f"{origin}: conditions[{i}].field: {c.field!r} is not a field of a {kind} "
                f"front; use one of {', '.join(allowed)}"
            )
            raise ValidationError(msg, param_name=f"conditions[{i}].field", received=c.field)
        text = c.field == "state"
        if text and (not isinstance(c.threshold, str) or c.op not in ("==", "!=")):
            msg = (
                f"{origin}: conditions[{i}]: a state is compared with == or != to a quoted "
                f"state name (got op {c.op!r}, threshold {c.threshold!r})"
            )
            raise ValidationError(
                msg, param_name=f"conditions[{i}].threshold", received=c.threshold
            )
        if not text and isinstance(c.threshold, str):
            msg = (
                f"{origin}: conditions[{i}].threshold: {c.field} is compared with a number, "
                f"got {c.threshold!r}"
            )
            raise ValidationError(
                msg, param_name=f"conditions[{i}].threshold", received=c.threshold
            )


def rules_from_mapping(doc: Mapping[str, Any], *, origin: str = "rules") -> RegimeRules:
    """Validate a parsed rule document; errors name ``origin`` and the TOML key path."""
    try:
        rules = RegimeRules.model_validate(dict(doc))
    except pydantic.ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        if len(loc) >= 3 and loc[0] == "fronts" and loc[2] in _KINDS:
            loc = loc[:2] + loc[3:]  # drop the union tag pydantic inserts
        key = _key_path(loc) or "(top level)"
        got = err.get("input")
        shown = "" if isinstance(got, dict | list) else f" (got {got!r})"
        msg = f"{origin}: {key}: {err['msg']}{shown}"
        raise ValidationError(msg, param_name=key, received=got) from None
    _check_references(rules, origin)
    return rules


_KINDS = frozenset(FIELDS)


def rules_from_toml(text: str, *, origin: str = "rules") -> RegimeRules:
    """Parse and validate a TOML rule file's text.

    Raises
    ------
    ValidationError
        Bad TOML (with line and column) or a bad value (with the key path, e.g.
        ``conditions[1].op``).
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = f"{origin}: not valid TOML: {exc}"
        raise ValidationError(msg, param_name="rules", received=origin) from None
    return rules_from_mapping(doc, origin=origin)


def preset_rules(name: str) -> RegimeRules:
    """The shipped preset ``name`` (one of :data:`PRESETS`)."""
    if name not in PRESETS:
        msg = f"unknown preset {name!r}; use one of {', '.join(PRESETS)}"
        raise ValidationError(msg, param_name="preset", received=name)
    res = importlib.resources.files("flowscope.signals") / "presets" / f"{name}.toml"
    return rules_from_toml(res.read_text(encoding="utf-8"), origin=f"preset {name}")


@dataclass(frozen=True)
class RegimeResult:
    """The regime day by day, with its explanation.

    Attributes
    ----------
    daily
        Indexed by ``date`` (decision day): ``regime`` (``risk_on``/``neutral``/
        ``risk_off``), ``score``, ``raw_regime`` (before hysteresis and holding),
        ``position`` (1, 0, or the rule's risk-off position), ``stale_inputs`` (fronts
        whose newest figure is older than their ``max_age_days``, comma-separated, or "").
    explanation
        One row per day and condition: ``date``, ``condition``, ``front``, ``field``,
        ``value``, ``op``, ``threshold``, ``met``, ``weight``, ``contribution``,
        ``data_date`` (newest input date used), ``stale``, ``reason``.
    fronts
        Each front's daily frame (see :mod:`flowscope.signals.fronts`).
    rules
        The rules applied.
    """

    daily: pd.DataFrame
    explanation: pd.DataFrame
    fronts: dict[str, pd.DataFrame]
    rules: RegimeRules


def _compare(col: pd.Series, op: str, thr: object) -> np.ndarray:
    valid = col.notna().to_numpy(dtype=bool)
    if isinstance(thr, str):
        res = _OPS[op](col.astype(object), thr)
    else:
        res = _OPS[op](col.astype(np.float64), float(thr))  # type: ignore[arg-type]
    met: np.ndarray = np.asarray(res, dtype=bool) & valid
    return met


def _hold(raw: np.ndarray, score: np.ndarray, s: RegimeSettings) -> np.ndarray:
    # Path-dependent state machine (hysteresis + minimum holding): a loop over days.
    out = raw.copy()
    cur, held = "neutral", 0
    for i in range(len(raw)):
        want = raw[i]
        if cur == "risk_on" and want != "risk_on" and score[i] > s.risk_on - s.hysteresis:
            want = "risk_on"
        if cur == "risk_off" and want != "risk_off" and score[i] < s.risk_off + s.hysteresis:
            want = "risk_off"
        if want != cur and (i == 0 or held >= s.min_hold_days):
            cur, held = want, 0
        held += 1
        out[i] = cur
    return out


def run_regime(
    inputs: RegimeInputs,
    rules: RegimeRules,
    *,
    days: pd.DatetimeIndex | None = None,
    at: tuple[str, str] = DECISION_TIME,
) -> RegimeResult:
    """Apply ``rules`` to ``inputs`` on every decision day.

    Parameters
    ----------
    inputs
        Frames from the store (:func:`flowscope.queries.regime.load_regime_inputs`).
    rules
        Validated rules (:func:`preset_rules`, :func:`rules_from_toml`).
    days
        Decision days (naive dates); default every day from the first flow or price held
        to the day after the last.
    at
        Daily decision time (wall clock, zone); each front uses what is known then.

    Returns
    -------
    RegimeResult
    """
    d = days if days is not None else decision_days(inputs)
    d = pd.DatetimeIndex(d, name="date")
    fronts = {n: compute_front(inputs, p, days=d, at=at) for n, p in rules.fronts.items()}
    parts = []
    score = np.zeros(len(d))
    for c in rules.conditions:
        f = fronts[c.front]
        thr = c.threshold if c.threshold is not None else f["threshold"].iloc[0]
        met = _compare(f[c.field], c.op, thr)
        contrib = np.where(met, c.weight, 0.0)
        score += contrib
        parts.append(
            pd.DataFrame(
                {
                    "date": d,
                    "condition": c.name,
                    "front": c.front,
                    "field": c.field,
                    "value": f[c.field].astype(object).to_numpy(),
                    "op": c.op,
                    "threshold": thr,
                    "met": met,
                    "weight": c.weight,
                    "contribution": contrib,
                    "data_date": f["data_date"].to_numpy(),
                    "stale": f["stale"].to_numpy(dtype=bool),
                    "reason": f["reason"].to_numpy(),
                }
            )
        )
    s = rules.regime
    raw = np.where(
        score >= s.risk_on, "risk_on", np.where(score <= s.risk_off, "risk_off", "neutral")
    ).astype(object)
    regime = _hold(raw, score, s)
    stale = pd.DataFrame({n: f["stale"].to_numpy(dtype=bool) for n, f in fronts.items()}, index=d)
    used = sorted({c.front for c in rules.conditions})
    stale_names = stale[used].apply(lambda r: ",".join(r.index[r.to_numpy()]), axis=1)
    daily = pd.DataFrame(
        {"regime": regime, "score": score, "raw_regime": raw, "stale_inputs": stale_names},
        index=d,
    )
    daily["position"] = regime_positions(daily, risk_off=s.risk_off_position)
    explanation = pd.concat(parts, ignore_index=True).sort_values(["date"], kind="stable")
    return RegimeResult(daily, explanation.reset_index(drop=True), fronts, rules)


def regime_positions(regime_frame: pd.DataFrame, *, risk_off: float | None = None) -> pd.Series:
    """Target position per day from a regime frame: risk-on 1, neutral 0, risk-off 0 or -1.

    Parameters
    ----------
    regime_frame
        :attr:`RegimeResult.daily` (column ``regime``; its ``position`` column is used when
        ``risk_off`` is not given).
    risk_off
        Position while risk-off (0 = flat, -1 = short); default: the frame's ``position``.

    Returns
    -------
    Series
        Float positions indexed like ``regime_frame``, named ``position``. The regime of day
        ``D`` is decided at ``D``'s decision time (09:30 New York) from figures known then;
        apply it to returns after that instant.

    Examples
    --------
    >>> f = pd.DataFrame({"regime": ["risk_on", "neutral", "risk_off"]})
    >>> regime_positions(f, risk_off=-1).tolist()
    [1.0, 0.0, -1.0]
    """
    if risk_off is None and "position" in regime_frame.columns:
        return regime_frame["position"].astype(np.float64).rename("position")
    off = 0.0 if risk_off is None else float(risk_off)
    mapping = {"risk_on": 1.0, "neutral": 0.0, "risk_off": off}
    return regime_frame["regime"].map(mapping).astype(np.float64).rename("position")

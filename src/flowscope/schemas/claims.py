"""The claims file read by ``flowscope check``: what a piece of research asserts, as data.

A claims file is TOML with an optional ``[document]`` table and one ``[[claim]]`` table per
claim. Every claim has an ``id``, the ``text`` it encodes (quoted from the document), a
``metric`` naming what is measured, the metric's own keys, and the claimed value with a
comparison and a tolerance. Amounts are in US dollars (``value_usd``), prices in US dollars,
probabilities and returns in percent (``value_pct``), dates as ``YYYY-MM-DD`` (UTC days for
BTC, session dates for funds and equities).

Example::

    [[claim]]
    id = "ibit-outflows-nov-13-18"
    text = "daily outflows reached $869 million, $492 million, $254 million and $372 million"
    metric = "fund_flow"
    fund = "IBIT"
    dates = ["2025-11-13", "2025-11-14", "2025-11-17", "2025-11-18"]
    values_usd = [-869e6, -492e6, -254e6, -372e6]
    tolerance_usd = 5e6

:func:`parse_claims` validates a file and raises :class:`flowscope.errors.ValidationError`
naming the claim (its ``id`` or position) and the key at fault.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator
from pydantic import ValidationError as PydanticValidationError

from flowscope.errors import ValidationError

__all__ = [
    "AumClaim",
    "Claim",
    "ClaimsFile",
    "CumulativeFlowClaim",
    "DocReleaseClaim",
    "DocToneClaim",
    "FlowRecordClaim",
    "FundFlowClaim",
    "ImpactRatioClaim",
    "NoDataClaim",
    "OutflowDaysClaim",
    "PriceHighClaim",
    "PriceLevelClaim",
    "ProbabilityClaim",
    "WindowReturnClaim",
    "parse_claims",
]

Comparison = Literal["eq", "gt", "ge", "lt", "le"]


class _Claim(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    text: str = ""


class FundFlowClaim(_Claim):
    """A fund's net flow on each of some sessions (``values_usd``), or their sum."""

    metric: Literal["fund_flow"]
    fund: str
    dates: Annotated[list[dt.date], Field(min_length=1)]
    values_usd: Annotated[list[float], Field(min_length=1)]
    tolerance_usd: Annotated[float, Field(ge=0)] = 5e6

    @model_validator(mode="after")
    def _same_length(self) -> FundFlowClaim:
        if len(self.dates) != len(self.values_usd):
            msg = (
                f"values_usd has {len(self.values_usd)} values for {len(self.dates)} dates;"
                " give one value per date"
            )
            raise ValueError(msg)
        return self


class FlowRecordClaim(_Claim):
    """A run of sessions is the fund's ``rank``-th largest outflow (or inflow) of its length."""

    metric: Literal["flow_record"]
    fund: str
    start: dt.date
    end: dt.date
    direction: Literal["outflow", "inflow"] = "outflow"
    rank: Annotated[int, Field(ge=1)] = 1


class CumulativeFlowClaim(_Claim):
    """A fund's summed net flow over ``[start, end]`` compared with ``value_usd``."""

    metric: Literal["cumulative_flow"]
    fund: str
    start: dt.date
    end: dt.date
    value_usd: float
    compare: Comparison = "eq"
    tolerance_usd: Annotated[float, Field(ge=0)] = 5e6


class OutflowDaysClaim(_Claim):
    """The number of sessions with a net outflow over ``[start, end]`` against ``value``."""

    metric: Literal["outflow_days"]
    fund: str
    start: dt.date
    end: dt.date
    value: Annotated[int, Field(ge=0)]
    compare: Comparison = "le"


class AumClaim(_Claim):
    """A fund's assets under management: the peak over ``[start, end]`` against ``value_usd``."""

    metric: Literal["aum"]
    fund: str
    start: dt.date | None = None
    end: dt.date
    value_usd: Annotated[float, Field(gt=0)]
    compare: Comparison = "ge"
    tolerance_usd: Annotated[float, Field(ge=0)] = 0.0


class PriceHighClaim(_Claim):
    """The highest price traded over ``[start, end]`` (daily bar highs) against ``value_usd``."""

    metric: Literal["price_high"]
    symbol: str = "BTC-USD"
    start: dt.date
    end: dt.date
    value_usd: Annotated[float, Field(gt=0)]
    compare: Comparison = "eq"
    tolerance_pct: Annotated[float, Field(ge=0)] = 1.0


class PriceLevelClaim(_Claim):
    """Every daily close over ``[start, end]`` is above (or below) ``value_usd``."""

    metric: Literal["price_level"]
    symbol: str = "BTC-USD"
    start: dt.date
    end: dt.date
    side: Literal["above", "below"]
    value_usd: Annotated[float, Field(gt=0)]


class WindowReturnClaim(_Claim):
    """The return over a calendar window (``"MM-DD:MM-DD"``) in each of ``years`` is up or down.

    A window whose end precedes its start wraps into the next year and belongs to the year
    it starts in. The return runs from the close of the day before the window to the close
    of its last day.
    """

    metric: Literal["window_return"]
    symbol: str = "BTC-USD"
    window: Annotated[str, Field(pattern=r"^\d{2}-\d{2}:\d{2}-\d{2}$")] = "12-24:12-31"
    years: Annotated[list[int], Field(min_length=1)]
    direction: Literal["up", "down"]
    min_abs_pct: Annotated[float, Field(ge=0)] = 0.0


class ProbabilityClaim(_Claim):
    """The market-implied probability of an outcome at a meeting, as of a day, in percent."""

    metric: Literal["probability"]
    meeting: dt.date
    asof: dt.date
    outcome: Literal["cut", "hold", "hike"] = "cut"
    value_pct: Annotated[float, Field(ge=0, le=100)]
    compare: Comparison = "eq"
    tolerance_pp: Annotated[float, Field(ge=0)] = 2.0


class DocReleaseClaim(_Claim):
    """An FOMC document (``kind`` of ``meeting``) was released on ``date``."""

    metric: Literal["doc_release"]
    kind: Literal["statement", "minutes"] = "minutes"
    meeting: dt.date
    date: dt.date


class DocToneClaim(_Claim):
    """An FOMC document reads hawkish or dovish (sign of its tone score)."""

    metric: Literal["doc_tone"]
    kind: Literal["statement", "minutes"] = "minutes"
    meeting: dt.date
    tone: Literal["hawkish", "dovish"]


class ImpactRatioClaim(_Claim):
    """USD needed to move the price in a holiday window over a normal window, each year.

    Measured with the square-root impact model on daily bars (a model, not a measured
    order book: see ``flowscope book impact``); ``value`` is the claimed ratio (e.g. 0.2 for
    "$100 million normally, $20 million now").
    """

    metric: Literal["impact_ratio"]
    symbol: str = "BTC-USD"
    years: Annotated[list[int], Field(min_length=1)]
    christmas: Annotated[str, Field(pattern=r"^\d{2}-\d{2}:\d{2}-\d{2}$")] = "12-20:01-02"
    normal: Annotated[str, Field(pattern=r"^\d{2}-\d{2}:\d{2}-\d{2}$")] = "12-01:12-14"
    value: Annotated[float, Field(gt=0)]
    compare: Comparison = "le"


class NoDataClaim(_Claim):
    """A claim no flowscope dataset can measure; ``reason`` says what data it would need."""

    metric: Literal["none"]
    reason: Annotated[str, Field(min_length=1)]


Claim = Annotated[
    FundFlowClaim
    | FlowRecordClaim
    | CumulativeFlowClaim
    | OutflowDaysClaim
    | AumClaim
    | PriceHighClaim
    | PriceLevelClaim
    | WindowReturnClaim
    | ProbabilityClaim
    | DocReleaseClaim
    | DocToneClaim
    | ImpactRatioClaim
    | NoDataClaim,
    Field(discriminator="metric"),
]

_CLAIM: TypeAdapter[Any] = TypeAdapter(Claim)


class ClaimsFile(BaseModel):
    """A parsed claims file: the document it checks and its claims, in file order."""

    model_config = ConfigDict(frozen=True)

    title: str = ""
    source: str = ""
    claims: tuple[Any, ...]


def _where(err: Any) -> str:
    loc = [str(p) for p in err.get("loc", ()) if not str(p).endswith("Claim")]
    # A discriminated union puts the metric name first; it says nothing about the key.
    if loc and loc[0] in _METRICS:
        loc = loc[1:]
    return ".".join(loc) or "metric"


_METRICS = (
    "fund_flow",
    "flow_record",
    "cumulative_flow",
    "outflow_days",
    "aum",
    "price_high",
    "price_level",
    "window_return",
    "probability",
    "doc_release",
    "doc_tone",
    "impact_ratio",
    "none",
)


def parse_claims(text: str, name: str = "claims.toml") -> ClaimsFile:
    """Validate a claims file.

    Parameters
    ----------
    text
        The TOML text.
    name
        File name used in error messages.

    Raises
    ------
    ValidationError
        Bad TOML (with its line), no claims, duplicate ids, or a claim with a missing, unknown
        or invalid key (naming the claim's ``id`` or position and the key).
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = f"{name}: not valid TOML: {exc}"
        raise ValidationError(msg) from None
    unknown = sorted(set(doc) - {"document", "claim"})
    if unknown:
        msg = f"{name}: unknown top-level key {unknown[0]!r} (expected [document] and [[claim]])"
        raise ValidationError(msg)
    raw = doc.get("claim")
    if not isinstance(raw, list) or not raw:
        msg = f"{name}: no [[claim]] tables"
        raise ValidationError(msg)
    meta = doc.get("document", {})
    if not isinstance(meta, dict) or set(meta) - {"title", "source"}:
        msg = f"{name}: [document] takes only 'title' and 'source'"
        raise ValidationError(msg)
    claims: list[Any] = []
    seen: set[str] = set()
    for i, item in enumerate(raw, start=1):
        label = f"claim #{i}"
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            label = f"claim {item['id']!r} (#{i})"
        if isinstance(item, dict) and item.get("metric") not in _METRICS:
            got = item.get("metric")
            msg = (
                f"{name}: {label}: key 'metric': "
                + (f"unknown metric {got!r}" if got is not None else "missing")
                + f"; expected one of {', '.join(_METRICS)}"
            )
            raise ValidationError(msg)
        try:
            claim = _CLAIM.validate_python(item)
        except PydanticValidationError as exc:
            err = exc.errors()[0]
            msg = f"{name}: {label}: key {_where(err)!r}: {err['msg']}"
            raise ValidationError(msg) from None
        if claim.id in seen:
            msg = f"{name}: {label}: duplicate id {claim.id!r}"
            raise ValidationError(msg)
        seen.add(claim.id)
        claims.append(claim)
    return ClaimsFile(
        title=str(meta.get("title", "")), source=str(meta.get("source", "")), claims=tuple(claims)
    )

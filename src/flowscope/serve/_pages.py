"""Dashboard pages: the brief's sections, with their plotly figures, one page per front.

Every figure comes from the functions the brief and the CLI use: a brief section's
``figures``, or the JSON document of a CLI command (book impact, regime) drawn as is.
A page whose front holds no data is left out of the navigation.
"""

from __future__ import annotations

import importlib
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from flowscope.errors import FlowscopeError, FlowscopeWarning
from flowscope.serve._run import ApiError, run_command

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from flowscope.report.brief import BriefSection

__all__ = ["PAGES", "Dashboard", "PageView", "dashboard"]

#: (key, title) of every page, in navigation order.
PAGES: tuple[tuple[str, str], ...] = (
    ("overview", "Overview"),
    ("flows", "Flows"),
    ("rates", "Rates"),
    ("tone", "Tone"),
    ("rotation", "Rotation"),
    ("seasonality", "Seasonality"),
    ("liquidity", "Liquidity"),
    ("macro", "Macro"),
    ("regime", "Regime"),
)


@dataclass
class PageView:
    """One page: its sections (bullets, tables, provenance) and figures as plotly JSON."""

    key: str
    title: str
    sections: list[BriefSection] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def available(self) -> bool:
        """True when the page has something to show (a section or a figure)."""
        return bool(self.sections or self.figures)


@dataclass
class Dashboard:
    """Every page for one brief date, plus the brief's JSON document."""

    asof: pd.Timestamp
    brief: dict[str, Any]
    pages: dict[str, PageView]


def _fig_json(fig: go.Figure) -> str:
    import plotly.io as pio

    return str(pio.to_json(fig, validate=False)).replace("</", "<\\/")


def _section(name: str, ctx: Any, notes: list[str]) -> BriefSection | None:
    mod = importlib.import_module(f"flowscope.report.sections.{name}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FlowscopeWarning)
        try:
            sec: BriefSection | None = mod.build(ctx)
        except FlowscopeError as exc:
            notes.append(f"{name}: {exc}")
            return None
    notes.extend(f"{name}: {w.message}" for w in caught if issubclass(w.category, FlowscopeWarning))
    return sec


def _macro_figure(store: Any, asof: pd.Timestamp) -> go.Figure | None:
    import plotly.graph_objects as go

    from flowscope.report.macro import load_indicators

    try:
        ind = load_indicators(store, asof=asof)
    except FlowscopeError:
        return None
    if "net_liquidity_usd" not in ind.columns or ind["net_liquidity_usd"].isna().all():
        return None
    s = ind["net_liquidity_usd"].dropna() / 1e12
    fig = go.Figure(go.Scatter(x=s.index, y=s.round(3), mode="lines", name="net liquidity"))
    fig.update_layout(
        title="Fed net liquidity (WALCL − RRP − TGA where held), US$ trillion, weekly",
        yaxis_title="US$ trillion",
        height=380,
        margin={"t": 50, "b": 40},
    )
    return fig


def _impact_figure(doc: dict[str, Any]) -> go.Figure | None:
    import plotly.graph_objects as go

    years = pd.DataFrame(doc.get("years") or [])
    if years.empty or "impact_ratio" not in years.columns:
        return None
    fig = go.Figure(
        go.Bar(
            x=years["year"].astype(str),
            y=years["impact_ratio"],
            error_y={
                "type": "data",
                "symmetric": False,
                "array": (years["impact_ratio_ci_high"] - years["impact_ratio"]).tolist(),
                "arrayminus": (years["impact_ratio"] - years["impact_ratio_ci_low"]).tolist(),
            },
            name="impact ratio",
        )
    )
    fig.add_hline(y=1.0, line_dash="dot")
    fig.update_layout(
        title=(
            "Square-root impact model: USD to move BTC, normal window ÷ Christmas window "
            f"(> 1: Christmas is thinner); bootstrap 95% CI ({doc.get('bootstrap_draws')} draws)"
        ),
        yaxis_title="ratio",
        height=380,
        margin={"t": 60, "b": 40},
    )
    return fig


def _regime_figure(doc: dict[str, Any]) -> go.Figure | None:
    import plotly.graph_objects as go

    hist = pd.DataFrame(doc.get("history") or [])
    if hist.empty:
        return None
    colors = {"risk_on": "#2e9d5b", "neutral": "#999999", "risk_off": "#d64545"}
    fig = go.Figure(
        go.Scatter(
            x=hist["date"],
            y=hist["score"],
            mode="lines+markers",
            line_shape="hv",
            marker={"color": [colors.get(r, "#333333") for r in hist["regime"]], "size": 5},
            text=hist["regime"],
            hovertemplate="%{x}: score %{y:+g} (%{text})<extra></extra>",
            name="score",
        )
    )
    fig.update_layout(
        title=f"Composite regime score ({doc.get('rules')}), decided {doc.get('decision_time')}",
        yaxis_title="score",
        height=380,
        margin={"t": 50, "b": 40},
    )
    return fig


def _build(db: Path, asof: pd.Timestamp) -> Dashboard:
    from flowscope.cli import book_impact
    from flowscope.cli import regime as regime_cmd
    from flowscope.report.brief import BriefContext, build_brief
    from flowscope.storage import Store

    pages = {key: PageView(key, title) for key, title in PAGES}
    try:
        store = Store(db, read_only=True)
    except FlowscopeError as exc:
        raise ApiError(503, str(exc)) from None
    try:
        brief = build_brief(store, asof=asof)
        ctx = BriefContext.load(store, asof)
        for name in ("liquidity", "macro"):
            sec = _section(name, ctx, pages[name].notes)
            if sec is not None:
                pages[name].sections.append(sec)
        macro_fig = _macro_figure(store, asof)
    finally:
        store.close()
    overview = pages["overview"]
    overview.sections = list(brief.sections)
    overview.notes = list(brief.problems)
    for sec in brief.sections:
        overview.figures.extend(_fig_json(f) for f in sec.figures)
        if sec.key in pages and sec.key != "overview":
            pages[sec.key].sections.append(sec)
            pages[sec.key].figures.extend(_fig_json(f) for f in sec.figures)
    if macro_fig is not None:
        pages["macro"].figures.append(_fig_json(macro_fig))
    try:
        impact = run_command(db, book_impact.impact, n_boot=500)
        fig = _impact_figure(impact)
        if fig is not None:
            pages["liquidity"].figures.append(_fig_json(fig))
            pages["liquidity"].notes.extend(str(n) for n in impact.get("notes", []))
    except ApiError as exc:
        pages["liquidity"].notes.append(f"book impact: {exc.message}")
    start = asof - pd.Timedelta(days=365)
    try:
        doc = run_command(db, regime_cmd.regime, asof=f"{asof:%Y-%m-%d}", start=f"{start:%Y-%m-%d}")
        fig = _regime_figure(doc)
        if fig is not None:
            pages["regime"].figures.append(_fig_json(fig))
    except ApiError as exc:
        pages["regime"].notes.append(f"regime: {exc.message}")
    return Dashboard(asof=asof, brief=brief.to_dict(), pages=pages)


_CACHE: dict[tuple[str, int, str], Dashboard] = {}
_CACHE_LOCK = threading.Lock()


def _stamp(db: Path) -> int:
    wal = db.with_name(db.name + ".wal")
    stamps = [p.stat().st_mtime_ns for p in (db, wal) if p.exists()]
    return max(stamps, default=0)


def dashboard(db: Path, asof: pd.Timestamp) -> Dashboard:
    """The pages for brief date ``asof`` (naive day), rebuilt when the store file changes."""
    key = (str(db), _stamp(db), f"{asof:%Y-%m-%d}")
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
        if hit is None:
            hit = _build(db, asof)
            _CACHE.clear()
            _CACHE[key] = hit
    return hit

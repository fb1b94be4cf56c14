"""The daily brief: gather every section, print it in the terminal, write self-contained HTML."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gzip
import html
import importlib.resources
import json
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from flowscope._typing import DateLike
from flowscope.analytics.freshness import dataset_freshness, series_freshness
from flowscope.analytics.rotation import ROTATION_UNIVERSE
from flowscope.errors import FlowscopeError, FlowscopeWarning
from flowscope.report._brief_model import BriefContext, BriefSection
from flowscope.report.sections import section_builders
from flowscope.schemas import DATASETS

if TYPE_CHECKING:
    import jinja2
    from rich.console import Console

    from flowscope.queries import Store
    from flowscope.queries.brief import BriefFrames
    from flowscope.report.headline import Headline

__all__ = [
    "BRIEF_INPUTS",
    "Brief",
    "BriefContext",
    "BriefSection",
    "banner_lines",
    "build_brief",
    "build_brief_from",
    "plotly_js",
    "render_html",
    "render_markdown",
    "render_terminal",
    "stale_from_coverage",
    "stale_inputs",
]

#: What the brief reads, per dataset: the series (``None``: all of them) whose staleness
#: the banner reports.
BRIEF_INPUTS: dict[str, tuple[str, ...] | None] = {
    "etf_flows": None,
    "prices": ("BTC-USD", *ROTATION_UNIVERSE),
    "rates": ("DFEDTARL", "DFEDTARU", "EFFR"),
    "fed_futures": None,
    "fomc_docs": ("statement", "minutes"),
}
_BANNER_COLUMNS = [
    "dataset",
    "series",
    "newest_date",
    "age_days",
    "expected_latest_date",
    "periods_behind",
]


def _iso(v: Any) -> Any:
    return None if v is None or pd.isna(v) else f"{v:%Y-%m-%d}"


@dataclass
class Brief:
    """A built brief: its date, sections, stale inputs and problems met while building it.

    ``stale`` holds one row per stale input (see :func:`stale_inputs`); empty when every
    input is current.
    """

    asof: pd.Timestamp
    sections: list[BriefSection]
    generated: pd.Timestamp
    problems: list[str] = field(default_factory=list)
    stale: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=_BANNER_COLUMNS))
    headline: Headline | None = None

    def stale_records(self) -> list[dict[str, Any]]:
        """Stale inputs as JSON-ready records (dates ISO, ages in days)."""
        return [
            {
                "dataset": r.dataset,
                "series": r.series,
                "newest_date": _iso(r.newest_date),
                "age_days": None if pd.isna(r.age_days) else int(r.age_days),
                "expected_latest_date": _iso(r.expected_latest_date),
                "periods_behind": None if pd.isna(r.periods_behind) else int(r.periods_behind),
            }
            for r in self.stale.itertuples(index=False)
        ]

    def portable(self, *, with_figures: bool) -> Brief:
        """A copy that pickles: the sections' chart functions are dropped; with
        ``with_figures`` each section's figures are drawn first and kept (for HTML)."""
        sections = []
        for sec in self.sections:
            figures = sec.figures if with_figures else None
            copy = dataclasses.replace(sec, charts=[])
            copy._figures = figures
            sections.append(copy)
        return dataclasses.replace(self, sections=sections)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready content: headline (verdict, reasons, fronts, changes) first, stale
        inputs, then bullets, facts and provenance per section (the data inventory last)."""
        return {
            "headline": None if self.headline is None else self.headline.to_dict(),
            "stale_inputs": self.stale_records(),
            "asof_date": f"{self.asof:%Y-%m-%d}",
            "generated_utc": self.generated.isoformat(),
            "sections": [
                {
                    "key": s.key,
                    "title": s.title,
                    "asof_date": _iso(s.asof),
                    "bullets": s.bullets,
                    "facts": s.facts,
                    "provenance": s.provenance,
                    "sources": s.sources,
                }
                for s in self.sections
            ],
            "problems": self.problems,
        }


def _today() -> pd.Timestamp:
    return pd.Timestamp(dt.datetime.now(dt.UTC).date())


def stale_inputs(store: Store, *, today: DateLike) -> pd.DataFrame:
    """The brief's stale inputs (see :data:`BRIEF_INPUTS`) as seen on ``today``.

    Returns
    -------
    DataFrame
        ``dataset``, ``series`` (None when the dataset is judged as a whole),
        ``newest_date``, ``age_days``, ``expected_latest_date``, ``periods_behind``; one row
        per stale input, empty when all are current.
    """
    from flowscope.queries.brief import freshness_inputs

    cov, meetings = freshness_inputs(store, today)
    return stale_from_coverage(cov, meetings, today=today)


def stale_from_coverage(
    cov: pd.DataFrame, meetings: pd.DataFrame | None, *, today: DateLike
) -> pd.DataFrame:
    """:func:`stale_inputs` from coverage per series with values up to ``today`` and the
    FOMC calendar (what :func:`flowscope.queries.brief.freshness_inputs` reads)."""
    day = pd.Timestamp(today).normalize()
    # Judge only what the brief reads: each series-judged input on its own series, each
    # other dataset as a whole (a verdict depends only on its own dataset's rows).
    inputs = {n: w for n, w in BRIEF_INPUTS.items() if n in DATASETS}
    one = pd.Series(False, index=cov.index)
    whole_mask = one.copy()
    for name, wanted in inputs.items():
        here = cov["dataset"] == name
        if not DATASETS[name].publication.judge_series:
            whole_mask |= here
        elif wanted is None:
            one |= here
        else:
            one |= here & cov["group"].isin(wanted)
    per = series_freshness(cov[one], today=day, meetings=meetings)
    per = per.rename(columns={"group": "series"})
    whole = dataset_freshness(cov[whole_mask], today=day, meetings=meetings).assign(series=None)
    parts = []
    for name, wanted in BRIEF_INPUTS.items():
        if name not in DATASETS:
            continue
        if DATASETS[name].publication.judge_series:
            rows = per[per["dataset"] == name]
            if wanted is not None:
                rows = rows[rows["series"].isin(wanted)]
        else:
            rows = whole[whole["dataset"] == name]
        parts.append(rows[rows["stale"].fillna(False).astype(bool)])
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if out.empty:
        return pd.DataFrame(columns=_BANNER_COLUMNS)
    return out[_BANNER_COLUMNS].reset_index(drop=True)


#: Datasets each section reads (for its provenance records).
SECTION_DATASETS: dict[str, tuple[str, ...]] = {
    "flows": ("etf_flows", "prices"),
    "rates": ("fed_futures", "rates", "fomc_meetings"),
    "tone": ("fomc_docs", "fed_futures"),
    "rotation": ("prices", "etf_flows"),
    "liquidity": ("book_snapshots", "prices"),
    "seasonality": ("prices",),
    "macro": ("rates",),
    "data": (),
}


def _sources(cov: pd.DataFrame, datasets: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = cov[cov["rows"].fillna(0) > 0]
    if datasets:
        rows = rows[rows["dataset"].isin(datasets)]
    return [
        {
            "dataset": r.dataset,
            "source": r.source,
            "rows": int(r.rows),
            "start_date": _iso(r.start),
            "end_date": _iso(r.end),
            "last_ingested_utc": None
            if pd.isna(r.last_ingested)
            else pd.Timestamp(r.last_ingested).isoformat(),
        }
        for r in rows.itertuples(index=False)
    ]


def build_brief(
    store: Store,
    *,
    asof: DateLike | None = None,
    since: DateLike | None = None,
    preset: str = "siege",
) -> Brief:
    """Build the brief from what the store holds.

    Parameters
    ----------
    store
        Open store.
    asof
        Brief date (default: today, UTC). Each section reads data up to this day and states
        the date of the newest figure it shows; inputs lagging their publication schedule
        are listed in ``Brief.stale`` (the banner).
    since
        Day the "what changed" block compares with (default: the day before ``asof``).
    preset
        Regime rules of the verdict (:data:`flowscope.signals.regime.PRESETS`).

    Returns
    -------
    Brief
        Headline (verdict, front lines, changes) and the sections that had data; a section
        that fails is reported in ``problems`` and skipped, so one broken front never hides
        the others.
    """
    day = _today() if asof is None else pd.Timestamp(asof).normalize()
    prev = None if since is None else pd.Timestamp(since).normalize()
    start = day - pd.Timedelta(days=1) if prev is None else min(prev, day)
    return build_brief_from(
        BriefContext.load(store, day, regime_start=start), since=prev, preset=preset
    )


def build_brief_from(
    ctx: BriefContext, *, since: pd.Timestamp | None = None, preset: str = "siege"
) -> Brief:
    """Build the brief from frames already read (:meth:`BriefContext.load`); see
    :func:`build_brief`."""
    from flowscope.report.headline import build_headline

    day, frames = ctx.asof, ctx.frames
    sections: list[BriefSection] = []
    problems: list[str] = []
    for name, build in section_builders():
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", FlowscopeWarning)
            try:
                sec = build(ctx)
            except FlowscopeError as exc:
                problems.append(f"{name}: {exc}")
                continue
        problems.extend(
            f"{name}: {w.message}" for w in caught if issubclass(w.category, FlowscopeWarning)
        )
        if sec is not None:
            sections.append(sec)
    for sec in sections:
        sec.sources = _sources(frames.coverage_asof, SECTION_DATASETS.get(sec.key, ()))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FlowscopeWarning)
        try:
            head = build_headline(frames.regime_inputs, day, sections, since=since, preset=preset)
        except FlowscopeError as exc:
            problems.append(f"headline: {exc}")
            head = None
    problems.extend(
        f"headline: {w.message}" for w in caught if issubclass(w.category, FlowscopeWarning)
    )
    return Brief(
        asof=day,
        sections=sections,
        generated=pd.Timestamp.now(tz="UTC"),
        problems=problems,
        stale=_stale(frames),
        headline=head,
    )


def _stale(frames: BriefFrames) -> pd.DataFrame:
    meetings = frames.meetings if frames.has_meetings else None
    return stale_from_coverage(frames.freshness_coverage, meetings, today=frames.asof)


def _stale_line(r: Any) -> str:
    what = r.dataset if r.series is None or pd.isna(r.series) else f"{r.dataset} {r.series}"
    age = "-" if pd.isna(r.age_days) else f"{int(r.age_days)} days old"
    newest = "nothing held" if pd.isna(r.newest_date) else f"newest {r.newest_date:%Y-%m-%d}"
    return f"{what}: {newest} ({age}), expected {_iso(r.expected_latest_date) or '-'}"


def banner_lines(brief: Brief) -> list[str]:
    """One line per stale input (series of one dataset sharing a newest date are merged)."""
    st = brief.stale
    if st.empty:
        return []
    st = st.assign(series=st["series"].astype(object).where(st["series"].notna(), None))
    keys = st["dataset"] + "|" + st["newest_date"].astype(str)
    lines = []
    for _, grp in st.groupby(keys, sort=False):
        first = grp.iloc[0]
        if len(grp) > 1:
            first = first.copy()
            first["series"] = ", ".join(str(x) for x in grp["series"])
        lines.append(_stale_line(first))
    return lines


def render_terminal(brief: Brief, console: Console | None = None) -> None:
    """Print the brief with rich."""
    from rich.console import Console, Group
    from rich.panel import Panel
    from rich.text import Text

    from flowscope.report.tables import frame_to_table

    console = console or Console(width=None if sys.stdout.isatty() else 120)
    console.rule(f"[bold]flowscope brief — {brief.asof:%A %d %B %Y}")
    head = brief.headline
    if head is not None:
        parts_h: list[Any] = [Text(head.verdict(), style="bold")]
        parts_h += [Text("  why: " + r) for r in head.reasons()]
        parts_h += [Text(f"• {line}") for _, line in head.fronts]
        console.print(Panel(Group(*parts_h), title="[bold]Headline", title_align="left"))
    lines = banner_lines(brief)
    if lines:
        body = Group(
            *(Text("• " + line, style="bold") for line in lines),
            Text("Figures from these inputs are out of date: run `flowscope update`."),
        )
        console.print(
            Panel(
                body,
                title=f"[bold]STALE INPUTS as of {brief.asof:%Y-%m-%d}",
                title_align="left",
                border_style="bold red",
                style="yellow",
            )
        )
    if head is not None:
        console.print(
            Panel(
                Group(*(Text("• " + c.line()) for c in head.changes)),
                title=f"[bold]What changed since {head.since:%Y-%m-%d}",
                title_align="left",
            )
        )
    for sec in brief.sections:
        parts: list[Any] = [Text("• " + b) for b in sec.bullets]
        if sec.table is not None and not sec.table.empty:
            parts.append(frame_to_table(sec.table))
        if sec.sources:
            parts.append(
                Text(
                    "Sources: "
                    + "; ".join(
                        f"{r['dataset']} {r['source']} {r['start_date']}..{r['end_date']} "
                        f"(ingested {(r['last_ingested_utc'] or '-')[:16]})"
                        for r in sec.sources
                    ),
                    style="dim",
                )
            )
        when = f" (as of {sec.asof:%Y-%m-%d})" if sec.asof is not None else ""
        console.print(Panel(Group(*parts), title=f"[bold]{sec.title}{when}", title_align="left"))
    for p in brief.problems:
        console.print(f"[yellow]note:[/] {p}")


_CSS = """
body{font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
header{background:#111827;color:#fff;padding:18px 32px}header h1{margin:0;font-size:22px}
header p{margin:4px 0 0;color:#9ca3af;font-size:13px}
main{max-width:1100px;margin:0 auto;padding:16px 24px 48px}
section{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.08);padding:16px 22px;margin:18px 0}
h2{font-size:18px;margin:4px 0 10px}ul{margin:0 0 8px;padding-left:20px}li{margin:3px 0}
table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{padding:4px 10px;border-bottom:1px solid #e5e7eb;text-align:right}
th{background:#f3f4f6}td:first-child,th:first-child,td.txt{text-align:left}.neg{color:#dc2626}.pos{color:#16a34a}
.prov{color:#6b7280;font-size:12px;margin-top:8px}.asof{color:#6b7280;font-size:13px;font-weight:normal}
.headline{border-left:6px solid #111827}.headline h2{font-size:20px}.label{margin:8px 0 2px;color:#374151;font-weight:600;font-size:13px}
.stale{background:#fef2f2;border:2px solid #dc2626;color:#7f1d1d}.stale h2{color:#dc2626}.problems{color:#92400e;font-size:13px}
nav a{color:#93c5fd;margin-right:14px;font-size:13px;text-decoration:none}
table.prov td,table.prov th{font-size:12px;color:#6b7280}
"""


def _table_html(df: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = []
    for r in df.itertuples(index=False):
        cells = []
        for v in r:
            if isinstance(v, float | int) and not isinstance(v, bool) and not pd.isna(v):
                cls = ' class="neg"' if v < 0 else ""
                text = f"{v:,.2f}" if isinstance(v, float) else f"{v:,}"
                cells.append(f"<td{cls}>{text}</td>")
            elif isinstance(v, pd.Timestamp):
                cells.append(f"<td>{v:%Y-%m-%d}</td>")
            else:
                text = "-" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v)
                cells.append(f'<td class="txt">{html.escape(text)}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


#: The folder of the brief's templates (shared with the dashboard).
TEMPLATES = "templates"
_PLOTLY_BUNDLE = "vendor/plotly-basic.min.js.gz"  # licence: vendor/LICENSE-plotly.js.txt


@functools.cache
def _env() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("flowscope.report", TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "html.j2"]),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


@functools.cache
def plotly_js() -> str:
    """The plotly.js bundle inlined once per page: the shipped basic bundle (scatter, bar;
    MIT licence, same version as plotly's own), else plotly's full ``get_plotlyjs()``."""
    res = importlib.resources.files("flowscope.report") / TEMPLATES / _PLOTLY_BUNDLE
    if res.is_file():
        return gzip.decompress(res.read_bytes()).decode("utf-8")
    from plotly.offline import get_plotlyjs

    return str(get_plotlyjs())


def _md_table(df: pd.DataFrame) -> str:
    def cell(v: Any) -> str:
        if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
            return "-"
        if isinstance(v, pd.Timestamp):
            return f"{v:%Y-%m-%d}"
        if isinstance(v, float):
            return f"{v:,.2f}"
        return str(v).replace("|", "\\|")

    head = "| " + " | ".join(str(c) for c in df.columns) + " |"
    rule = "|" + "|".join("---" for _ in df.columns) + "|"
    body = ["| " + " | ".join(cell(v) for v in r) + " |" for r in df.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _context(brief: Brief, *, html_out: bool) -> dict[str, Any]:
    head = brief.headline
    secs = []
    for sec in brief.sections:
        has_table = sec.table is not None and not sec.table.empty
        table = None
        if has_table and sec.table is not None:
            table = _table_html(sec.table) if html_out else _md_table(sec.table)
        figs = (
            [
                fig.to_html(
                    full_html=False,
                    include_plotlyjs=False,
                    config={"displaylogo": False, "responsive": True},
                )
                for fig in sec.figures
            ]
            if html_out
            else []
        )
        secs.append(
            {
                "key": sec.key,
                "title": sec.title,
                "asof": _iso(sec.asof),
                "age_days": None if sec.asof is None else int((brief.asof - sec.asof).days),
                "bullets": sec.bullets,
                "figures": figs,
                "table": table,
                "sources": sec.sources,
                "provenance": sec.provenance,
            }
        )
    return {
        "asof": f"{brief.asof:%Y-%m-%d}",
        "asof_long": f"{brief.asof:%A %d %B %Y}",
        "generated": f"{brief.generated:%Y-%m-%d %H:%M}",
        "verdict": head.verdict() if head else "No verdict: the headline could not be built.",
        "reasons": head.reasons() if head else [],
        "fronts": head.fronts if head else [],
        "since": f"{head.since:%Y-%m-%d}" if head else "-",
        "changes": [c.line() for c in head.changes] if head else [],
        "stale_lines": banner_lines(brief),
        "sections": secs,
        "problems": brief.problems,
    }


def render_html(brief: Brief) -> str:
    """Return the brief as one self-contained HTML page: plotly.js inlined once, every
    figure without its own copy, no external URL (opens offline)."""
    import markupsafe

    ctx = _context(brief, html_out=True)
    data = json.dumps(brief.to_dict(), default=str).replace("</", "<\\/")
    return (
        _env()
        .get_template("brief.html.j2")
        .render(css=_CSS, plotly_js=plotly_js(), data=markupsafe.Markup(data), **ctx)
    )


def render_markdown(brief: Brief) -> str:
    """Return the brief as Markdown (headline, what changed, sections, inventory last)."""
    return _env().get_template("brief.md.j2").render(**_context(brief, html_out=False))


def write_html(brief: Brief, path: str | Path) -> Path:
    """Write :func:`render_html` output to ``path``; return the path."""
    p = Path(path)
    p.write_text(render_html(brief), encoding="utf-8")
    return p

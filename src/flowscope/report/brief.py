"""The daily brief: gather every section, print it in the terminal, write self-contained HTML."""

from __future__ import annotations

import datetime as dt
import html
import json
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from flowscope._typing import DateLike
from flowscope.analytics.rotation import ROTATION_UNIVERSE
from flowscope.errors import FlowscopeError, FlowscopeWarning
from flowscope.queries.inventory import input_freshness
from flowscope.report._brief_model import BriefContext, BriefSection
from flowscope.report.sections import section_builders
from flowscope.schemas import DATASETS

if TYPE_CHECKING:
    from flowscope.queries import Store

__all__ = [
    "BRIEF_INPUTS",
    "Brief",
    "BriefContext",
    "BriefSection",
    "banner_lines",
    "build_brief",
    "render_html",
    "render_terminal",
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

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready content: stale inputs first, then bullets, facts, provenance per section."""
        return {
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
    per = input_freshness(store, today=today).rename(columns={"group": "series"})
    whole = input_freshness(store, today=today, by_series=False).assign(series=None)
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


def build_brief(store: Store, *, asof: DateLike | None = None) -> Brief:
    """Build the brief from what the store holds.

    Parameters
    ----------
    store
        Open store.
    asof
        Brief date (default: today, UTC). Each section reads data up to this day and states
        the date of the newest figure it shows; inputs lagging their publication schedule
        are listed in ``Brief.stale`` (the banner).

    Returns
    -------
    Brief
        Sections that had data; a section that fails is reported in ``problems`` and skipped,
        so one broken front never hides the others.
    """
    day = _today() if asof is None else pd.Timestamp(asof).normalize()
    ctx = BriefContext(store=store, asof=day)
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
    return Brief(
        asof=day,
        sections=sections,
        generated=pd.Timestamp.now(tz="UTC"),
        problems=problems,
        stale=stale_inputs(store, today=day),
    )


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
    from flowscope.report.tables import frame_to_table

    console = console or Console(width=None if sys.stdout.isatty() else 120)
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
    console.rule(f"[bold]flowscope brief — {brief.asof:%A %d %B %Y}")
    for sec in brief.sections:
        parts: list[Any] = [Text("• " + b) for b in sec.bullets]
        if sec.table is not None and not sec.table.empty:
            parts.append(frame_to_table(sec.table))
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
.stale{background:#fef2f2;border:2px solid #dc2626;color:#7f1d1d}.stale h2{color:#dc2626}.problems{color:#92400e;font-size:13px}
nav a{color:#93c5fd;margin-right:14px;font-size:13px;text-decoration:none}
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


def render_html(brief: Brief) -> str:
    """Return the brief as one self-contained HTML page (plotly.js inlined once)."""
    body = []
    plotly_included = False
    for sec in brief.sections:
        when = f' <span class="asof">as of {sec.asof:%Y-%m-%d}</span>' if sec.asof else ""
        parts = [f'<section id="{sec.key}"><h2>{html.escape(sec.title)}{when}</h2>']
        if sec.bullets:
            parts.append(
                "<ul>" + "".join(f"<li>{html.escape(b)}</li>" for b in sec.bullets) + "</ul>"
            )
        for fig in sec.figures:
            parts.append(
                fig.to_html(
                    full_html=False,
                    include_plotlyjs=not plotly_included,
                    config={"displaylogo": False},
                )
            )
            plotly_included = True
        if sec.table is not None and not sec.table.empty:
            parts.append(_table_html(sec.table))
        if sec.provenance:
            parts.append(
                '<div class="prov">Sources: '
                + "; ".join(html.escape(p) for p in sec.provenance)
                + "</div>"
            )
        parts.append("</section>")
        body.append("".join(parts))
    if brief.problems:
        body.append(
            '<section class="problems"><h2>Notes</h2><ul>'
            + "".join(f"<li>{html.escape(p)}</li>" for p in brief.problems)
            + "</ul></section>"
        )
    lines = banner_lines(brief)
    if lines:
        body.insert(
            0,
            f'<section class="stale" id="stale"><h2>Stale inputs as of {brief.asof:%Y-%m-%d}</h2><ul>'
            + "".join(f"<li>{html.escape(line)}</li>" for line in lines)
            + "</ul><p>Figures from these inputs are out of date: run "
            "<code>flowscope update</code>.</p></section>",
        )
    nav = "".join(f'<a href="#{s.key}">{html.escape(s.title)}</a>' for s in brief.sections)
    data = html.escape(json.dumps(brief.to_dict(), default=str))
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>flowscope brief {brief.asof:%Y-%m-%d}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>flowscope brief — {brief.asof:%A %d %B %Y}</h1>"
        f"<p>Generated {brief.generated:%Y-%m-%d %H:%M} UTC from the local store.</p><nav>{nav}</nav></header>"
        f"<main>{''.join(body)}</main>"
        f'<script type="application/json" id="brief-data">{data}</script></body></html>'
    )


def write_html(brief: Brief, path: str | Path) -> Path:
    """Write :func:`render_html` output to ``path``; return the path."""
    p = Path(path)
    p.write_text(render_html(brief), encoding="utf-8")
    return p

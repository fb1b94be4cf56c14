"""The daily brief: gather every section, print it in the terminal, write self-contained HTML."""

from __future__ import annotations

import datetime as dt
import html
import json
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from flowscope._typing import DateLike
from flowscope.errors import FlowscopeError, FlowscopeWarning
from flowscope.report._brief_model import BriefContext, BriefSection
from flowscope.report.sections import section_builders
from flowscope.storage import Store

__all__ = ["Brief", "BriefContext", "BriefSection", "build_brief", "render_html", "render_terminal"]


@dataclass
class Brief:
    """A built brief: its date, sections, and problems met while building it."""

    asof: pd.Timestamp
    sections: list[BriefSection]
    generated: pd.Timestamp
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready content (bullets, facts, provenance per section)."""
        return {
            "asof": f"{self.asof:%Y-%m-%d}",
            "generated": self.generated.isoformat(),
            "sections": [
                {
                    "key": s.key,
                    "title": s.title,
                    "bullets": s.bullets,
                    "facts": s.facts,
                    "provenance": s.provenance,
                }
                for s in self.sections
            ],
            "problems": self.problems,
        }


def _default_asof(store: Store) -> pd.Timestamp:
    """Latest ETF flow day held (the brief's anchor), else the latest BTC day, else today."""
    row = store.sql(
        "SELECT coalesce("
        " (SELECT max(date) FROM etf_flows WHERE flow_usd IS NOT NULL),"
        " (SELECT CAST(max(ts) AS DATE) FROM prices WHERE symbol = 'BTC-USD')) AS d"
    )
    d = row["d"].iloc[0] if not row.empty else None
    if d is None or pd.isna(d):
        return pd.Timestamp(dt.datetime.now(dt.UTC).date())
    return pd.Timestamp(d).normalize()


def build_brief(store: Store, *, asof: DateLike | None = None) -> Brief:
    """Build the brief from what the store holds.

    Parameters
    ----------
    store
        Open store.
    asof
        Brief date; default: the latest ETF flow day held (else the latest BTC day), so that
        every section describes the same day and the bundled snapshot gives a brief of its
        last day rather than of an empty today.

    Returns
    -------
    Brief
        Sections that had data; a section that fails is reported in ``problems`` and skipped,
        so one broken front never hides the others.
    """
    day = _default_asof(store) if asof is None else pd.Timestamp(asof).normalize()
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
        asof=day, sections=sections, generated=pd.Timestamp.now(tz="UTC"), problems=problems
    )


def render_terminal(brief: Brief, console: Console | None = None) -> None:
    """Print the brief with rich."""
    from flowscope.cli._common import frame_to_table

    console = console or Console(width=None if sys.stdout.isatty() else 120)
    console.rule(f"[bold]flowscope brief — {brief.asof:%A %d %B %Y}")
    for sec in brief.sections:
        parts: list[Any] = [Text("• " + b) for b in sec.bullets]
        if sec.table is not None and not sec.table.empty:
            parts.append(frame_to_table(sec.table))
        console.print(Panel(Group(*parts), title=f"[bold]{sec.title}", title_align="left"))
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
.prov{color:#6b7280;font-size:12px;margin-top:8px}.problems{color:#92400e;font-size:13px}
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
        parts = [f'<section id="{sec.key}"><h2>{html.escape(sec.title)}</h2>']
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

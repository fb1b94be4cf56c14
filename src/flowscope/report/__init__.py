"""Delivery: the daily brief (terminal + HTML) and charts."""

from flowscope.report._brief_model import BriefContext, BriefSection
from flowscope.report.brief import Brief, build_brief, render_html, render_terminal, write_html

__all__ = [
    "Brief",
    "BriefContext",
    "BriefSection",
    "build_brief",
    "render_html",
    "render_terminal",
    "write_html",
]

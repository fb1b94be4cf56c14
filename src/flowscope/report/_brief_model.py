"""The daily brief's building blocks: a context handed to every section, and what a section returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from flowscope.queries import Store

__all__ = ["BriefContext", "BriefSection"]


@dataclass(frozen=True)
class BriefContext:
    """What a brief section may use.

    Attributes
    ----------
    store
        The open store (read only by sections).
    asof
        The brief's date (naive, midnight): sections use data known up to this day.
    """

    store: Store
    asof: pd.Timestamp


@dataclass
class BriefSection:
    """One section of the brief.

    Attributes
    ----------
    key
        Stable id (``"flows"``, ``"rates"`` …), used as the HTML anchor and JSON key.
    title
        Heading.
    bullets
        Short sentences with the numbers (plain text; shown in the terminal and HTML).
    table
        Optional small table.
    figures
        Plotly figures for the HTML brief.
    facts
        Machine-readable numbers behind the bullets (for the JSON API and checks).
    provenance
        Where the numbers come from: ``"etf_flows: farside (2024-01-11..2026-04-10)"``.
    asof
        Date of the newest figure the section shows (naive day; may be before the brief's
        date when the data end earlier), or ``None`` when it shows no dated figure.
    sources
        One record per dataset and source read (filled by the brief): ``dataset``,
        ``source``, ``rows``, ``start_date``, ``end_date``, ``last_ingested_utc``.
    """

    key: str
    title: str
    bullets: list[str] = field(default_factory=list)
    table: pd.DataFrame | None = None
    figures: list[go.Figure] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    provenance: list[str] = field(default_factory=list)
    asof: pd.Timestamp | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)

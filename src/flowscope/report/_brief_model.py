"""The daily brief's building blocks: a context handed to every section, and what a section returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from flowscope.queries import Store
    from flowscope.queries.brief import BriefFrames
    from flowscope.queries.rates import FedWatchInputs as FedWatchInputs

__all__ = ["BriefContext", "BriefSection"]


@dataclass(frozen=True)
class BriefContext:
    """What a brief section may use: frames read from the store, never the store itself.

    Attributes
    ----------
    frames
        Everything the brief reads, up to ``asof`` (:func:`flowscope.queries.brief.load_brief_frames`).
    asof
        The brief's date (naive, midnight): sections use data known up to this day.
    """

    frames: BriefFrames
    asof: pd.Timestamp

    @classmethod
    def load(
        cls, store: Store, asof: pd.Timestamp, *, regime_start: pd.Timestamp | None = None
    ) -> BriefContext:
        """Read the brief's frames for ``asof`` (a naive day) from ``store``."""
        from flowscope.queries.brief import load_brief_frames

        day = pd.Timestamp(asof).normalize()
        return cls(frames=load_brief_frames(store, day, regime_start=regime_start), asof=day)


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
    charts
        Functions drawing the section's Plotly figures; they run on first use of
        :attr:`figures`, so a brief printed as text or JSON draws no chart.
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
    charts: list[Callable[[], go.Figure]] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)
    provenance: list[str] = field(default_factory=list)
    asof: pd.Timestamp | None = None
    sources: list[dict[str, Any]] = field(default_factory=list)
    _figures: list[go.Figure] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def figures(self) -> list[go.Figure]:
        """The section's Plotly figures for the HTML brief, drawn on first use, each
        annotated with where its numbers come from (``provenance``, else ``sources``)."""
        if self._figures is None:
            from flowscope.report.charts import annotate_source

            note = self.provenance or [f"{r['dataset']}: {r['source']}" for r in self.sources]
            self._figures = [draw() for draw in self.charts]
            for fig in self._figures:
                annotate_source(fig, note)
        return self._figures

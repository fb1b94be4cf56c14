"""Brief sections, in display order. Each module defines ``build(ctx) -> BriefSection | None``.

A section returns ``None`` when the store holds nothing it can use (the brief then skips it).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from flowscope.report._brief_model import BriefContext, BriefSection

__all__ = ["SECTION_MODULES", "section_builders"]

#: Section modules under ``flowscope.report.sections``, in the order the brief shows them.
SECTION_MODULES: tuple[str, ...] = (
    "flows",
    "rates",
    "tone",
    "rotation",
    "liquidity",
    "seasonality",
    "macro",
    "data",
)

SectionBuilder = Callable[[BriefContext], BriefSection | None]


def section_builders() -> list[tuple[str, SectionBuilder]]:
    """(name, build function) for every section module, in display order."""
    out = []
    for name in SECTION_MODULES:
        mod = importlib.import_module(f"flowscope.report.sections.{name}")
        out.append((name, mod.build))
    return out

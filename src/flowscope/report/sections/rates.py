"""Brief section: rates (filled in by the rates front)."""

from __future__ import annotations

from flowscope.report._brief_model import BriefContext, BriefSection

__all__ = ["build"]


def build(ctx: BriefContext) -> BriefSection | None:
    """Return the rates section, or None when nothing is held for it."""
    return None

"""Brief section: tone (filled in by the tone front)."""

from __future__ import annotations

from flowscope.report._brief_model import BriefContext, BriefSection

__all__ = ["build"]


def build(ctx: BriefContext) -> BriefSection | None:
    """Return the tone section, or None when nothing is held for it."""
    return None

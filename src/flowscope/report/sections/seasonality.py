"""Brief section: seasonality (filled in by the seasonality front)."""

from __future__ import annotations

from flowscope.report._brief_model import BriefContext, BriefSection

__all__ = ["build"]


def build(ctx: BriefContext) -> BriefSection | None:
    """Return the seasonality section, or None when nothing is held for it."""
    return None

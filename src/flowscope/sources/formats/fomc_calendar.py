"""File formats: fomc_calendar."""

from __future__ import annotations

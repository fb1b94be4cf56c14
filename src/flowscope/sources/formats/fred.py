"""File formats: fred."""

from __future__ import annotations

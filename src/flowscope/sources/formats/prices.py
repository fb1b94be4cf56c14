"""File formats: prices."""

from __future__ import annotations

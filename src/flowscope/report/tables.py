"""Frames as rich tables for the terminal: one renderer for the CLI and the brief."""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich.table import Table

__all__ = ["frame_to_table"]


def _fmt_cell(v: Any, floatfmt: str) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NaT:
        return "-"
    if isinstance(v, pd.Timestamp):
        if v.tz is None and v == v.normalize():
            return str(v.strftime("%Y-%m-%d"))
        return str(v.isoformat())
    if isinstance(v, float):
        return format(v, floatfmt)
    return str(v)


def frame_to_table(df: pd.DataFrame, *, title: str | None = None, floatfmt: str = ",.2f") -> Table:
    """Render a DataFrame as a rich Table (negative numbers in red)."""
    table = Table(title=title, show_lines=False, header_style="bold")
    numeric = {c for c in df.columns if pd.api.types.is_numeric_dtype(df[c])}
    for c in df.columns:
        table.add_column(str(c), justify="right" if c in numeric else "left")
    for row in df.itertuples(index=False):
        cells = []
        for c, v in zip(df.columns, row, strict=True):
            text = _fmt_cell(v, floatfmt)
            if c in numeric and isinstance(v, int | float) and not pd.isna(v) and v < 0:
                text = f"[red]{text}[/]"
            cells.append(text)
        table.add_row(*cells)
    return table

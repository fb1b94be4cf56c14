"""Shared CLI plumbing: the store from the global ``--db`` option, output formats, errors."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from flowscope._lazy import lazy_module
from flowscope.config import Settings, load_settings
from flowscope.errors import FlowscopeError, ValidationError

if TYPE_CHECKING:
    import pandas as pd

    from flowscope.storage import Store
else:
    pd = lazy_module("pandas")

__all__ = [
    "EXIT_NO_DATA",
    "CliState",
    "console",
    "err_console",
    "handle_errors",
    "open_cli_store",
    "parse_day",
    "print_frame",
    "state",
]


def _width(stream: Any) -> int | None:
    """Let rich size a terminal (or honour ``COLUMNS``); never wrap piped output at 80."""
    if os.environ.get("COLUMNS") or getattr(stream, "isatty", lambda: False)():
        return None
    return 200


console = Console(width=_width(sys.stdout))
err_console = Console(stderr=True, width=_width(sys.stderr))
F = TypeVar("F", bound=Callable[..., Any])


class CliState:
    """Options of the top-level callback, shared with every command."""

    def __init__(self) -> None:
        self.db: Path | None = None
        self.config: Path | None = None

    def settings(self) -> Settings:
        """Settings with ``--db``/``--config`` applied."""
        return load_settings(self.config, db_path=self.db)


state = CliState()


#: Exit code of a command that found no data to work on (no store, or an empty one).
EXIT_NO_DATA = 4


def open_cli_store(*, read_only: bool = False) -> Store:
    """Open the store chosen by ``--db`` / ``FLOWSCOPE_DB`` / settings.

    Commands that only read pass ``read_only=True``: the store is then never created, several
    readers may run at once, and a missing store ends the command with one line saying how
    to make one and exit code :data:`EXIT_NO_DATA`. Commands that store something open it
    writable (creating it and applying migrations). A store held by another process gives a
    one-line :class:`~flowscope.errors.StorageError`.
    """
    from flowscope.storage import Store

    settings = state.settings()
    path = settings.resolved_db_path
    if read_only and not path.is_file():
        err_console.print(
            f"[bold red]error:[/] no store at {escape(str(path))}; make one with "
            "`flowscope init` (loads the bundled data), or point --db or FLOWSCOPE_DB at an "
            "existing store, e.g. .flowscope/brief.duckdb, which `make brief` builds",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_NO_DATA)
    return Store(path, read_only=read_only, source_preference=settings.source_preference)


def parse_day(value: str | None, option: str) -> pd.Timestamp | None:
    """A calendar day (naive midnight) from a CLI option, or None; bad input names the option.

    ``option`` is the option as typed (``"--start"``); aware date-times are read in UTC.
    """
    if value is None:
        return None
    try:
        day = pd.Timestamp(value)
    except (ValueError, TypeError):
        day = pd.NaT
    if day is pd.NaT or pd.isna(day):
        msg = f"{option}: not a date: {value!r} (use YYYY-MM-DD, e.g. {option} 2026-04-13)"
        raise ValidationError(msg, param_name=option.lstrip("-"), received=value)
    if day.tz is not None:
        day = day.tz_convert("UTC").tz_localize(None)
    return day.normalize()


def handle_errors(func: F) -> F:
    """Turn flowscope errors into a red one-line message and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (FlowscopeError, FileNotFoundError) as exc:
            err_console.print(
                f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _json_default(v: Any) -> Any:
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d") if v.tz is None and v == v.normalize() else v.isoformat()
    return str(v)


def frame_to_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready records: dates as ISO strings, NaN as null."""
    out = df.astype(object).where(df.notna(), None)
    return [
        {k: (_json_default(v) if isinstance(v, pd.Timestamp) else v) for k, v in r.items()}
        for r in out.to_dict("records")
    ]


def print_frame(
    df: pd.DataFrame, fmt: str = "table", *, title: str | None = None, floatfmt: str = ",.2f"
) -> None:
    """Print ``df`` as a rich table, CSV or JSON records on stdout."""
    if fmt == "table":
        from flowscope.report.tables import frame_to_table

        console.print(frame_to_table(df, title=title, floatfmt=floatfmt))
    elif fmt == "csv":
        sys.stdout.write(df.to_csv(index=False, date_format="%Y-%m-%d"))
    elif fmt == "json":
        sys.stdout.write(json.dumps(frame_to_records(df), indent=2, default=_json_default) + "\n")
    else:
        msg = f"unknown format {fmt!r}; use table, csv or json"
        raise typer.BadParameter(msg)

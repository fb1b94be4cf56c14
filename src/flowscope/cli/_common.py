"""Shared CLI plumbing: the store from the global ``--db`` option, output formats, errors.

Exit codes (documented in docs/cli.md), set in one place, :func:`handle_errors`:

====  ===========================================================================
0     success
1     error (bad data in a file, a failed source, a store problem ...)
2     usage error: an unknown option or an option value the command cannot use
3     offline: the network or a source's host cannot be reached
4     no data held for the request (``InsufficientDataError``)
====  ===========================================================================
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import math
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar, cast

import typer

from flowscope._lazy import lazy_module
from flowscope.cli._light import LazyConsole, light_db_path
from flowscope.errors import (
    FlowscopeError,
    InsufficientDataError,
    OfflineError,
    UsageError,
)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from rich.console import Console

    from flowscope.config import Settings
    from flowscope.storage import Store
    from flowscope.storage._lock import Holder, StoreLock
else:
    np = lazy_module("numpy")
    pd = lazy_module("pandas")

__all__ = [
    "EXIT_ERROR",
    "EXIT_NO_DATA",
    "EXIT_OFFLINE",
    "EXIT_OK",
    "EXIT_USAGE",
    "CliState",
    "FormatOpt",
    "OutputFormat",
    "capture_json",
    "console",
    "err_console",
    "escape",
    "handle_errors",
    "open_cli_store",
    "output_format",
    "parse_day",
    "parse_years",
    "print_frame",
    "print_json",
    "state",
    "writer_lock",
]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_OFFLINE = 3
EXIT_NO_DATA = 4

OutputFormat = Literal["table", "csv", "json"]
FORMATS: tuple[OutputFormat, ...] = ("table", "csv", "json")
FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        help="Output: table, csv or json (json: one document on stdout, notes on stderr).",
    ),
]


console = cast("Console", LazyConsole(stderr=False))
err_console = cast("Console", LazyConsole(stderr=True))


def escape(markup: str) -> str:
    """``markup`` with rich's square-bracket markup escaped (``rich.markup.escape``)."""
    from rich.markup import escape as _escape

    return _escape(markup)


F = TypeVar("F", bound=Callable[..., Any])


class CliState:
    """Options of the top-level callback, shared with every command.

    Held in context variables, so a command run in-process (:func:`capture_json`, used by
    the dashboard's API) sees its own store without touching another thread's.
    """

    def __init__(self) -> None:
        self._db: ContextVar[Path | None] = ContextVar("flowscope_db", default=None)
        self._config: ContextVar[Path | None] = ContextVar("flowscope_config", default=None)

    @property
    def db(self) -> Path | None:
        """The ``--db`` option (None: from the settings)."""
        return self._db.get()

    @db.setter
    def db(self, value: Path | None) -> None:
        self._db.set(value)

    @property
    def config(self) -> Path | None:
        """The ``--config`` option (None: ``FLOWSCOPE_CONFIG`` or none)."""
        return self._config.get()

    @config.setter
    def config(self, value: Path | None) -> None:
        self._config.set(value)

    def settings(self) -> Settings:
        """Settings with ``--db``/``--config`` applied."""
        from flowscope.config import load_settings  # pydantic: not needed by --help

        return load_settings(self.config, db_path=self.db)

    def db_path(self) -> Path:
        """The store file: ``--db`` as given (no settings loaded), else from the settings.

        The settings are not loaded when neither a settings file nor a settings variable
        exists (:func:`~flowscope.cli._light.light_db_path`).
        """
        if self.db is not None:
            return self.db.expanduser()
        light = light_db_path(None, self.config)
        return light if light is not None else self.settings().resolved_db_path

    def store_options(self) -> tuple[Path, dict[str, tuple[str, ...]]]:
        """The store file and the per-dataset source preference (settings loaded if needed)."""
        light = light_db_path(self.db, self.config)
        if light is not None:
            return light, {}
        settings = self.settings()
        return settings.resolved_db_path, dict(settings.source_preference)

    def cache_dir(self) -> Path:
        """``<data_dir>/cache``, where trained-model encodings and cached results live
        (the settings are loaded only when they can change ``data_dir``)."""
        if light_db_path(self.db, self.config) is not None:
            import platformdirs

            return Path(platformdirs.user_data_dir("flowscope", appauthor=False)) / "cache"
        return self.settings().data_dir / "cache"


state = CliState()
_json_sink: ContextVar[list[Any] | None] = ContextVar("flowscope_json_sink", default=None)


@contextmanager
def capture_json(db: Path, config: Path | None = None) -> Iterator[list[Any]]:
    """Run command bodies in-process on store ``db``, collecting their JSON documents.

    Inside the block, :func:`print_json` appends the document (as :func:`json.loads` of what
    it would print) to the yielded list instead of writing stdout, and
    :func:`handle_errors` lets flowscope errors propagate instead of exiting. Run the block
    in its own :class:`contextvars.Context` (one per request) so that other threads keep
    their store and output.
    """
    sink: list[Any] = []
    token_sink = _json_sink.set(sink)
    token_db = state._db.set(db)
    token_cfg = state._config.set(config)
    try:
        yield sink
    finally:
        state._config.reset(token_cfg)
        state._db.reset(token_db)
        _json_sink.reset(token_sink)


def open_cli_store(*, read_only: bool = False) -> Store:
    """Open the store chosen by ``--db`` / ``FLOWSCOPE_DB`` / settings.

    Commands that only read pass ``read_only=True``: the store is then never created, several
    readers may run at once, and a missing store ends the command with one line saying how
    to make one and exit code :data:`EXIT_NO_DATA`. Commands that store something open it
    writable (creating it and applying migrations). A store held by another process gives a
    one-line :class:`~flowscope.errors.StorageError`.

    A writable open first takes the writers' lock (``<store>.lock``), waiting up to the
    ``lock_timeout_s`` setting for another writer and saying on stderr who it waits for;
    the lock is given back when the store is closed.
    """
    from flowscope.storage import Store

    path, preference = state.store_options()
    if read_only and not path.is_file():
        if _json_sink.get() is not None:
            msg = f"no store at {path}; make one with `flowscope init`"
            raise InsufficientDataError(msg)
        err_console.print(
            f"[bold red]error:[/] no store at {escape(str(path))}; make one with "
            "`flowscope init` (loads the bundled data), or point --db or FLOWSCOPE_DB at an "
            "existing store, e.g. .flowscope/brief.duckdb, which `make brief` builds",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_NO_DATA)
    if read_only:
        return Store(path, read_only=True, source_preference=preference)
    lock = writer_lock(path, state.settings().lock_timeout_s).acquire()
    return Store(path, read_only=False, source_preference=preference, lock=lock)


def writer_lock(path: Path, timeout_s: float) -> StoreLock:
    """The writers' lock of the store ``path``; a wait is announced on stderr."""
    from flowscope.storage._lock import StoreLock

    def note(who: Holder | None) -> None:
        by = who.describe() if who is not None else "another flowscope process"
        err_console.print(
            f"waiting up to {timeout_s:g} s: the store {escape(str(path))} is being written "
            f"by {escape(by)}",
            highlight=False,
            soft_wrap=True,
        )

    return StoreLock(path, timeout_s=timeout_s, on_wait=note)


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
        raise UsageError(msg, param_name=option.lstrip("-"), received=value)
    if day.tz is not None:
        day = day.tz_convert("UTC").tz_localize(None)
    return day.normalize()


def parse_years(spec: str, option: str) -> range:
    """Years from ``2015-2024`` or ``2020`` given to ``option`` (``"--years"``); errors name it."""
    name = option.lstrip("-")
    try:
        if "-" in spec:
            a, b = (int(x) for x in spec.split("-", 1))
        else:
            a = b = int(spec)
    except ValueError:
        msg = f"{option} must look like 2015-2024 or 2020, got {spec!r}"
        raise UsageError(msg, param_name=name, received=spec) from None
    if b < a:
        msg = f"{option} range is reversed: {spec!r}"
        raise UsageError(msg, param_name=name, received=spec)
    return range(a, b + 1)


def output_format(
    value: str, allowed: tuple[str, ...] = FORMATS, *, option: str = "--format"
) -> str:
    """``value`` lower-cased if it is one of ``allowed``; otherwise a usage error naming ``option``."""
    fmt = value.strip().lower()
    if fmt not in allowed:
        msg = f"{option}: unknown format {value!r}; use {', '.join(allowed[:-1])} or {allowed[-1]}"
        raise UsageError(msg, param_name=option.lstrip("-"), received=value)
    return fmt


def exit_code_for(exc: BaseException) -> int:
    """The documented exit code of an error (see the module docstring)."""
    if isinstance(exc, UsageError):
        return EXIT_USAGE
    if isinstance(exc, OfflineError):
        return EXIT_OFFLINE
    if isinstance(exc, InsufficientDataError):
        return EXIT_NO_DATA
    return EXIT_ERROR


def handle_errors(func: F) -> F:
    """Turn flowscope errors into a red one-line message on stderr and the documented exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (FlowscopeError, FileNotFoundError) as exc:
            if _json_sink.get() is not None:
                raise
            err_console.print(
                f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(exit_code_for(exc)) from None

    return wrapper  # type: ignore[return-value]


def _json_default(v: Any) -> Any:
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d") if v.tz is None and v == v.normalize() else v.isoformat()
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, np.floating):
        return _finite(float(v))
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _finite(v: float) -> float | None:
    return v if math.isfinite(v) else None


def _clean(doc: Any) -> Any:
    """``doc`` with non-finite floats as null (JSON has no NaN or infinity)."""
    if isinstance(doc, float):
        return _finite(doc)
    if isinstance(doc, dict):
        return {k: _clean(v) for k, v in doc.items()}
    if isinstance(doc, list | tuple):
        return [_clean(v) for v in doc]
    return doc


def frame_to_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready records: dates as ISO strings, NaN as null."""
    out = df.astype(object).where(df.notna(), None)
    return [
        {k: (_json_default(v) if isinstance(v, pd.Timestamp) else v) for k, v in r.items()}
        for r in out.to_dict("records")
    ]


def print_json(doc: Any) -> None:
    """Write ``doc`` as one JSON document on stdout (dates as ISO strings, NaN as null)."""
    text = json.dumps(_clean(doc), indent=2, default=_json_default)
    sink = _json_sink.get()
    if sink is not None:
        sink.append(json.loads(text))
        return
    sys.stdout.write(text + "\n")


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
        print_json(frame_to_records(df))
    else:
        output_format(fmt)

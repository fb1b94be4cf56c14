"""Start-up helpers that load neither typer nor pydantic.

* :class:`LazyConsole`: a rich ``Console`` made on first use, so ``--help`` and quick
  commands never import rich's console machinery.
* :func:`light_db_path`: the store file when no settings file and no settings variable can
  change it (``--db``, ``FLOWSCOPE_DB`` or the default), without loading pydantic-settings.
* :func:`reimport_unchanged`: ``flowscope import`` of a file whose content was already
  imported, answered from its SHA-256 before typer (and the pydantic it loads to coerce
  option values) is imported: from the record beside the store when the store has not been
  written since (no DuckDB either), else from the store. Anything it does not recognise goes
  to the full command.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "LazyConsole",
    "console_width",
    "light_db_path",
    "reimport_unchanged",
    "say_unchanged",
]

#: ``FLOWSCOPE_*`` variables that are not settings fields (``flowscope.config.ENV_NOT_SETTINGS``).
ENV_NOT_SETTINGS = frozenset(
    {"FLOWSCOPE_CONFIG", "FLOWSCOPE_DB", "FLOWSCOPE_DEBUG", "FLOWSCOPE_SHARED_DATA"}
)


def console_width(stream: Any) -> int | None:
    """Let rich size a terminal (or honour ``COLUMNS``); never wrap piped output at 80."""
    if os.environ.get("COLUMNS") or getattr(stream, "isatty", lambda: False)():
        return None
    return 200


class LazyConsole:
    """A rich ``Console`` on stdout (or stderr) made on first use."""

    def __init__(self, *, stderr: bool) -> None:
        self._stderr = stderr
        self._real: Console | None = None

    def _console(self) -> Console:
        if self._real is None:
            from rich.console import Console

            stream = sys.stderr if self._stderr else sys.stdout
            self._real = Console(stderr=self._stderr, width=console_width(stream))
        return self._real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._console(), name)

    def __enter__(self) -> Console:  # dunder methods are not looked up through __getattr__
        return self._console().__enter__()

    def __exit__(self, *exc: object) -> None:
        self._console().__exit__(*exc)


def light_db_path(
    db: Path | None, config: Path | None, env: Mapping[str, str] | None = None
) -> Path | None:
    """The store file, or None when the settings must be loaded to know it.

    None when ``--config`` is given, a settings variable (``FLOWSCOPE_*`` other than
    :data:`ENV_NOT_SETTINGS`) is set, or the settings file exists: only the settings
    (:func:`flowscope.config.load_settings`) then decide, and report errors.
    """
    env = os.environ if env is None else env
    if config is not None:
        return None
    if any(k.upper().startswith("FLOWSCOPE_") and k.upper() not in ENV_NOT_SETTINGS for k in env):
        return None
    import platformdirs

    if env.get("FLOWSCOPE_CONFIG"):
        cfg = Path(env["FLOWSCOPE_CONFIG"]).expanduser()
    else:
        cfg = Path(platformdirs.user_config_dir("flowscope", appauthor=False)) / "config.toml"
    if cfg.exists():
        return None
    if db is not None:
        return db.expanduser()
    if env.get("FLOWSCOPE_DB"):
        return Path(env["FLOWSCOPE_DB"]).expanduser()
    return Path(platformdirs.user_data_dir("flowscope", appauthor=False)) / "flowscope.duckdb"


_IMPORT_OPTIONS = {
    "--file-format": "format",
    "--source-name": "source",
    "--symbol": "symbol",
    "--interval": "interval",
}


def _parse_import(argv: Sequence[str]) -> tuple[Path | None, str, str, dict[str, str]] | None:
    """``(--db, dataset, file, options)`` of ``[--db X] import DATASET FILE [options]``."""
    args = list(argv)
    db: Path | None = None
    while args and args[0] != "import":
        tok = args.pop(0)
        if tok == "--db" and args:
            db = Path(args.pop(0))
        elif tok.startswith("--db="):
            db = Path(tok.removeprefix("--db="))
        else:
            return None  # --config, --version, --help …: the full command line handles them
    if not args:
        return None
    args.pop(0)
    positional: list[str] = []
    options: dict[str, str] = {}
    while args:
        tok = args.pop(0)
        name, eq, value = tok.partition("=")
        if name in _IMPORT_OPTIONS and eq:
            options[_IMPORT_OPTIONS[name]] = value
        elif tok in _IMPORT_OPTIONS and args:
            options[_IMPORT_OPTIONS[tok]] = args.pop(0)
        elif tok.startswith("-"):
            return None  # --force, --dry-run, --help, unknown options
        else:
            positional.append(tok)
    if len(positional) != 2:
        return None
    return db, positional[0], positional[1], options


def reimport_unchanged(argv: Sequence[str]) -> bool:
    """Answer ``flowscope import`` of already-imported content; True when it was answered.

    The message is that of the full command. False (nothing printed) for any other command
    line, a file or store that cannot be checked, or content not imported before.
    """
    parsed = _parse_import(argv)
    if parsed is None:
        return False
    db, dataset, file, given = parsed
    path = light_db_path(db, None)
    if path is None or not path.is_file():
        return False
    from flowscope.errors import FlowscopeError
    from flowscope.sources._inputs import check_path
    from flowscope.storage._files import fingerprint
    from flowscope.storage._records import lookup_record

    keys = ("format", "source", "symbol", "interval")
    options = json.dumps({k: given.get(k) for k in keys}, sort_keys=True)
    target = Path(file)
    try:
        check_path(target)
        fp = fingerprint(target)
    except (OSError, FlowscopeError):
        return False  # the full command reports it
    seen = lookup_record(path, fp.sha256, dataset, options)
    if seen is None:
        from flowscope.storage._files import find_unchanged

        seen = find_unchanged(path, fp, dataset, options)
    if seen is None:
        return False
    say_unchanged(target, fp.sha256, seen)
    return True


def say_unchanged(file: Path, sha256: str, seen: tuple[str, dt.datetime]) -> None:
    """Print (plain text on stdout) that ``file`` was imported before, from ``seen[0]`` at ``seen[1]``."""
    when = seen[1].astimezone(dt.UTC)
    sys.stdout.write(
        f"{file}: unchanged (same content, sha256 {sha256[:12]}…, as imported "
        f"{when:%Y-%m-%d %H:%M} UTC from {seen[0]}); nothing read. Use --force to re-read it.\n"
    )

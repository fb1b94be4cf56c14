"""The ``flowscope`` command line (typer + rich).

Global options (``--db``, ``--config``) come before the command:
``flowscope --db /tmp/x.duckdb status``.

``app`` (the typer application) is built on first access, so that :func:`main` can answer
the re-import of an unchanged file before typer is loaded, and ``flowscope``, ``--help`` and
``--version`` without importing the commands (:mod:`flowscope.cli._root`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import typer

    app: typer.Typer

__all__ = ["app", "main"]


def __getattr__(name: str) -> Any:
    if name == "app":
        from flowscope.cli._app import app

        return app
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


def main() -> None:
    """Console-script entry point.

    Errors flowscope expects end in one line (``handle_errors``). Anything else is a defect:
    it too ends in one line on stderr with exit code 1, and ``FLOWSCOPE_DEBUG=1`` shows the
    traceback instead.
    """
    import os
    import sys

    try:
        from flowscope.cli._light import reimport_unchanged

        if reimport_unchanged(sys.argv[1:]):
            return
        from flowscope.cli._root import top_level

        if top_level(sys.argv[1:]):
            return
        from flowscope.cli._app import app

        app()
    except Exception as exc:
        if os.environ.get("FLOWSCOPE_DEBUG"):
            raise
        first = str(exc).splitlines()[0][:300] if str(exc) else ""
        sys.stderr.write(
            f"error: unexpected {type(exc).__name__}: {first} — a flowscope defect; please "
            "report it (FLOWSCOPE_DEBUG=1 shows the traceback)\n"
        )
        raise SystemExit(1) from None

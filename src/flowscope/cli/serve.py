"""`flowscope serve`: the local dashboard and JSON API (the ``serve`` extra)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from flowscope.cli._common import EXIT_NO_DATA, err_console, handle_errors, state
from flowscope.errors import MissingDependencyError, UsageError

__all__ = ["serve"]

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@handle_errors
def serve(
    port: Annotated[int, typer.Option("--port", help="TCP port to listen on.")] = 8765,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to bind (default loopback only; any other address exposes the "
            "dashboard and API to the network, without authentication).",
        ),
    ] = "127.0.0.1",
    db: Annotated[
        Path | None,
        typer.Option("--db", help="Store to serve (default: the global --db / FLOWSCOPE_DB)."),
    ] = None,
) -> None:
    """Serve the dashboard (pages with charts) and the JSON API on http://HOST:PORT/."""
    if not 0 < port < 65536:
        msg = f"--port: {port} is not a TCP port (1..65535)"
        raise UsageError(msg, param_name="port", received=port)
    try:
        import uvicorn

        from flowscope.serve.app import create_app
    except ImportError as exc:
        msg = f"`flowscope serve` needs the serve extra ({exc.name} is missing): pip install 'flowscope[serve]'"
        raise MissingDependencyError(msg) from None
    path = db.expanduser() if db is not None else state.db_path()
    if not path.is_file():
        err_console.print(
            f"[bold red]error:[/] no store at {escape(str(path))}; make one with `flowscope init`",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_NO_DATA)
    if host not in _LOOPBACK:
        err_console.print(
            f"[bold yellow]warning:[/] --host {escape(host)}: the dashboard and API are open to "
            "anyone who can reach this address; they have no authentication",
            highlight=False,
            soft_wrap=True,
        )
    err_console.print(f"serving {escape(str(path))} (read-only) on http://{host}:{port}/")
    uvicorn.run(create_app(path), host=host, port=port, log_level="warning")

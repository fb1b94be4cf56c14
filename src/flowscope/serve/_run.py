"""Run a CLI command body in-process and turn its outcome into an API answer.

The API returns exactly what ``flowscope <command> --format json`` prints: each endpoint
calls the command's function inside :func:`flowscope.cli._common.capture_json`, which
collects the JSON document and lets flowscope errors through, mapped here to HTTP codes.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

from flowscope.cli._common import EXIT_NO_DATA, EXIT_USAGE, capture_json
from flowscope.errors import (
    FlowscopeError,
    InsufficientDataError,
    StorageError,
    UsageError,
    ValidationError,
)

__all__ = ["ApiError", "run_command"]

# Commands share module state (warnings filters, rich consoles): run one at a time.
_LOCK = threading.Lock()


class ApiError(Exception):
    """An error answer: HTTP ``status``, a one-line ``message`` and the query parameter at fault."""

    def __init__(self, status: int, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param


def _status_for(exc: BaseException) -> int:
    if isinstance(exc, InsufficientDataError):
        return 404
    if isinstance(exc, StorageError):
        return 503
    if isinstance(exc, ValidationError | FileNotFoundError):
        return 422
    return 500


def _invoke(db: Path, func: Callable[..., None], kwargs: dict[str, Any]) -> Any:
    with capture_json(db) as sink:
        func(**kwargs, fmt="json")
    if len(sink) != 1:
        msg = f"{func.__name__} printed {len(sink)} JSON documents, expected one"
        raise ApiError(500, msg)
    return sink[0]


def run_command(
    db: Path, func: Callable[..., None], params: dict[str, str] | None = None, **kwargs: Any
) -> Any:
    """Run ``func(**kwargs, fmt="json")`` on store ``db``; return its JSON document.

    ``params`` maps a command option (``"--start"``) to the API's query parameter
    (``"start"``) so that errors name what the caller typed. Raises :class:`ApiError`.
    """
    names = params or {}
    ctx = contextvars.copy_context()
    try:
        with _LOCK:
            return ctx.run(_invoke, db, func, kwargs)
    except ApiError:
        raise
    except typer.Exit as exc:  # a command that printed its own one-line error
        if exc.exit_code == EXIT_NO_DATA:
            raise ApiError(404, f"no data held in the store {db} for this request") from None
        if exc.exit_code == EXIT_USAGE:
            raise ApiError(422, "the request's parameters cannot be used") from None
        raise ApiError(500, f"the command ended with exit code {exc.exit_code}") from None
    except (FlowscopeError, FileNotFoundError) as exc:
        message = str(exc)
        param = None
        if isinstance(exc, UsageError) and getattr(exc, "param_name", None):
            option = f"--{exc.param_name}"
            param = names.get(option, str(exc.param_name).replace("-", "_"))
            message = message.replace(option, param, 1)
        raise ApiError(_status_for(exc), message, param) from None

"""The flowscope exception and warning trees.

Every error flowscope raises on purpose derives from :class:`FlowscopeError`, so a caller
can catch the whole family with one ``except``. Errors carry structured attributes
(``path``, ``row``, ``column``, ``source`` …) besides their message.

Exceptions::

    FlowscopeError
      ConfigError                    bad settings file / environment variable (also ValueError)
      ValidationError                bad input data or parameter (also ValueError)
        ParseError                   a file or payload could not be parsed: names file, row, column
        UnknownFormatError           no importer recognises the file
        DataMixError                 e.g. split-adjusted and unadjusted prices in one series
        UsageError                   a command-line option value the command cannot use
        ImplausibleDataError         rows failing the dataset's plausibility checks (refused)
      SourceError                    a connector failed
        OfflineError                 the network or the source's host cannot be reached
        SourceTimeoutError           the host was reached but stalled past the timeout: timeout_s
        SourceHTTPError              non-2xx answer after retries: status, url, retry_after_s
          SourceRateLimitError       HTTP 429 Too Many Requests
        SourceTransferError          an answer that could not be read whole (dropped connection)
          TruncatedResponseError     the body was cut short (Content-Length not met)
          ContentDecodingError       the body does not match its Content-Encoding
          TooManyRedirectsError      a redirect loop
        SourceAuthError              missing or rejected credentials
        EmptyDataError               the source answered with no rows
        SchemaDriftError             the payload no longer has the documented shape, or a
                                     fund set / column order / past sessions changed
        DisallowedHostError          a URL or redirect to a host the connector may not use
      StorageError                   the DuckDB store failed or is inconsistent
        MigrationError               a schema migration failed
        UnknownDatasetError          a dataset name that the store does not know (also KeyError)
      InsufficientDataError          not enough data held for a computation (also LookupError)
      MissingDependencyError         an optional extra is not installed (also ImportError)
      BacktestError                  a backtest was mis-specified (also ValueError)

Warnings::

    FlowscopeWarning (UserWarning)
      DataQualityWarning             suspicious rows kept out of a canonical series
      StaleDataWarning               the newest data held is older than expected
      GapWarning                     holes in a series the computation relied on
      SmallSampleWarning             statistics on very few observations
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = [
    "BacktestError",
    "ConfigError",
    "ContentDecodingError",
    "DataMixError",
    "DataQualityWarning",
    "DisallowedHostError",
    "EmptyDataError",
    "FlowscopeError",
    "FlowscopeWarning",
    "GapWarning",
    "ImplausibleDataError",
    "InsufficientDataError",
    "MigrationError",
    "MissingDependencyError",
    "OfflineError",
    "ParseError",
    "SchemaDriftError",
    "SmallSampleWarning",
    "SourceAuthError",
    "SourceError",
    "SourceHTTPError",
    "SourceRateLimitError",
    "SourceTimeoutError",
    "SourceTransferError",
    "StaleDataWarning",
    "StorageError",
    "TooManyRedirectsError",
    "TruncatedResponseError",
    "UnknownDatasetError",
    "UnknownFormatError",
    "UsageError",
    "ValidationError",
]


def _excerpt(value: Any, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters, its full length said when cut."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


class FlowscopeError(Exception):
    """Root of every error flowscope raises on purpose."""


class ConfigError(FlowscopeError, ValueError):
    """A settings file or ``FLOWSCOPE_*`` variable is invalid (names the key)."""

    def __init__(self, msg: str, *, key: str | None = None, origin: str | None = None) -> None:
        super().__init__(msg)
        self.key = key
        self.origin = origin


class ValidationError(FlowscopeError, ValueError):
    """Input data or a parameter is invalid."""

    def __init__(self, msg: str, *, param_name: str | None = None, received: Any = None) -> None:
        super().__init__(msg)
        self.param_name = param_name
        self.received = received


class ParseError(ValidationError):
    """A file or payload could not be parsed.

    The message always names the file (or payload origin), and where known the 1-based
    data row (counting the header as row 1, as a spreadsheet shows it), the column, what
    was expected and what was found.
    """

    def __init__(
        self,
        reason: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
        expected: str | None = None,
        received: Any = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.row = row
        self.column = column
        self.expected = expected
        self.reason = reason
        parts = []
        if self.path is not None:
            parts.append(self.path)
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {column!r}")
        where = ", ".join(parts)
        msg = f"{where}: {reason}" if where else reason
        got = _excerpt(received)
        if expected is not None:
            msg += f" (expected {expected}"
            msg += f", got {got})" if received is not None else ")"
        elif received is not None:
            msg += f" (got {got})"
        super().__init__(msg, param_name=column, received=received)


class UnknownFormatError(ValidationError):
    """No importer recognises a file's layout."""


class DataMixError(ValidationError):
    """Series that must not be combined were about to be (e.g. adjusted with unadjusted)."""


class UsageError(ValidationError):
    """A command-line option has a value the command cannot use (names the option)."""


class ImplausibleDataError(ValidationError):
    """Rows that fail their dataset's plausibility checks, refused by policy (nothing stored)."""


class SourceError(FlowscopeError):
    """A data connector failed."""

    def __init__(self, msg: str, *, source: str | None = None) -> None:
        super().__init__(msg)
        self.source = source


class OfflineError(SourceError):
    """The network (or the source's host) cannot be reached."""


class SourceTimeoutError(SourceError):
    """The host accepted the connection but did not answer within ``timeout_s`` seconds."""

    def __init__(
        self, msg: str, *, source: str | None = None, timeout_s: float | None = None
    ) -> None:
        super().__init__(msg, source=source)
        self.timeout_s = timeout_s


class SourceHTTPError(SourceError):
    """The source answered with a non-success HTTP status.

    ``url`` never holds a query string; ``retry_after_s`` is the server's ``Retry-After``
    in seconds from when the answer arrived (``None`` if it sent none).
    """

    def __init__(
        self,
        msg: str,
        *,
        source: str | None = None,
        status: int,
        url: str,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(msg, source=source)
        self.status = status
        self.url = url
        self.retry_after_s = retry_after_s


class SourceRateLimitError(SourceHTTPError):
    """HTTP 429: the source refuses more requests for now (see ``retry_after_s``)."""

    @property
    def retry_after(self) -> float | None:
        """Same as ``retry_after_s`` (seconds)."""
        return self.retry_after_s


class SourceTransferError(SourceError):
    """An answer arrived but could not be read whole (e.g. the connection dropped)."""


class TruncatedResponseError(SourceTransferError):
    """The body was cut short: fewer bytes than announced, or the peer closed mid-body."""


class ContentDecodingError(SourceTransferError):
    """The body cannot be decoded with the ``Content-Encoding`` the server announced."""


class TooManyRedirectsError(SourceTransferError):
    """The source redirected too many times (a redirect loop)."""


class SourceAuthError(SourceError):
    """Credentials are missing or were rejected (the key itself is never shown)."""


class EmptyDataError(SourceError):
    """The source answered, but with no usable rows."""


class SchemaDriftError(SourceError):
    """A payload no longer has the documented shape."""


class DisallowedHostError(SourceError):
    """A request (or redirect) to a host the connector does not declare; nothing was sent."""


class StorageError(FlowscopeError):
    """The store failed or holds inconsistent data."""


class MigrationError(StorageError):
    """A schema migration could not be applied."""


class UnknownDatasetError(StorageError, KeyError):
    """A dataset name the store does not know."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class BacktestError(FlowscopeError, ValueError):
    """A backtest, sweep or walk-forward was mis-specified (names the parameter)."""


class InsufficientDataError(FlowscopeError, LookupError):
    """The data held is not enough for the requested computation."""


class MissingDependencyError(FlowscopeError, ImportError):
    """An optional extra is needed: the message says which ``pip install`` fixes it."""


class FlowscopeWarning(UserWarning):
    """Root of flowscope's warnings."""


class DataQualityWarning(FlowscopeWarning):
    """Rows were detected as suspicious and kept out of a canonical series."""


class StaleDataWarning(FlowscopeWarning):
    """The newest data held is older than expected."""


class GapWarning(FlowscopeWarning):
    """A computation ran over a series with holes."""


class SmallSampleWarning(FlowscopeWarning):
    """A statistic rests on very few observations."""

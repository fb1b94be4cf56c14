"""The connector contract: build_query -> extract (bytes, the only I/O) -> transform (frame).

Each online connector subclasses :class:`Source`. The HTTP client is injected, so tests run
``transform`` on recorded payloads and ``fetch`` through ``httpx.MockTransport``; no test
touches the network.
"""

from __future__ import annotations

import abc
import json
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar
from urllib.parse import urlsplit

import httpx
import pandas as pd

from flowscope.config import Settings
from flowscope.errors import SchemaDriftError

__all__ = ["Query", "Source"]


@dataclass(frozen=True, kw_only=True)
class Query:
    """Base query: a date range (inclusive, naive dates). Connectors subclass it."""

    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None


Q = TypeVar("Q", bound=Query)


class Source(abc.ABC, Generic[Q]):
    """An online data connector for one canonical dataset.

    Class attributes
    ----------------
    name
        Registry name (``"farside"``); also the ``source`` stored on every row.
    dataset
        Canonical dataset it feeds.
    requires_key
        Settings field holding a credential (``"sosovalue_key"``) or ``None``.
    lookback_days
        Days before the newest row held that ``flowscope update`` asks for again, to pick
        up revisions and late corrections.
    rate_limit
        Most requests per second the connector sends to its host (``None``: no own limit).
    allowed_hosts
        Hosts the connector may fetch from (each with its subdomains); the HTTP layer refuses
        any other, redirects included (``docs/http.md``). The host of a base URL set for the
        connector in the settings (``base_urls``) is added to them.
    """

    name: ClassVar[str]
    dataset: ClassVar[str]
    requires_key: ClassVar[str | None] = None
    lookback_days: ClassVar[int] = 0
    rate_limit: ClassVar[float | None] = None
    allowed_hosts: ClassVar[tuple[str, ...]] = ()

    def __init__(self, client: httpx.Client, settings: Settings | None = None) -> None:
        self.client = client
        self.settings = settings or Settings()
        base = self.settings.base_urls.get(self.name)
        if base:  # a base URL set in the settings (a mirror, a test server) is allowed too
            host = urlsplit(base).hostname or ""
            self.__dict__["allowed_hosts"] = (*type(self).allowed_hosts, host)

    def get_json(self, url: str, params: dict[str, str] | None = None) -> Any:
        """GET ``url`` through the HTTP layer (this connector's hosts and rate limit) as JSON.

        Raises
        ------
        SchemaDriftError
            The answer is not JSON (the URL's host and path are named, not its query).
        """
        from flowscope.sources._http import get_bytes

        body = get_bytes(
            self.client,
            url,
            source=self.name,
            allowed_hosts=self.allowed_hosts,
            params=params,
            rate_limit=self.rate_limit,
        )
        try:
            return json.loads(body)
        except ValueError as exc:
            where = url.split("://", 1)[-1].split("?", 1)[0]
            msg = f"{self.name}: {where} did not answer JSON ({exc})"
            raise SchemaDriftError(msg, source=self.name) from None

    @abc.abstractmethod
    def build_query(self, **params: Any) -> Q:
        """Validate parameters and fill defaults (no I/O)."""

    @abc.abstractmethod
    def extract(self, query: Q) -> bytes:
        """Fetch the raw payload (the only method that does I/O)."""

    @abc.abstractmethod
    def transform(self, query: Q, raw: bytes) -> pd.DataFrame:
        """Parse a raw payload into the canonical frame of :attr:`dataset`."""

    def fetch(self, **params: Any) -> pd.DataFrame:
        """``transform(query, extract(query))`` for ``query = build_query(**params)``."""
        query = self.build_query(**params)
        return self.transform(query, self.extract(query))

"""The HTTP layer every connector goes through: retries, back-off, per-host rate limits, errors.

Policy (``docs/http.md`` tells it for users):

* **Retried**: timeouts, connection errors, a body cut short, HTTP 429 and 5xx. At most
  ``retries`` times (``Settings.http_retries``, carried by the client that
  :func:`make_client` returns; :data:`DEFAULT_RETRIES` for a plain ``httpx.Client``).
* **Back-off**: exponential with jitter: ``BACKOFF_INITIAL_S * 2**n`` seconds before retry
  ``n + 1`` (capped at ``BACKOFF_MAX_S``), plus a random ``0..BACKOFF_JITTER_S``. A ``Retry-After`` header (seconds
  or an HTTP date) replaces the back-off; one longer than :data:`MAX_RETRY_AFTER_S` is not
  waited for: the error says when to try again.
* **Rate limit**: ``rate_limit`` is the most requests per second to one host. The limit is
  process-wide and thread-safe; the layer waits before sending when needed.
* **Deadline**: one request (each attempt) may take at most ``deadline_s`` seconds in
  all (``Settings.http_deadline_s``, carried by the client), however steadily the server
  trickles its body; the read timeout only bounds each silence. An attempt past its
  deadline is not retried (it would only wait as long again): it ends in a
  :class:`~flowscope.errors.SourceTimeoutError`. The deadline is measured in real time.
* **Errors** are flowscope's (:mod:`flowscope.errors`), never httpx's. Messages show URLs
  without query strings, redact secrets a server may echo, and quote at most
  :data:`SNIPPET_CHARS` characters of an error body, with control characters removed.

All waiting goes through :data:`clock`, so tests replace it and never sleep.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import html
import math
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import tenacity

from flowscope.config import Settings
from flowscope.errors import (
    ContentDecodingError,
    DisallowedHostError,
    FlowscopeError,
    OfflineError,
    SourceError,
    SourceHTTPError,
    SourceRateLimitError,
    SourceTimeoutError,
    SourceTransferError,
    TooManyRedirectsError,
    TruncatedResponseError,
    ValidationError,
)

__all__ = [
    "BACKOFF_INITIAL_S",
    "BACKOFF_JITTER_S",
    "BACKOFF_MAX_S",
    "DEFAULT_RETRIES",
    "MAX_RETRY_AFTER_S",
    "SNIPPET_CHARS",
    "Clock",
    "FlowscopeClient",
    "HostRateLimiter",
    "clean_server_text",
    "clock",
    "get_bytes",
    "make_client",
    "post_json",
    "rate_limiter",
]

#: Retries when the client does not say (a plain ``httpx.Client``); matches ``Settings``.
DEFAULT_RETRIES: int = Settings.model_fields["http_retries"].default
#: First back-off wait, seconds; doubled at each retry.
BACKOFF_INITIAL_S = 0.5
#: Longest back-off wait, seconds.
BACKOFF_MAX_S = 30.0
#: Random extra wait added to each back-off, up to this many seconds.
BACKOFF_JITTER_S = 0.5
#: A ``Retry-After`` longer than this (seconds) is not waited for: the request fails.
MAX_RETRY_AFTER_S = 60.0
#: Longest error-body excerpt quoted in a message, characters.
SNIPPET_CHARS = 200

_RETRY_STATUSES = frozenset({429}) | frozenset(range(500, 600))
#: Parameter and header names whose values are treated as secrets.
_SECRET_NAME = re.compile(r"key|token|secret|passw|auth|sig|session|cookie|credential", re.I)
_MIN_SECRET_CHARS = 4
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]+")
_HTML_DROP = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.I | re.S)
_HTML_TAG = re.compile(r"<[^>]*>")
_LOOKS_HTML = re.compile(r"<(!doctype|html|head|body)\b", re.I)


@dataclass
class Clock:
    """Time as the HTTP layer sees it: ``sleep(seconds)``, ``monotonic()`` and ``now()`` (UTC)."""

    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    now: Callable[[], dt.datetime] = field(default=lambda: dt.datetime.now(dt.UTC))


#: The clock every wait goes through (tests swap it for one that records waits).
clock = Clock()


class HostRateLimiter:
    """Spaces requests to each host at least ``1 / rate`` seconds apart (thread-safe).

    Each caller reserves the next free slot under a lock and then waits outside it, so
    concurrent callers queue in order instead of all waking at once.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_free: dict[str, float] = {}

    def reserve(self, host: str, rate: float, now: float) -> float:
        """Book the next slot for ``host`` at ``rate`` requests/s; return the wait in seconds."""
        with self._lock:
            slot = max(now, self._next_free.get(host, now))
            self._next_free[host] = slot + 1.0 / rate
        return slot - now

    def reset(self) -> None:
        """Forget every host's history."""
        with self._lock:
            self._next_free.clear()


#: The process-wide limiter shared by every client.
rate_limiter = HostRateLimiter()


class FlowscopeClient(httpx.Client):
    """An ``httpx.Client`` that also carries the retry count and secrets to keep out of messages.

    Parameters
    ----------
    retries
        Retries after the first attempt (``Settings.http_retries``).
    secrets
        Values (API keys) redacted from any error message.
    deadline_s
        Longest time one request may take in all, seconds (``Settings.http_deadline_s``);
        ``None``: no deadline beyond the per-read timeout.
    **kwargs
        Passed to ``httpx.Client``.
    """

    def __init__(
        self,
        *,
        retries: int = DEFAULT_RETRIES,
        secrets: Iterable[str | None] = (),
        deadline_s: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.retries = retries
        self.secrets = tuple(s for s in secrets if s)
        self.deadline_s = deadline_s


def make_client(settings: Settings | None = None) -> FlowscopeClient:
    """Return a client configured from ``settings`` (caller closes it).

    Timeout ``http_timeout_s`` (seconds, per connect/read/write), overall deadline per
    request ``http_deadline_s``, retries ``http_retries``,
    User-Agent ``user_agent``; redirects are followed; the settings' secrets (every field
    named like a key, token or password) are redacted from error messages.
    """
    settings = settings or Settings()
    secrets = [
        getattr(settings, name)
        for name in type(settings).model_fields
        if _SECRET_NAME.search(name) and isinstance(getattr(settings, name), str)
    ]
    return FlowscopeClient(
        retries=settings.http_retries,
        secrets=secrets,
        deadline_s=settings.http_deadline_s,
        timeout=settings.http_timeout_s,
        headers={"User-Agent": settings.user_agent},
        follow_redirects=True,
    )


class _BadStatusError(Exception):
    """A non-2xx answer, held while the retry loop decides."""

    def __init__(self, response: httpx.Response, retry_after_s: float | None) -> None:
        super().__init__(response.status_code)
        self.response = response
        self.retry_after_s = retry_after_s


class _DeadlineError(Exception):
    """The answer was still arriving when the request's deadline passed."""

    def __init__(self, deadline_s: float, received: int) -> None:
        super().__init__(f"{received} bytes received in {deadline_s:g} s")
        self.deadline_s = deadline_s
        self.received = received


class _DeadlineStream(httpx.SyncByteStream):
    """A response body stream that stops with :class:`_DeadlineError` past ``until``."""

    def __init__(self, inner: httpx.SyncByteStream, until: float, deadline_s: float) -> None:
        self._inner = inner
        self._until = until
        self._deadline_s = deadline_s

    def __iter__(self) -> Iterator[bytes]:
        received = 0
        for chunk in self._inner:
            received += len(chunk)
            if time.monotonic() > self._until:
                raise _DeadlineError(self._deadline_s, received)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _ShortBodyError(Exception):
    """Fewer (or more) body bytes than ``Content-Length`` announced."""

    def __init__(self, received: int, expected: int) -> None:
        super().__init__(f"received {received} bytes, expected {expected}")


_RETRYABLE_EXC = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
    _ShortBodyError,
)


def get_bytes(
    client: httpx.Client,
    url: str,
    *,
    source: str,
    params: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    rate_limit: float | None = None,
    secrets: Iterable[str | None] = (),
    allowed_hosts: Iterable[str] | None = None,
) -> bytes:
    """GET ``url`` (following redirects) and return the body, retrying as the policy says.

    Parameters
    ----------
    client
        The connector's client; a :class:`FlowscopeClient` also sets the retry count.
    url
        Address to fetch; its query string is never shown in a message.
    source
        Connector name, put at the start of every error message.
    params, headers
        Query parameters and request headers; values named like a key or token are
        redacted from messages.
    rate_limit
        Most requests per second to this URL's host (``None``: no limit of its own).
    secrets
        More values to redact from messages.
    allowed_hosts
        Hosts the request (and every redirect) may go to; a host matches itself and its
        subdomains (``federalreserve.gov`` allows ``www.federalreserve.gov``). ``None``: any.

    Raises
    ------
    DisallowedHostError
        ``url`` or a redirect points at a host outside ``allowed_hosts`` (nothing is sent
        there).
    OfflineError
        The host cannot be reached (DNS, refused, connect timeout, proxy).
    SourceTimeoutError
        The host was reached but stalled past the read/write timeout on every attempt.
    SourceHTTPError
        Non-2xx answer (429: :class:`~flowscope.errors.SourceRateLimitError`), after the
        retries for 429/5xx, or at once if ``Retry-After`` exceeds ``MAX_RETRY_AFTER_S``.
    SourceTransferError
        Body cut short on every attempt, bad ``Content-Encoding``, redirect loop, dropped
        connection.
    SourceError
        The URL itself is unusable.
    ValidationError
        ``rate_limit`` is not a positive number.
    """
    return _request(
        client,
        "GET",
        url,
        source=source,
        params=params,
        headers=headers,
        rate_limit=rate_limit,
        secrets=secrets,
        allowed_hosts=allowed_hosts,
    )


def post_json(
    client: httpx.Client,
    url: str,
    body: Any,
    *,
    source: str,
    headers: Mapping[str, str] | None = None,
    rate_limit: float | None = None,
    secrets: Iterable[str | None] = (),
    allowed_hosts: Iterable[str] | None = None,
) -> bytes:
    """POST ``body`` as JSON to ``url`` and return the answer's body.

    Same policy, errors and redaction as :func:`get_bytes` (retries, back-off, rate limit,
    allowed hosts, error bodies filtered and cut, secrets redacted).
    """
    return _request(
        client,
        "POST",
        url,
        source=source,
        params=None,
        headers=headers,
        rate_limit=rate_limit,
        secrets=secrets,
        allowed_hosts=allowed_hosts,
        json_body=body,
    )


def _host_allowed(host: str, allowed: tuple[str, ...] | None) -> bool:
    host = host.lower().rstrip(".")
    return allowed is None or any(host == a or host.endswith("." + a) for a in allowed)


def _request(
    client: httpx.Client,
    method: str,
    url: str,
    *,
    source: str,
    params: Mapping[str, str] | None,
    headers: Mapping[str, str] | None,
    rate_limit: float | None,
    secrets: Iterable[str | None],
    allowed_hosts: Iterable[str] | None,
    json_body: Any = None,
) -> bytes:
    allowed = (
        None
        if allowed_hosts is None
        else tuple(h.lower().strip().rstrip(".") for h in allowed_hosts)
    )
    if rate_limit is not None and not (math.isfinite(rate_limit) and rate_limit > 0):
        msg = f"{source}: rate_limit must be a positive number of requests per second"
        raise ValidationError(msg, param_name="rate_limit", received=rate_limit)
    redact = _redactor(client, url, params, headers, secrets)
    try:
        target = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        msg = redact(f"{source}: not a usable URL ({exc})")
        raise SourceError(msg, source=source) from None
    safe_url = _strip_url(target)
    host = target.host.lower()
    _refuse_host(target, allowed, source)
    retries = getattr(client, "retries", DEFAULT_RETRIES)
    attempts = 0

    def attempt() -> bytes:
        nonlocal attempts
        attempts += 1
        if rate_limit is not None:
            delay = rate_limiter.reserve(host, rate_limit, clock.monotonic())
            if delay > 0:
                clock.sleep(delay)
        deadline_s = getattr(client, "deadline_s", None)
        until = time.monotonic() + deadline_s if deadline_s is not None else None
        first = client.build_request(method, url, params=params, headers=headers, json=json_body)
        resp = _send(client, first, until, deadline_s)
        hops = 0
        while resp.is_redirect and resp.next_request is not None:
            nxt = resp.next_request
            _refuse_host(nxt.url, allowed, source)  # before anything is sent there
            hops += 1
            if hops > client.max_redirects:
                msg = "Exceeded maximum allowed redirects."
                raise httpx.TooManyRedirects(msg, request=nxt)
            resp = _send(client, nxt, until, deadline_s)
        if resp.is_success:
            _check_length(resp)
            return resp.content
        retry_after = _retry_after_s(resp.headers.get("Retry-After"), clock.now())
        if resp.status_code not in _RETRY_STATUSES:
            raise _http_error(resp, source, redact, attempts, None)
        if retry_after is not None and retry_after > MAX_RETRY_AFTER_S:
            raise _http_error(resp, source, redact, attempts, retry_after)
        raise _BadStatusError(resp, retry_after)

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(max(0, int(retries)) + 1),
        retry=tenacity.retry_if_exception(
            lambda e: isinstance(e, (*_RETRYABLE_EXC, _BadStatusError))
        ),
        wait=_wait,
        sleep=_sleep,
        reraise=True,
    )
    try:
        return retrying(attempt)
    except FlowscopeError:
        raise
    except _DeadlineError as exc:
        msg = (
            f"{source}: the answer from {safe_url} was still arriving after the "
            f"{exc.deadline_s:g} s deadline ({exc.received} bytes); the server is trickling "
            "its answer: try again later or raise http_deadline_s"
        )
        raise SourceTimeoutError(redact(msg), source=source, timeout_s=exc.deadline_s) from None
    except _BadStatusError as exc:
        raise _http_error(exc.response, source, redact, attempts, exc.retry_after_s) from None
    except _CAUGHT as exc:
        raise _transport_error(exc, client, source, host, safe_url, attempts, redact) from None


def _send(
    client: httpx.Client,
    request: httpx.Request,
    until: float | None,
    deadline_s: float | None,
) -> httpx.Response:
    """Send one request (no redirect followed) and read its body whole before ``until``."""
    resp = client.send(request, stream=True, follow_redirects=False)
    try:
        if until is not None and deadline_s is not None:
            resp.stream = _DeadlineStream(resp.stream, until, deadline_s)  # type: ignore[arg-type]
        resp.read()
    finally:
        resp.close()
    return resp


_CAUGHT = (
    httpx.HTTPError,
    httpx.InvalidURL,
    httpx.StreamError,
    httpx.CookieConflict,
    _ShortBodyError,
)


def _refuse_host(url: httpx.URL, allowed: tuple[str, ...] | None, source: str) -> None:
    if not _host_allowed(url.host, allowed):
        msg = (
            f"{source}: refused to fetch {_strip_url(url)}: host {url.host!r} is not one "
            f"this connector may use ({', '.join(allowed or ())})"
        )
        raise DisallowedHostError(msg, source=source)


def _sleep(seconds: float) -> None:
    clock.sleep(seconds)


_backoff = tenacity.wait_exponential(multiplier=BACKOFF_INITIAL_S, max=BACKOFF_MAX_S) + (
    tenacity.wait_random(0, BACKOFF_JITTER_S)
)


def _wait(state: tenacity.RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome is not None else None
    if isinstance(exc, _BadStatusError) and exc.retry_after_s is not None:
        return exc.retry_after_s
    return float(_backoff(state))


def _retry_after_s(value: str | None, now: dt.datetime) -> float | None:
    """``Retry-After`` as seconds from ``now`` (delta-seconds or HTTP-date; ``None`` if absent/bad)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.UTC)
        return max(0.0, (when - now).total_seconds())
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def _check_length(resp: httpx.Response) -> None:
    declared = resp.headers.get("Content-Length")
    if declared is None or not declared.strip().isdigit() or resp.status_code in (204, 304):
        return
    received = resp.num_bytes_downloaded
    if received == 0:  # body handed over whole (no raw stream counted)
        if resp.headers.get("Content-Encoding", "identity").lower() != "identity":
            return
        received = len(resp.content)
    if received != int(declared):
        raise _ShortBodyError(received, int(declared))


def _strip_url(url: httpx.URL) -> str:
    """Scheme, host, port and path only: no user info, query or fragment."""
    port = f":{url.port}" if url.port is not None else ""
    return f"{url.scheme}://{url.host}{port}{url.path}"


def _redactor(
    client: httpx.Client,
    url: str,
    params: Mapping[str, str] | None,
    headers: Mapping[str, str] | None,
    extra: Iterable[str | None],
) -> Callable[[str], str]:
    values: set[str] = {s for s in extra if s}
    values.update(getattr(client, "secrets", ()))
    named: list[tuple[str, str]] = list((params or {}).items())
    named += list((headers or {}).items()) + list(client.headers.items())
    with contextlib.suppress(httpx.InvalidURL, TypeError):
        named += list(httpx.URL(url).params.multi_items())
    for name, value in named:
        if _SECRET_NAME.search(str(name)) and value:
            values.add(str(value))
            values.update(p for p in str(value).split() if len(p) >= _MIN_SECRET_CHARS)
    variants = {v2 for v in values for v2 in (v, quote(v, safe=""), quote_plus(v))}
    ordered = sorted((v for v in variants if len(v) >= _MIN_SECRET_CHARS), key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def redact(text: str) -> str:
        return pattern.sub("[redacted]", text) if pattern is not None else text

    return redact


def _snippet(resp: httpx.Response, redact: Callable[[str], str]) -> str:
    """At most ``SNIPPET_CHARS`` characters of the body: secrets redacted, no control chars."""
    try:
        raw = resp.content
    except httpx.HTTPError:
        return ""
    try:
        text = raw[: 64 * 1024].decode(resp.encoding or "utf-8", errors="replace")
    except LookupError:  # an unknown charset in Content-Type
        text = raw[: 64 * 1024].decode("utf-8", errors="replace")
    if "html" in resp.headers.get("Content-Type", "").lower() or _LOOKS_HTML.search(text[:4096]):
        text = html.unescape(_HTML_TAG.sub(" ", _HTML_DROP.sub(" ", text)))
    text = " ".join(_CONTROL.sub(" ", redact(text)).split())
    if len(text) > SNIPPET_CHARS:
        text = text[: SNIPPET_CHARS - 1].rstrip() + "…"
    return text


def _http_error(
    resp: httpx.Response,
    source: str,
    redact: Callable[[str], str],
    attempts: int,
    retry_after_s: float | None,
) -> SourceHTTPError:
    safe = _strip_url(resp.request.url)
    status = resp.status_code
    msg = f"{source}: HTTP {status} {resp.reason_phrase} from {safe}".replace("  ", " ")
    if attempts > 1:
        msg += f" ({attempts} attempts)"
    if retry_after_s is not None:
        at = clock.now() + dt.timedelta(seconds=retry_after_s)
        msg += (
            f"; the server asks to retry after {retry_after_s:g} s, at {at:%Y-%m-%d %H:%M:%S} UTC"
        )
        if retry_after_s > MAX_RETRY_AFTER_S:
            msg += f" (longer than the {MAX_RETRY_AFTER_S:g} s flowscope waits): try again then"
    snippet = _snippet(resp, redact)
    if snippet:
        msg += f": {snippet}"
    cls = SourceRateLimitError if status == 429 else SourceHTTPError
    return cls(redact(msg), source=source, status=status, url=safe, retry_after_s=retry_after_s)


def _transport_error(
    exc: BaseException,
    client: httpx.Client,
    source: str,
    host: str,
    safe_url: str,
    attempts: int,
    redact: Callable[[str], str],
) -> SourceError:
    tries = f" ({attempts} attempts)" if attempts > 1 else ""
    kind = type(exc).__name__
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.ProxyError):
        msg = f"{source}: cannot reach {host} ({kind}){tries}; are you offline?"
        return OfflineError(redact(msg), source=source)
    if isinstance(exc, httpx.TimeoutException):
        phase = {"WriteTimeout": "write", "PoolTimeout": "pool"}.get(kind, "read")
        timeout_s = getattr(client.timeout, phase)
        waited = f"{timeout_s:g} s" if timeout_s is not None else "the timeout"
        msg = (
            f"{source}: {host} was reached but did not answer within {waited} "
            f"({phase} timeout){tries}; the server is slow or stalled: try again later "
            "or raise http_timeout_s"
        )
        return SourceTimeoutError(redact(msg), source=source, timeout_s=timeout_s)
    if isinstance(exc, httpx.RemoteProtocolError | _ShortBodyError):
        msg = f"{source}: the answer from {safe_url} was cut short ({exc}){tries}"
        return TruncatedResponseError(redact(_one_line(msg)), source=source)
    if isinstance(exc, httpx.DecodingError):
        msg = f"{source}: the answer from {safe_url} does not match its Content-Encoding ({exc})"
        return ContentDecodingError(redact(_one_line(msg)), source=source)
    if isinstance(exc, httpx.TooManyRedirects):
        msg = f"{source}: {safe_url} redirects in a loop (too many redirects)"
        return TooManyRedirectsError(redact(msg), source=source)
    if isinstance(exc, httpx.NetworkError):
        msg = f"{source}: the connection to {host} dropped ({kind}){tries}"
        return SourceTransferError(redact(msg), source=source)
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL | httpx.LocalProtocolError):
        msg = f"{source}: cannot request {safe_url} ({kind}: {exc})"
        return SourceError(redact(_one_line(msg)), source=source)
    msg = f"{source}: request to {safe_url} failed ({kind}: {exc})"
    return SourceTransferError(redact(_one_line(msg)), source=source)


def clean_server_text(text: str, redact: Callable[[str], str] | None = None) -> str:
    """A message a server wrote, safe to show: visible text of HTML, secrets redacted, control
    characters removed, one line of at most :data:`SNIPPET_CHARS` characters."""
    if _LOOKS_HTML.search(text[:4096]) or _HTML_TAG.search(text):
        text = html.unescape(_HTML_TAG.sub(" ", _HTML_DROP.sub(" ", text)))
    if redact is not None:
        text = redact(text)
    text = " ".join(_CONTROL.sub(" ", text).split())
    if len(text) > SNIPPET_CHARS:
        text = text[: SNIPPET_CHARS - 1].rstrip() + "…"
    return text


def _one_line(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())

"""HTTP client factory: timeouts, retries, User-Agent; offline detection."""

from __future__ import annotations

import httpx

from flowscope.config import Settings
from flowscope.errors import OfflineError, SourceHTTPError

__all__ = ["get_bytes", "make_client"]


def make_client(settings: Settings | None = None) -> httpx.Client:
    """Return an ``httpx.Client`` configured from ``settings`` (caller closes it)."""
    settings = settings or Settings()
    transport = httpx.HTTPTransport(retries=settings.http_retries)
    return httpx.Client(
        timeout=settings.http_timeout_s,
        headers={"User-Agent": settings.user_agent},
        transport=transport,
        follow_redirects=True,
    )


def get_bytes(
    client: httpx.Client,
    url: str,
    *,
    source: str,
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    rate_limit: float | None = None,
) -> bytes:
    """GET ``url`` and return the body; map network failures to flowscope errors.

    ``rate_limit`` is the most requests per second the connector may send to this host
    (the exchange's documented public limit); ``None`` means no limit of its own.

    Raises
    ------
    OfflineError
        Connection could not be made (DNS, refused, timeout).
    SourceHTTPError
        Non-2xx answer (status and URL kept; query parameters that may hold keys are not
        echoed in the message).
    """
    try:
        resp = client.get(url, params=params, headers=headers)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadTimeout) as exc:
        msg = (
            f"{source}: cannot reach {httpx.URL(url).host} ({type(exc).__name__}); are you offline?"
        )
        raise OfflineError(msg, source=source) from exc
    except httpx.TransportError as exc:
        msg = f"{source}: transport error talking to {httpx.URL(url).host}: {type(exc).__name__}"
        raise OfflineError(msg, source=source) from exc
    if not resp.is_success:
        safe = str(resp.request.url.copy_with(query=None))
        msg = f"{source}: HTTP {resp.status_code} from {safe}"
        raise SourceHTTPError(msg, source=source, status=resp.status_code, url=safe)
    return resp.content

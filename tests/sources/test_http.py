"""The shared HTTP layer through httpx.MockTransport: retries, Retry-After, rate limits, errors.

Bodies are real recorded payloads from ``shared/data/http_payloads``. Waits are never slept:
the autouse ``http_waits`` fixture records them (seconds) on a fake clock that starts at
2026-09-01 12:00 UTC.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable, Iterator

import httpx
import pytest

from flowscope.config import Settings
from flowscope.errors import (
    ContentDecodingError,
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
from flowscope.sources._http import (
    BACKOFF_INITIAL_S,
    BACKOFF_JITTER_S,
    DEFAULT_RETRIES,
    MAX_RETRY_AFTER_S,
    SNIPPET_CHARS,
    FlowscopeClient,
    HostRateLimiter,
    get_bytes,
    make_client,
)
from flowscope.sources.fred import FredSeriesSource

URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"
Answer = Callable[[httpx.Request], httpx.Response]


@pytest.fixture(scope="module")
def walcl(shared_data) -> bytes:
    return (
        shared_data
        / "http_payloads/fred_fredgraph_WALCL_2002-12-18_2024-12-25__HMM-Model-For-Yield-Rates.csv"
    ).read_bytes()


@pytest.fixture(scope="module")
def fed_page(shared_data) -> bytes:
    return (
        shared_data / "http_payloads/fed_fomccalendars_2026-04-08__SEP_Analyzer.htm"
    ).read_bytes()


class Script:
    """Answers requests in order (the last answer repeats) and counts them."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = answers
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answers[min(len(self.requests), len(self.answers)) - 1](request)

    def client(self, **kwargs) -> FlowscopeClient:
        return FlowscopeClient(transport=httpx.MockTransport(self), **kwargs)


def status(code: int, body: bytes = b"", **headers: str) -> Answer:
    hdrs = {k.replace("_", "-"): v for k, v in headers.items()}
    return lambda request: httpx.Response(code, content=body, headers=hdrs)


def ok(body: bytes) -> Answer:
    return status(200, body, content_type="text/csv")


def raising(exc: type[Exception], text: str = "boom") -> Answer:
    def answer(request: httpx.Request) -> httpx.Response:
        raise exc(text, request=request)  # type: ignore[call-arg]

    return answer


class _CutStream(httpx.SyncByteStream):
    """A body that stops after its first bytes, as when a server closes mid-body."""

    def __init__(self, head: bytes, expected: int) -> None:
        self.head, self.expected = head, expected

    def __iter__(self) -> Iterator[bytes]:
        yield self.head
        msg = (
            "peer closed connection without sending complete message body: "
            f"received {len(self.head)} bytes, expected {self.expected}"
        )
        raise httpx.RemoteProtocolError(msg)


def cut(body: bytes) -> Answer:
    return lambda request: httpx.Response(
        200, headers={"Content-Length": str(len(body))}, stream=_CutStream(body[:100], len(body))
    )


# --- retries ------------------------------------------------------------------------------------


def test_get_bytes_429_with_retry_after_waits_then_returns_body(walcl, http_waits):
    script = Script(status(429, b"slow down", retry_after="2"), ok(walcl))
    assert get_bytes(script.client(), URL, source="fred") == walcl
    assert len(script.requests) == 2
    assert http_waits.waits == [2.0]


def test_get_bytes_retry_after_http_date_is_honoured(walcl, http_waits):
    # The fake clock reads 2026-09-01 12:00:00 UTC; the server asks for 12:00:05.
    script = Script(status(503, retry_after="Tue, 01 Sep 2026 12:00:05 GMT"), ok(walcl))
    assert get_bytes(script.client(), URL, source="fred") == walcl
    assert http_waits.waits == [5.0]


def test_get_bytes_503_then_200_backs_off_and_succeeds(walcl, http_waits):
    script = Script(status(503), ok(walcl))
    assert get_bytes(script.client(), URL, source="fred") == walcl
    assert len(script.requests) == 2
    assert len(http_waits.waits) == 1
    assert BACKOFF_INITIAL_S <= http_waits.waits[0] <= BACKOFF_INITIAL_S + BACKOFF_JITTER_S


def test_get_bytes_503_every_time_fails_after_retries_plus_one_with_growing_waits(http_waits):
    script = Script(status(503, b"Service Unavailable"))
    with pytest.raises(SourceHTTPError) as err:
        get_bytes(script.client(retries=4), URL + "?id=WALCL", source="fred")
    assert len(script.requests) == 5
    assert err.value.status == 503 and err.value.url == URL
    assert "HTTP 503" in str(err.value) and "5 attempts" in str(err.value)
    # Exponential back-off 0.5, 1, 2, 4 s, each plus up to 0.5 s of jitter.
    assert len(http_waits.waits) == 4
    for n, wait in enumerate(http_waits.waits):
        base = BACKOFF_INITIAL_S * 2**n
        assert base <= wait <= base + BACKOFF_JITTER_S


def test_retry_count_comes_from_settings_and_defaults_for_a_plain_client():
    assert make_client(Settings(http_retries=5)).retries == 5
    script = Script(status(500))
    plain = httpx.Client(transport=httpx.MockTransport(script))
    with pytest.raises(SourceHTTPError):
        get_bytes(plain, URL, source="fred")
    assert len(script.requests) == DEFAULT_RETRIES + 1 == 3


def test_client_errors_other_than_429_are_not_retried(http_waits):
    script = Script(status(404, b"Not Found"))
    with pytest.raises(SourceHTTPError) as err:
        get_bytes(script.client(), URL, source="fred")
    assert len(script.requests) == 1 and http_waits.waits == []
    assert type(err.value) is SourceHTTPError and err.value.status == 404


def test_429_every_time_is_a_rate_limit_error_carrying_retry_after(http_waits):
    script = Script(status(429, b"Too Many Requests", retry_after="1"))
    with pytest.raises(SourceRateLimitError) as err:
        get_bytes(script.client(retries=2), URL, source="binance")
    assert len(script.requests) == 3 and http_waits.waits == [1.0, 1.0]
    assert err.value.retry_after_s == err.value.retry_after == 1.0
    assert err.value.status == 429


def test_retry_after_beyond_the_cap_fails_at_once_saying_when(http_waits):
    script = Script(status(429, retry_after="3600"))
    with pytest.raises(SourceRateLimitError) as err:
        get_bytes(script.client(), URL, source="binance")
    assert len(script.requests) == 1 and http_waits.waits == []
    assert err.value.retry_after_s == 3600 > MAX_RETRY_AFTER_S
    assert "2026-09-01 13:00:00 UTC" in str(err.value)
    assert "try again then" in str(err.value)


def test_retry_after_in_the_past_or_garbage_falls_back_sensibly(walcl, http_waits):
    past = Script(status(503, retry_after="Mon, 31 Aug 2026 12:00:00 GMT"), ok(walcl))
    assert get_bytes(past.client(), URL, source="fred") == walcl
    garbage = Script(status(503, retry_after="soon-ish"), ok(walcl))
    assert get_bytes(garbage.client(), URL, source="fred") == walcl
    assert http_waits.waits[0] == 0.0
    assert BACKOFF_INITIAL_S <= http_waits.waits[1] <= BACKOFF_INITIAL_S + BACKOFF_JITTER_S


# --- truncated bodies ---------------------------------------------------------------------------


def test_truncated_body_is_retried_then_succeeds(walcl):
    script = Script(cut(walcl), ok(walcl))
    assert get_bytes(script.client(), URL, source="fred") == walcl
    assert len(script.requests) == 2


def test_content_length_mismatch_is_retried_then_succeeds(walcl):
    short = status(200, walcl[:500], content_length=str(len(walcl)))
    script = Script(short, ok(walcl))
    assert get_bytes(script.client(), URL, source="fred") == walcl
    assert len(script.requests) == 2


def test_truncated_every_time_is_a_clear_error(walcl):
    script = Script(cut(walcl))
    with pytest.raises(TruncatedResponseError) as err:
        get_bytes(script.client(retries=2), URL + "?id=WALCL", source="fred")
    assert len(script.requests) == 3
    msg = str(err.value)
    assert msg.startswith(f"fred: the answer from {URL} was cut short")
    assert f"received 100 bytes, expected {len(walcl)}" in msg and "3 attempts" in msg
    assert "\n" not in msg and "?id=" not in msg


# --- network failures ---------------------------------------------------------------------------


@pytest.mark.parametrize("exc", [httpx.ConnectError, httpx.ConnectTimeout])
def test_connect_failure_is_offline_after_retries(exc):
    script = Script(raising(exc, "[Errno -3] Temporary failure in name resolution"))
    with pytest.raises(OfflineError, match=r"cannot reach fred\.stlouisfed\.org .*are you offline"):
        get_bytes(script.client(retries=1), URL, source="fred")
    assert len(script.requests) == 2


def test_read_timeout_is_a_timeout_error_saying_how_long_it_waited():
    script = Script(raising(httpx.ReadTimeout, "timed out"))
    with pytest.raises(SourceTimeoutError) as err:
        get_bytes(script.client(timeout=7.5, retries=1), URL, source="fred")
    assert not isinstance(err.value, OfflineError)
    assert err.value.timeout_s == 7.5
    assert "did not answer within 7.5 s (read timeout) (2 attempts)" in str(err.value)
    assert len(script.requests) == 2


def test_bad_content_encoding_is_a_decoding_error():
    script = Script(status(200, b"this is not gzip", content_encoding="gzip"))
    with pytest.raises(ContentDecodingError) as err:
        get_bytes(script.client(), URL, source="fred")
    assert str(err.value).startswith(f"fred: the answer from {URL} does not match its Content-")
    assert "\n" not in str(err.value)


def test_good_gzip_body_is_decoded(walcl):
    script = Script(status(200, gzip.compress(walcl), content_encoding="gzip"))
    assert get_bytes(script.client(), URL, source="fred") == walcl


def test_redirect_loop_is_a_flowscope_error_and_one_redirect_is_followed(walcl):
    loop = Script(status(302, location=URL))
    with pytest.raises(TooManyRedirectsError, match="redirects in a loop"):
        get_bytes(loop.client(), URL, source="fred")
    moved = Script(status(301, location=URL + "?moved=1"), ok(walcl))
    plain = httpx.Client(transport=httpx.MockTransport(moved))  # follow_redirects off by default
    assert get_bytes(plain, URL, source="fred") == walcl


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError,
        httpx.ConnectTimeout,
        httpx.ReadTimeout,
        httpx.WriteTimeout,
        httpx.PoolTimeout,
        httpx.ReadError,
        httpx.WriteError,
        httpx.CloseError,
        httpx.RemoteProtocolError,
        httpx.LocalProtocolError,
        httpx.ProxyError,
        httpx.UnsupportedProtocol,
        httpx.DecodingError,
        httpx.TooManyRedirects,
    ],
)
def test_no_httpx_exception_escapes(exc):
    with pytest.raises(FlowscopeError) as err:
        get_bytes(Script(raising(exc)).client(), URL, source="fred")
    assert not isinstance(err.value, httpx.HTTPError)
    assert isinstance(err.value, SourceError) and err.value.source == "fred"


def test_unusable_url_and_bad_rate_limit_are_flowscope_errors():
    with pytest.raises(SourceError, match="fred: "):
        get_bytes(Script(ok(b"")).client(), "http://[::1", source="fred")
    for bad in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValidationError, match="rate_limit"):
            get_bytes(Script(ok(b"")).client(), URL, source="fred", rate_limit=bad)


def test_dropped_connection_is_a_transfer_error():
    with pytest.raises(SourceTransferError, match=r"connection to fred\.stlouisfed\.org dropped"):
        get_bytes(Script(raising(httpx.ReadError)).client(), URL, source="fred")


# --- rate limit ---------------------------------------------------------------------------------


def test_rate_limit_spaces_requests_to_one_host_not_to_another(walcl, http_waits):
    client = Script(ok(walcl)).client()
    get_bytes(client, URL, source="fred", rate_limit=2)
    get_bytes(client, URL + "?id=EFFR", source="fred", rate_limit=2)
    assert http_waits.waits == [0.5]
    get_bytes(client, "https://api.binance.com/api/v3/klines", source="binance", rate_limit=2)
    assert http_waits.waits == [0.5]
    http_waits.t += 10.0  # a quiet spell: the next request goes out at once
    get_bytes(client, URL, source="fred", rate_limit=2)
    assert http_waits.waits == [0.5]


def test_rate_limit_also_spaces_retries(walcl, http_waits):
    script = Script(status(503, retry_after="0"), ok(walcl))
    assert get_bytes(script.client(), URL, source="fred", rate_limit=1) == walcl
    assert http_waits.waits == [0.0, 1.0]


def test_rate_limiter_is_thread_safe():
    limiter = HostRateLimiter()
    delays: list[float] = []
    lock = threading.Lock()

    def book() -> None:
        d = limiter.reserve("api.binance.com", 4.0, now=100.0)
        with lock:
            delays.append(d)

    threads = [threading.Thread(target=book) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(delays) == [0.25 * i for i in range(8)]
    assert limiter.reserve("api.kraken.com", 4.0, now=100.0) == 0.0


# --- secrets and error bodies -------------------------------------------------------------------


def test_api_key_in_url_echoed_in_body_never_appears_in_message():
    key = "abcdef0123456789abcdef0123456789"
    echo = (
        f'{{"error_code":400,"error_message":"Bad Request. The value for variable api_key '
        f"is not registered: {key}. Request was https://api.stlouisfed.org/fred/series/"
        f'observations?series_id=WALCL&api_key={key}&file_type=json (encoded: {key.upper()})"}}'
    )
    script = Script(status(400, echo.encode()))
    with pytest.raises(SourceHTTPError) as err:
        get_bytes(
            script.client(),
            f"https://api.stlouisfed.org/fred/series/observations?series_id=WALCL&api_key={key}",
            source="fred",
        )
    msg = str(err.value)
    assert key not in msg and "[redacted]" in msg
    assert err.value.url == "https://api.stlouisfed.org/fred/series/observations"
    assert "HTTP 400 Bad Request from https://api.stlouisfed.org/fred/series/observations:" in msg


def test_secrets_from_settings_headers_and_params_are_redacted():
    settings = Settings(sosovalue_key="SOSO-key-0001", fred_api_key="fred key/0002")
    client = make_client(settings)
    assert set(client.secrets) == {"SOSO-key-0001", "fred key/0002"}
    body = (
        b"denied: SOSO-key-0001 / fred%20key%2F0002 / fred+key%2F0002 / Bearer tok-0003 / sess-0004"
    )
    script = Script(status(403, body))
    with pytest.raises(SourceHTTPError) as err:
        get_bytes(
            script.client(secrets=client.secrets),
            URL,
            source="sosovalue",
            headers={"Authorization": "Bearer tok-0003"},
            params={"session_id": "sess-0004", "series": "WALCL"},
        )
    msg = str(err.value)
    for secret in ("SOSO-key-0001", "0002", "tok-0003", "sess-0004"):
        assert secret not in msg
    assert msg.endswith("denied: [redacted] / [redacted] / [redacted] / [redacted] / [redacted]")


def test_error_body_snippet_is_short_single_line_and_free_of_markup(fed_page):
    noisy = b"\x1b[31mInternal\x00 error\r\n\tat line 1\x07\n" + fed_page
    script = Script(status(500, noisy))
    with pytest.raises(SourceHTTPError) as err:
        get_bytes(script.client(retries=0), URL, source="fomc")
    msg = str(err.value)
    prefix = f"fomc: HTTP 500 Internal Server Error from {URL}: "
    assert msg.startswith(prefix)
    snippet = msg[len(prefix) :]
    assert len(snippet) <= SNIPPET_CHARS
    assert snippet.startswith("[31mInternal error at line 1")
    assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in snippet)
    assert "<" not in snippet and "&#x27;" not in snippet  # tags, head and entities decoded
    assert "Here's how you know" in snippet  # text of the real Fed page


def test_long_retry_after_on_503_and_unknown_charset_still_give_a_clean_http_error(http_waits):
    script = Script(
        status(503, b"maintenance", retry_after="600", content_type="text/plain; charset=bogus")
    )
    with pytest.raises(SourceHTTPError) as err:
        get_bytes(script.client(), URL, source="fred")
    assert type(err.value) is SourceHTTPError and err.value.retry_after_s == 600
    assert http_waits.waits == [] and str(err.value).endswith("try again then: maintenance")


# --- through a connector ------------------------------------------------------------------------


def test_fred_connector_rides_out_a_503(walcl, http_waits):
    script = Script(status(503), ok(walcl))
    out = FredSeriesSource(script.client()).fetch(series="WALCL")
    # one back-off wait (0.5 s + jitter), then the connector's own 1 request/s limit
    assert len(script.requests) == 2
    assert 0.5 <= http_waits.waits[0] <= 1.0
    assert sum(http_waits.waits) >= 1.0 - 1e-9
    # The real file: first observation 2002-12-18 = 719542 ($ millions).
    first = out.sort_values("date").iloc[0]
    assert str(first["date"].date()) == "2002-12-18" and first["value"] == 719542

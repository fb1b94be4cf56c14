"""A server's own error text is never printed verbatim: HTML reduced, control characters
removed, cut to a bounded length (recorded Kraken payload with its ``error`` list filled)."""

from __future__ import annotations

import json

import httpx
import pytest

from flowscope.errors import SourceError
from flowscope.sources._http import SNIPPET_CHARS
from flowscope.sources.kraken import KrakenOhlcSource

KRAKEN = "http_payloads/kraken_ohlc_xbtusdt_1h__ccxt.json"


def test_kraken_error_text_is_filtered_and_cut(shared_data):
    body = json.loads((shared_data / KRAKEN).read_text(encoding="utf-8"))
    body["error"] = [
        "<script>steal()</script><b>EGeneral:Internal error</b>\x1b[2J\x07" + "A" * 10_000
    ]
    raw = json.dumps(body).encode()
    client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, content=raw)))
    with pytest.raises(SourceError) as info:
        KrakenOhlcSource(client).fetch(intervals="1h")
    msg = str(info.value)
    assert "EGeneral:Internal error" in msg
    assert "<b>" not in msg and "steal" not in msg
    assert "\x1b" not in msg and "\x07" not in msg
    assert msg.count("A") < SNIPPET_CHARS

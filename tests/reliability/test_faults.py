"""``flowscope update`` against a real local HTTP server that injects faults.

The server (``_server.py``) answers FRED's fredgraph CSV built from FRED's real policy-rate
observations (../shared/data/fed_futures/fred_policy_rates_riskmodel_2021-05_2026-08_long.csv,
the shape of the recorded ``http_payloads/fred_fredgraph_WALCL…csv``), or misbehaves. Every
case ends in success after retries, or in a clear one-line error with the store unchanged
(checksum of every table before and after). Back-off waits go through the recording clock
(no real sleeping); stalls and trickles use sub-second timeouts set through the settings.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from flowscope.cli import app
from flowscope.storage import Store
from reliability import _server as srv

runner = CliRunner()
LONG = "fed_futures/fred_policy_rates_riskmodel_2021-05_2026-08_long.csv"
WALCL = "http_payloads/fred_fredgraph_WALCL_2002-12-18_2024-12-25__HMM-Model-For-Yield-Rates.csv"


@pytest.fixture
def server(shared_data, monkeypatch):
    s = srv.FaultServer()
    monkeypatch.setenv("FLOWSCOPE_BASE_URLS", f"fred={s.url}")
    monkeypatch.setenv("FLOWSCOPE_HTTP_TIMEOUT_S", "0.5")
    monkeypatch.setenv("FLOWSCOPE_HTTP_DEADLINE_S", "1.5")
    with s.running():
        yield s


@pytest.fixture
def fred_ok(shared_data):
    answer = srv.fredgraph(shared_data / LONG)

    def ok(h):
        srv.send(h, 200, answer(srv.query(h)))

    return ok


def _update(db: Path):
    res = runner.invoke(
        app,
        ["--db", str(db), "update", "--connector", "fred", "--since", "2026-07-01",
         "--format", "json"],
    )  # fmt: skip
    assert res.stdout.strip(), res.output
    doc = json.loads(res.stdout)
    return res, doc["sources"][0]


def _rates(db: Path) -> pd.DataFrame:
    with Store(db, read_only=True) as s:
        return s.rates(start="2026-07-14", end="2026-07-14")


# -- faults that retries overcome: the real rows land -------------------------------------
RECOVERED = {
    "429_retry_after": [srv.status(429, {"Retry-After": "2"})],
    "500": [srv.status(500)],
    "502": [srv.status(502)],
    "503_twice": [srv.status(503), srv.status(503)],
    "connection_reset": [srv.reset],
    "truncated_once": None,  # filled in below: needs the real body
    "stall_once": [srv.stall(1.0)],
}


@pytest.mark.parametrize("case", sorted(RECOVERED))
def test_fault_then_success_stores_the_real_rows(case, server, fred_ok, farside_db, http_waits):
    plan = RECOVERED[case]
    if plan is None:
        body = b"observation_date,DFEDTARL\n" + b"2026-07-14,3.50\n" * 50
        plan = [srv.truncated(body)]
    server.plan = [*plan, fred_ok]
    before = srv.checksums(farside_db)
    res, rep = _update(farside_db)
    assert res.exit_code == 0, res.output
    assert rep["status"] == "ok" and rep["rows_new"] > 0
    assert server.requests == len(plan) + 1
    if case == "429_retry_after":
        assert 2.0 in http_waits.waits  # the server's Retry-After, not the back-off
    # FRED's published levels on 2026-07-14: target range 3.50-3.75, EFFR 3.63
    got = _rates(farside_db).set_index("series")["value"].to_dict()
    assert got["DFEDTARL"] == 3.50 and got["DFEDTARU"] == 3.75 and got["EFFR"] == 3.63
    after = srv.checksums(farside_db)
    assert {k: v for k, v in after.items() if k not in {"rates", "ingest_log"}} == {
        k: v for k, v in before.items() if k not in {"rates", "ingest_log"}
    }


# -- faults that persist: one clear line, the store unchanged -----------------------------
FAILED = {
    "429_always": ([srv.status(429, {"Retry-After": "1"})], "HTTP 429"),
    "503_always": ([srv.status(503)], "HTTP 503"),
    "reset_always": ([srv.reset], "dropped"),
    "stall_past_read_timeout": ([srv.stall(1.2)], "did not answer within 0.5 s"),
    "trickle_never_ends": ([srv.trickle], "still arriving after the 1.5 s deadline"),
    "truncated_always": ([srv.truncated(b"observation_date,EFFR\n" * 40)], "cut short"),
    "bad_gzip": ([srv.bad_gzip], "does not match its Content-Encoding"),
    "redirect_loop": ([srv.redirect_loop], "redirects in a loop"),
    "challenge_200": ([srv.challenge(200)], "not a fredgraph CSV"),
    "challenge_403": ([srv.challenge(403)], "HTTP 403 Forbidden .*connection is secure"),
    "retry_after_too_long": ([srv.status(503, {"Retry-After": "3600"})], "try again then"),
}


@pytest.mark.parametrize("case", sorted(FAILED))
def test_persistent_fault_is_one_line_and_leaves_the_store_unchanged(case, server, farside_db):
    plan, pattern = FAILED[case]
    server.plan = plan
    before = srv.checksums(farside_db)
    res, rep = _update(farside_db)
    assert res.exit_code == 1, res.output
    assert rep["status"] == "failed"
    msg = rep["message"]
    assert msg.startswith("fred: ") and "\n" not in msg and "Traceback" not in res.output
    assert pd.Series([msg]).str.contains(pattern).iloc[0], msg
    assert srv.checksums(farside_db) == before


def test_schema_drift_renamed_date_column(server, fred_ok, shared_data, farside_db):
    answer = srv.fredgraph(shared_data / LONG)

    def renamed(h):
        body = answer(srv.query(h)).replace(b"observation_date", b"obs_date", 1)
        srv.send(h, 200, body)

    server.plan = [renamed]
    before = srv.checksums(farside_db)
    res, rep = _update(farside_db)
    assert res.exit_code == 1 and rep["status"] == "failed"
    assert "not a fredgraph CSV (first line 'obs_date,DFEDTARL" in rep["message"]
    assert srv.checksums(farside_db) == before


def test_schema_drift_renamed_series_column(server, shared_data, farside_db):
    answer = srv.fredgraph(shared_data / LONG)

    def renamed(h):
        srv.send(h, 200, answer(srv.query(h)).replace(b",EFFR,", b",EFFR_RATE,", 1))

    server.plan = [renamed]
    before = srv.checksums(farside_db)
    res, rep = _update(farside_db)
    assert res.exit_code == 1
    assert "series ['EFFR'] missing from the answer" in rep["message"]
    assert srv.checksums(farside_db) == before


def test_recorded_answer_for_another_series_is_drift(server, shared_data, farside_db):
    walcl = (shared_data / WALCL).read_bytes()  # the real recorded fredgraph answer
    server.plan = [lambda h: srv.send(h, 200, walcl)]
    before = srv.checksums(farside_db)
    res, rep = _update(farside_db)
    assert res.exit_code == 1
    assert "missing from the answer (columns ['WALCL'])" in rep["message"]
    assert srv.checksums(farside_db) == before


def test_trickle_is_cut_at_the_deadline_not_retried(server, farside_db):
    import time

    server.plan = [srv.trickle]
    t0 = time.monotonic()
    _, rep = _update(farside_db)
    elapsed = time.monotonic() - t0
    assert rep["status"] == "failed" and "deadline" in rep["message"]
    assert server.requests == 1 and elapsed < 6

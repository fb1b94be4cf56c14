"""Federal Reserve website connector, offline: pages in the Fed's layout through MockTransport.

The document pages are built from the real texts of the 2025-10-29 statement and minutes
(communications CSV), wrapped in the HTML structure of federalreserve.gov.
"""

from __future__ import annotations

import html

import httpx
import pandas as pd
import pytest

from flowscope.analytics.text import LexiconModel, score_document
from flowscope.errors import (
    OfflineError,
    SchemaDriftError,
    SourceHTTPError,
    ValidationError,
)
from flowscope.sources import get_source, read_file
from flowscope.sources.fomc import BASE_URL, FederalReserveFomcSource, parse_calendar

CAL_URL = BASE_URL + "/monetarypolicy/fomccalendars.htm"
STMT_URL = BASE_URL + "/newsevents/pressreleases/monetary20251029a.htm"
MIN_URL = BASE_URL + "/monetarypolicy/fomcminutes20251029.htm"
SEP_STMT_URL = BASE_URL + "/newsevents/pressreleases/monetary20250917a.htm"
SEP_MIN_URL = BASE_URL + "/monetarypolicy/fomcminutes20250917.htm"

CALENDAR = """<html><body><div id="article">
<div class="panel panel-default"><div class="panel-heading"><h4><a id="41424">2025 FOMC Meetings</a></h4></div>
<div class="row fomc-meeting">
  <div class="fomc-meeting__month col-xs-5 col-sm-3 col-md-2"><strong>September</strong></div>
  <div class="fomc-meeting__date col-xs-4 col-sm-9 col-md-10 col-lg-1">16-17*</div>
  <div class="col-xs-12 col-md-4 col-lg-2"><strong>Statement:</strong><br>
    <a href="/monetarypolicy/files/monetary20250917a1.pdf">PDF</a> | <a href="/newsevents/pressreleases/monetary20250917a.htm">HTML</a></div>
  <div class="col-xs-12 col-md-4 col-lg-4 col-lg-offset-0"><strong>Minutes:</strong><br>
    <a href="/monetarypolicy/files/fomcminutes20250917.pdf">PDF</a> | <a href="/monetarypolicy/fomcminutes20250917.htm">HTML</a><br>(Released October 08, 2025)</div>
</div>
<div class="row fomc-meeting">
  <div class="fomc-meeting__month col-xs-5 col-sm-3 col-md-2"><strong>Oct/Nov</strong></div>
  <div class="fomc-meeting__date col-xs-4 col-sm-9 col-md-10 col-lg-1">28-29</div>
  <div class="col-xs-12 col-md-4 col-lg-2"><strong>Statement:</strong><br>
    <a href="/monetarypolicy/files/monetary20251029a1.pdf">PDF</a> | <a href="/newsevents/pressreleases/monetary20251029a.htm">HTML</a></div>
  <div class="col-xs-12 col-md-4 col-lg-4 col-lg-offset-0"><strong>Minutes:</strong><br>
    <a href="/monetarypolicy/files/fomcminutes20251029.pdf">PDF</a> | <a href="/monetarypolicy/fomcminutes20251029.htm">HTML</a><br>(Released November 19, 2025)</div>
</div>
</div></div></body></html>"""


def _page(
    paragraphs: list[str], *, title: str, date: str | None = None, time: str | None = None
) -> str:
    head = f'<p class="article__time">{date}</p>' if date else ""
    rel = f'<p class="releaseTime">For release at {time}</p>' if time else ""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title><script>var x = 1;</script></head><body>"
        f'<div id="article"><div class="heading col-xs-12">{head}<h3 class="title">{title}</h3>'
        f'{rel}</div><div class="col-xs-12 col-sm-8 col-md-8">{body}</div></div></body></html>'
    )


@pytest.fixture(scope="module")
def real(shared_data) -> dict[str, str]:
    f = read_file(shared_data / "fomc_text/fed_communications_2020_2026_Ate329.csv").frame
    out = {}
    for d in ("2025-09-17", "2025-10-29"):
        day = f[f["meeting_date"] == d].set_index("kind")["text"]
        out[f"statement {d}"], out[f"minutes {d}"] = day["statement"], day["minutes"]
    return out


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


@pytest.fixture
def pages(real) -> dict[str, str]:
    out = {CAL_URL: CALENDAR}
    for day, stmt, mins in (
        ("2025-09-17", SEP_STMT_URL, SEP_MIN_URL),
        ("2025-10-29", STMT_URL, MIN_URL),
    ):
        out[stmt] = _page(
            _lines(real[f"statement {day}"]),
            title="Federal Reserve issues FOMC statement",
            date=f"{pd.Timestamp(day):%B %d, %Y}",
            time="2:00 p.m. EDT",
        )
        out[mins] = _page(
            _lines(real[f"minutes {day}"]), title="Minutes of the Federal Open Market Committee"
        )
    return out


def _source(pages: dict[str, str], seen: list[str] | None = None) -> FederalReserveFomcSource:
    def handler(request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        if seen is not None:
            seen.append(url)
        if url in pages:
            return httpx.Response(200, text=pages[url])
        return httpx.Response(404, text="not found")

    return FederalReserveFomcSource(httpx.Client(transport=httpx.MockTransport(handler)))


def test_registered_under_its_name() -> None:
    assert get_source("fomc") is FederalReserveFomcSource


def test_calendar_links_and_release_dates() -> None:
    cal = parse_calendar(CALENDAR)
    assert cal[["meeting_date", "kind"]].astype(str).values.tolist() == [
        ["2025-09-17", "minutes"],
        ["2025-09-17", "statement"],
        ["2025-10-29", "minutes"],
        ["2025-10-29", "statement"],
    ]
    rel = cal.set_index(["kind", cal["meeting_date"].dt.strftime("%Y-%m-%d")])["release_date"]
    assert rel[("minutes", "2025-09-17")] == pd.Timestamp("2025-10-08")
    assert rel[("minutes", "2025-10-29")] == pd.Timestamp("2025-11-19")
    assert pd.isna(rel[("statement", "2025-10-29")])


def test_fetch_range_reads_only_the_documents_in_range(pages, real) -> None:
    seen: list[str] = []
    frame = _source(pages, seen).fetch(start="2025-10-01", end="2025-10-31")
    # the September minutes are re-read: minutes come out weeks after their meeting
    assert sorted(seen) == sorted([CAL_URL, STMT_URL, MIN_URL, SEP_MIN_URL])
    assert frame.loc[frame["kind"] == "minutes", "release_ts"].tolist() == [
        pd.Timestamp("2025-10-08", tz="UTC"),
        pd.Timestamp("2025-11-19", tz="UTC"),
    ]
    frame = frame[frame["meeting_date"] == "2025-10-29"].set_index("kind")
    assert frame.loc["statement", "release_ts"] == pd.Timestamp("2025-10-29 18:00", tz="UTC")
    assert frame.loc["minutes", "release_ts"] == pd.Timestamp("2025-11-19", tz="UTC")
    assert frame.loc["minutes", "url"] == MIN_URL
    assert frame.loc["statement", "title"] == "Federal Reserve issues FOMC statement"
    assert "var x" not in frame.loc["statement", "text"]
    # the page text scores exactly like the same text from the CSV
    model = LexiconModel()
    a = score_document(frame.loc["minutes", "text"], model)
    b = score_document(real["minutes 2025-10-29"], model)
    assert (a.n_sentences, a.n_hawkish, a.n_dovish) == (b.n_sentences, b.n_hawkish, b.n_dovish)


def test_update_after_the_newest_meeting_still_gets_its_minutes(pages) -> None:
    # the store holds the 2025-10-29 statement: update starts on 2025-10-30
    seen: list[str] = []
    frame = _source(pages, seen).fetch(start="2025-10-30", end="2025-11-24")
    assert frame["kind"].tolist() == ["minutes", "minutes"]
    assert frame["meeting_date"].tolist() == [
        pd.Timestamp("2025-09-17"),
        pd.Timestamp("2025-10-29"),
    ]
    assert STMT_URL not in seen and SEP_STMT_URL not in seen


def test_frame_upserts_into_the_store(pages, store) -> None:
    src = _source(pages)
    frame = src.fetch(start="2025-10-29", end="2025-10-29", kinds=("minutes",))
    res = store.upsert("fomc_docs", frame, source=src.name)
    assert res.inserted == 2
    again = store.upsert(
        "fomc_docs", src.fetch(start="2025-10-29", kinds=("minutes",)), source=src.name
    )
    assert (again.inserted, again.unchanged) == (0, 2)
    assert store.read("fomc_docs")["source"].tolist() == ["fomc", "fomc"]


def test_missing_page_is_an_http_error(pages) -> None:
    del pages[SEP_STMT_URL]
    with pytest.raises(SourceHTTPError) as err:
        _source(pages).fetch(start="2025-09-01", end="2025-09-30")
    assert err.value.status == 404 and err.value.url == SEP_STMT_URL


def test_offline(pages) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route", request=request)

    src = FederalReserveFomcSource(httpx.Client(transport=httpx.MockTransport(handler)))
    with pytest.raises(OfflineError, match="are you offline"):
        src.fetch()


def test_layout_drift_and_bad_parameters(pages) -> None:
    drift = dict(pages)
    drift[CAL_URL] = "<html><body><p>Calendar moved</p></body></html>"
    with pytest.raises(SchemaDriftError, match="no statement or minutes link"):
        _source(drift).fetch()
    empty = dict(pages)
    empty[STMT_URL] = "<html><body><div id='article'></div></body></html>"
    with pytest.raises(SchemaDriftError, match="no text paragraphs"):
        _source(empty).fetch(start="2025-10-29", kinds=("statement",))
    assert _source(pages).fetch(start="2026-01-01").empty
    with pytest.raises(ValidationError, match="unknown document kind"):
        _source(pages).build_query(kinds=("speech",))
    with pytest.raises(ValidationError, match="after end"):
        _source(pages).build_query(start="2025-12-01", end="2025-01-01")
    with pytest.raises(SchemaDriftError, match="payload"):
        _source(pages).transform(_source(pages).build_query(), b"not json")

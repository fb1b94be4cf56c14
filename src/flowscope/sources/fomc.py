"""Federal Reserve website connector: FOMC statements and minutes (dataset ``fomc_docs``).

Reads the FOMC calendar page (``/monetarypolicy/fomccalendars.htm``), takes the links of
each meeting's statement (``/newsevents/pressreleases/monetaryYYYYMMDDa.htm``) and minutes
(``/monetarypolicy/fomcminutesYYYYMMDD.htm``, with "(Released Month D, YYYY)" beside the
link), fetches those pages and keeps the text of their article body.

* The meeting date is the date in the document URL (the Fed names statements by their release
  day, the last day of the meeting, and minutes by the meeting's last day).
* ``release_ts``: statements — the date of the page (``p.article__time``) at the time given
  in ``p.releaseTime`` ("For release at 2:00 p.m. EST"), converted to UTC; minutes — the
  "Released" date from the calendar at 00:00 UTC (the page gives no time).

Ranges select meetings; minutes of meetings up to nine weeks before ``start`` are read again
(they are published about three weeks after the meeting), so ``flowscope update`` — which
starts the day after the newest meeting held — also picks up the latest minutes. A range
with no document gives an empty frame.

``extract`` fetches the calendar and the document pages of the requested range through the
injected client and returns them as one JSON payload (``{"calendar": html, "pages": {url:
html}}``); ``transform`` parses that payload, so tests run on saved or constructed pages.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

import numpy as np
import pandas as pd
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from flowscope.errors import SchemaDriftError, ValidationError
from flowscope.sources._base import Query, Source
from flowscope.sources._http import get_bytes
from flowscope.sources.formats.fomc_text import repair_mojibake

__all__ = ["FederalReserveFomcSource", "FomcQuery", "parse_calendar", "parse_document"]

BASE_URL = "https://www.federalreserve.gov"
#: Hosts the connector reads (with their subdomains); links to any other host are ignored.
ALLOWED_HOSTS = ("federalreserve.gov",)
CALENDAR_PATH = "/monetarypolicy/fomccalendars.htm"
_STATEMENT = re.compile(r"/newsevents/pressreleases/monetary(\d{8})a\d?\.htm$")
_MINUTES = re.compile(r"/monetarypolicy/fomcminutes(\d{8})\.htm$")
_RELEASED = re.compile(r"Released\s+([A-Z][a-z]+\.?\s+\d{1,2},\s+\d{4})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})\s*([ap])\.?m\.?\s*(E[SD]T)?", re.IGNORECASE)
_KINDS = ("statement", "minutes")
#: Minutes of meetings up to this long before ``start`` are (re)read; see :meth:`_wanted`.
MINUTES_LOOKBACK = pd.Timedelta(days=63)
_COLUMNS = ["meeting_date", "kind", "release_ts", "title", "url", "text"]


@dataclass(frozen=True, kw_only=True)
class FomcQuery(Query):
    """Meetings from ``start`` to ``end`` (inclusive, meeting dates) and document kinds."""

    kinds: tuple[str, ...] = _KINDS
    calendar_url: str = BASE_URL + CALENDAR_PATH


def _abs(href: str) -> str | None:
    """Absolute URL of a link, ``None`` when it leaves the allowed hosts or is not http(s)."""
    url = urljoin(BASE_URL + "/", href)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in ("http", "https"):
        return None
    if not any(host == h or host.endswith("." + h) for h in ALLOWED_HOSTS):
        return None
    return url


def parse_calendar(html: str | bytes) -> pd.DataFrame:
    """Statement and minutes links of the FOMC calendar page.

    Returns
    -------
    DataFrame
        ``meeting_date, kind ('statement'|'minutes'), url, release_date`` (release date of
        minutes from "(Released …)", NaT when absent), one row per document, sorted.

    Raises
    ------
    SchemaDriftError
        If the page has no statement or minutes link at all.
    """
    tree = HTMLParser(html if isinstance(html, str) else html.decode("utf-8", errors="replace"))
    rows: dict[tuple[str, pd.Timestamp], dict[str, Any]] = {}
    for a in tree.css("a[href]"):
        href = (a.attributes.get("href") or "").strip()
        for kind, pat in (("statement", _STATEMENT), ("minutes", _MINUTES)):
            m = pat.search(href.split("?")[0])
            url = _abs(href) if m else None
            if m is None or url is None:
                continue
            day = pd.Timestamp(m.group(1))
            release = pd.NaT
            if kind == "minutes":
                node = a.parent
                for _ in range(3):  # the "(Released …)" note sits next to the links
                    if node is None:
                        break
                    r = _RELEASED.search(node.text(separator=" "))
                    if r:
                        release = pd.to_datetime(r.group(1).replace(".", ""), format="mixed")
                        break
                    node = node.parent
            key = (kind, day)
            if key not in rows or (pd.isna(rows[key]["release_date"]) and pd.notna(release)):
                rows[key] = {
                    "meeting_date": day,
                    "kind": kind,
                    "url": url,
                    "release_date": release,
                }
    if not rows:
        msg = "fomc: the calendar page has no statement or minutes link (page layout changed?)"
        raise SchemaDriftError(msg, source="fomc")
    out = pd.DataFrame(list(rows.values()))
    out["release_date"] = pd.to_datetime(out["release_date"])
    return out.sort_values(["meeting_date", "kind"]).reset_index(drop=True)


def _release_ts(tree: HTMLParser, fallback: pd.Timestamp) -> pd.Timestamp:
    day = fallback
    node = tree.css_first("p.article__time")
    if node is not None:
        parsed = pd.to_datetime(
            node.text(strip=True).replace(".", ""), format="mixed", errors="coerce"
        )
        if pd.notna(parsed):
            day = pd.Timestamp(parsed).normalize()
    rt = tree.css_first("p.releaseTime")
    m = _TIME.search(rt.text()) if rt is not None else None
    if m is None:
        return day.tz_localize("UTC")
    hour = int(m.group(1)) % 12 + (12 if m.group(3).lower() == "p" else 0)
    local = day + pd.Timedelta(hours=hour, minutes=int(m.group(2)))
    return local.tz_localize("America/New_York").tz_convert("UTC")


def parse_document(html: str | bytes, *, url: str, kind: str) -> dict[str, Any]:
    """Title, text and (statements) release time of one statement or minutes page.

    The text is the paragraphs of the article body (``div#article``, else the page body),
    one per line, whitespace normalised, encoding damage repaired.

    Raises
    ------
    SchemaDriftError
        If the page has no text paragraphs.
    """
    tree = HTMLParser(html if isinstance(html, str) else html.decode("utf-8", errors="replace"))
    root = tree.css_first("div#article") or tree.body
    if root is None:
        msg = f"fomc: {url} has no body"
        raise SchemaDriftError(msg, source="fomc")
    for junk in root.css("script, style, nav, .shareDL, .heading__social"):
        junk.decompose()
    paras = [
        re.sub(r"\s+", " ", p.text(separator=" ")).strip() for p in root.css("p, h3, h4, h5, li")
    ]
    paras = [p for p in paras if p and not p.startswith("Return to text")]
    if not paras:
        msg = f"fomc: {url} has no text paragraphs (page layout changed?)"
        raise SchemaDriftError(msg, source="fomc")
    title_node = tree.css_first("h3.title") or root.css_first("h3") or tree.css_first("title")
    title = title_node.text(strip=True) if title_node is not None else kind
    return {"title": title, "text": repair_mojibake("\n".join(paras)), "tree": tree}


class FederalReserveFomcSource(Source[FomcQuery]):
    """FOMC statements and minutes from www.federalreserve.gov (calendar + document pages)."""

    name = "fomc"
    allowed_hosts: ClassVar[tuple[str, ...]] = ALLOWED_HOSTS
    dataset = "fomc_docs"
    rate_limit = 2.0

    def build_query(self, **params: Any) -> FomcQuery:
        """``start``/``end`` (meeting dates, optional), ``kinds`` (statement, minutes)."""
        kinds = tuple(params.pop("kinds", _KINDS))
        bad = [k for k in kinds if k not in _KINDS]
        if bad:
            msg = f"fomc: unknown document kind(s) {bad}; use {', '.join(_KINDS)}"
            raise ValidationError(msg, param_name="kinds", received=bad)
        start = params.pop("start", None)
        end = params.pop("end", None)
        if params:
            msg = f"fomc: unknown parameter(s) {sorted(params)}"
            raise ValidationError(msg, param_name=sorted(params)[0])
        s = pd.Timestamp(start).normalize() if start is not None else None
        e = pd.Timestamp(end).normalize() if end is not None else None
        if s is not None and e is not None and s > e:
            msg = f"fomc: start {s:%Y-%m-%d} is after end {e:%Y-%m-%d}"
            raise ValidationError(msg, param_name="start", received=str(start))
        return FomcQuery(start=s, end=e, kinds=kinds)

    def _wanted(self, query: FomcQuery, cal: pd.DataFrame) -> pd.DataFrame:
        sel = cal[cal["kind"].isin(query.kinds)]
        if query.start is not None:
            # minutes come out about three weeks after their meeting: an update that starts
            # the day after the newest meeting held must still pick up that meeting's minutes
            lookback = np.where(sel["kind"] == "minutes", MINUTES_LOOKBACK, pd.Timedelta(0))
            sel = sel[sel["meeting_date"] >= query.start - lookback]
        if query.end is not None:
            sel = sel[sel["meeting_date"] <= query.end]
        return sel

    def extract(self, query: FomcQuery) -> bytes:
        """Fetch the calendar and the pages of the documents in range (JSON payload)."""
        cal_html = get_bytes(
            self.client,
            query.calendar_url,
            source=self.name,
            rate_limit=self.rate_limit,
            allowed_hosts=self.allowed_hosts,
        )
        cal = parse_calendar(cal_html)
        pages = {
            url: get_bytes(
                self.client,
                url,
                source=self.name,
                rate_limit=self.rate_limit,
                allowed_hosts=self.allowed_hosts,
            ).decode("utf-8", errors="replace")
            for url in self._wanted(query, cal)["url"]
        }
        payload = {"calendar": cal_html.decode("utf-8", errors="replace"), "pages": pages}
        return json.dumps(payload).encode("utf-8")

    def transform(self, query: FomcQuery, raw: bytes) -> pd.DataFrame:
        """Parse the payload of :meth:`extract` into ``fomc_docs`` rows."""
        try:
            payload = json.loads(raw)
            cal_html, pages = payload["calendar"], payload["pages"]
        except (ValueError, KeyError, TypeError) as exc:
            msg = f"fomc: payload is not the calendar + pages JSON: {exc}"
            raise SchemaDriftError(msg, source=self.name) from exc
        wanted = self._wanted(query, parse_calendar(cal_html))
        rows = []
        for rec in wanted.itertuples(index=False):
            html = pages.get(rec.url)
            if html is None:
                continue
            doc = parse_document(html, url=rec.url, kind=rec.kind)
            if rec.kind == "statement":
                release = _release_ts(doc["tree"], rec.meeting_date)
            elif pd.notna(rec.release_date):
                release = pd.Timestamp(rec.release_date).tz_localize("UTC")
            else:
                release = pd.NaT
            rows.append(
                {
                    "meeting_date": rec.meeting_date,
                    "kind": rec.kind,
                    "release_ts": release,
                    "title": doc["title"],
                    "url": rec.url,
                    "text": doc["text"],
                }
            )
        out = pd.DataFrame(rows, columns=_COLUMNS)
        out["meeting_date"] = pd.to_datetime(out["meeting_date"])
        out["release_ts"] = pd.to_datetime(out["release_ts"], utc=True)
        return out

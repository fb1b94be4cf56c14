"""Online connector for Farside Investors' spot-Bitcoin ETF flow page, and its HTML parser.

The page (``https://farside.co.uk/bitcoin-etf-flow-all-data/``) holds one ``<table class="etf">``
with three header rows (issuer logos, tickers, fees), one body row per US trading day in
US$ millions (negatives as ``(44.5)`` in red, ``-`` for no figure, ``0.0`` for a reported zero,
``1,119.9`` thousands), and four summary rows (Total, Average, Maximum, Minimum) that cover the
whole history. New funds appear as new columns (e.g. MSBT in 2026). The conventions of
:mod:`flowscope.sources.formats.farside` apply: USD out, rows on non-sessions and unpublished
all-zero rows are kept out (reported through a :class:`~flowscope.errors.DataQualityWarning`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from flowscope.errors import DataQualityWarning, ParseError, SchemaDriftError, ValidationError
from flowscope.sources._base import Query, Source
from flowscope.sources._files import RowIssue
from flowscope.sources._http import get_bytes
from flowscope.sources.formats.farside import farside_table_to_frame

__all__ = ["FARSIDE_BTC_URL", "FarsideEtfFlowsSource", "FarsideQuery", "parse_farside_html"]

FARSIDE_BTC_URL = "https://farside.co.uk/bitcoin-etf-flow-all-data/"


def _cell_text(node: Any) -> str:
    return " ".join((node.text(deep=True, separator=" ") or "").split())


def parse_farside_html(
    raw: bytes | str, *, origin: str = "farside page", lifetimes: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, list[RowIssue]]:
    """Parse a Farside BTC flow page into canonical ``etf_flows`` rows.

    Parameters
    ----------
    raw
        The page's HTML (bytes are decoded as UTF-8 with replacement).
    origin
        File path or URL, named in errors and issues.
    lifetimes
        Fund lifetime table (default: the bundled one, see
        :func:`~flowscope.schemas.funds.fund_lifetimes`); cells outside a fund's life are
        kept out and reported.

    Returns
    -------
    frame, issues
        ``frame`` columns ``date`` (US trading day), ``fund`` (tickers and ``"Total"``),
        ``flow_usd`` (USD); ``issues`` the rows set aside (summary rows, non-sessions,
        unpublished rows). Row numbers in issues count body rows of the table, 1-based,
        after the header rows.

    Raises
    ------
    ParseError
        No flow table in the page, no ticker header, or a cell that is not a figure.
    """
    from selectolax.lexbor import LexborHTMLParser as HTMLParser

    text = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
    tree = HTMLParser(text)
    table = tree.css_first("table.etf")
    if table is None:
        tables = [t for t in tree.css("table") if "IBIT" in (t.text() or "")]
        table = tables[0] if tables else None
    if table is None:
        msg = "no ETF flow table found"
        raise ParseError(msg, path=origin, expected='<table class="etf"> with IBIT')
    header_rows: list[list[str]] = []
    body_rows: list[list[str]] = []
    for tr in table.css("tr"):
        cells = [c for c in tr.iter() if c.tag in {"td", "th"}]
        texts = [_cell_text(c) for c in cells]
        if not texts:
            continue
        if all(c.tag == "th" for c in cells) and not body_rows:
            header_rows.append(texts)
        else:
            body_rows.append(texts)
    tick = next((h for h in header_rows if any(t.upper() == "IBIT" for t in h)), None)
    if tick is None:
        # some saves put the ticker row in <td>: take it from the body
        for k, r in enumerate(body_rows):
            if any(t.upper() == "IBIT" for t in r):
                tick = r
                header_rows.extend(body_rows[: k + 1])
                body_rows = body_rows[k + 1 :]
                break
    if tick is None:
        msg = "no ticker header row (IBIT …) in the flow table"
        raise ParseError(msg, path=origin, row=1)
    ncol = len(tick)
    names = list(tick)
    for h in header_rows:
        if len(h) != ncol:
            continue
        for j, t in enumerate(h):
            if not names[j] and t.strip().lower() == "total":
                names[j] = "Total"
    names[0] = "date"
    if any(not n for n in names[1:]):
        missing = [j for j, n in enumerate(names) if not n]
        msg = f"header cell(s) {missing} have no ticker"
        raise ParseError(msg, path=origin, row=1, received=names)
    rows = [r for r in body_rows if any(x.strip() for x in r)]
    # Fee / other label rows between header and data
    rows = [r for r in rows if r and r[0].strip().lower() not in {"fee", "fees", "seed"}]
    return farside_table_to_frame(names, rows, path=origin, first_row=1, lifetimes=lifetimes)


@dataclass(frozen=True, kw_only=True)
class FarsideQuery(Query):
    """A Farside request: the page URL and an optional inclusive date range (naive dates)."""

    url: str = FARSIDE_BTC_URL


class FarsideEtfFlowsSource(Source[FarsideQuery]):
    """Daily per-fund spot-Bitcoin ETF flows from Farside's all-data page (USD).

    ``fetch(start=, end=)`` downloads the whole page (Farside has no range API) and keeps the
    rows in ``[start, end]`` plus the :attr:`revision_lookback` sessions before ``start``, so
    that ``flowscope update`` picks up Farside's revisions of recent days. Rows set aside are reported with a
    :class:`~flowscope.errors.DataQualityWarning`.
    """

    name: ClassVar[str] = "farside"
    allowed_hosts: ClassVar[tuple[str, ...]] = ("farside.co.uk",)
    dataset: ClassVar[str] = "etf_flows"
    rate_limit: ClassVar[float | None] = 1.0
    #: Sessions before ``start`` returned as well: Farside revises recent days (late reports,
    #: partial first releases), and the store keeps the superseded values as revisions.
    revision_lookback: ClassVar[int] = 5

    def build_query(self, **params: Any) -> FarsideQuery:
        """Validate ``start``/``end`` (dates) and ``url``."""
        unknown = set(params) - {"start", "end", "url"}
        if unknown:
            msg = f"farside: unknown parameter(s) {sorted(unknown)}"
            raise ValidationError(msg, param_name=sorted(unknown)[0])
        start = pd.Timestamp(params["start"]).normalize() if params.get("start") else None
        end = pd.Timestamp(params["end"]).normalize() if params.get("end") else None
        if start is not None and end is not None and end < start:
            msg = f"farside: end {end:%Y-%m-%d} is before start {start:%Y-%m-%d}"
            raise ValidationError(msg, param_name="end", received=str(end.date()))
        return FarsideQuery(
            start=start,
            end=end,
            url=params.get("url") or self.settings.url_for(self.name, FARSIDE_BTC_URL),
        )

    def extract(self, query: FarsideQuery) -> bytes:
        """Download the page."""
        return get_bytes(
            self.client,
            query.url,
            source=self.name,
            allowed_hosts=self.allowed_hosts,
            rate_limit=self.rate_limit,
        )

    def transform(self, query: FarsideQuery, raw: bytes) -> pd.DataFrame:
        """Parse the page; keep ``[start, end]``; warn about rows set aside.

        Raises
        ------
        SchemaDriftError
            The page no longer holds a readable flow table.
        """
        try:
            frame, issues = parse_farside_html(raw, origin=query.url)
        except ParseError as exc:
            msg = f"farside: the page no longer has the documented table: {exc}"
            raise SchemaDriftError(msg, source=self.name) from exc
        dq = [i for i in issues if "summary" not in i.reason]
        if dq:
            warnings.warn(
                f"farside: {len(dq)} row(s) kept out: " + "; ".join(str(i) for i in dq[:5]),
                DataQualityWarning,
                stacklevel=2,
            )
        if query.start is not None:
            before = np.unique(frame.loc[frame["date"] < query.start, "date"].to_numpy())
            since = (
                before[-self.revision_lookback]
                if len(before) >= self.revision_lookback
                else (before[0] if len(before) else query.start)
            )
            frame = frame[frame["date"] >= since]
        if query.end is not None:
            frame = frame[frame["date"] <= query.end]
        return frame.reset_index(drop=True)

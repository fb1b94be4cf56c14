"""Online connector for FRED series through the public ``fredgraph.csv`` endpoint (no key).

``https://fred.stlouisfed.org/graph/fredgraph.csv?id=DFEDTARL,DFEDTARU&cosd=2026-07-01&coed=2026-07-31``
answers one CSV with a date column (``observation_date``, or ``DATE`` in older answers) and
one column per series; days without an observation hold ``.`` or nothing. Each column is
parsed with the FRED file parser (:func:`flowscope.sources.formats.fred.parse_fred_csv_text`),
so files and the connector give identical ``rates`` rows (percent per year).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any, ClassVar

import pandas as pd

from flowscope.errors import EmptyDataError, ParseError, SchemaDriftError, ValidationError
from flowscope.sources._base import Query, Source
from flowscope.sources._http import get_bytes
from flowscope.sources.formats.fred import parse_fred_csv_text

__all__ = ["DEFAULT_SERIES", "FREDGRAPH_URL", "FredQuery", "FredSeriesSource"]

FREDGRAPH_URL = "https://fred.stlouisfed.org/graph/fredgraph.csv"
#: Policy-rate series fetched by default: target range bounds, EFFR, IORB, SOFR.
DEFAULT_SERIES: tuple[str, ...] = ("DFEDTARL", "DFEDTARU", "EFFR", "IORB", "SOFR")
_SERIES_RE = re.compile(r"^[A-Z][A-Z0-9_]{1,30}$")
_DATE_COLUMNS = ("observation_date", "DATE", "date")


@dataclass(frozen=True, kw_only=True)
class FredQuery(Query):
    """FRED series ids and an inclusive observation-date range (naive dates)."""

    series: tuple[str, ...] = DEFAULT_SERIES


class FredSeriesSource(Source[FredQuery]):
    """FRED series (``rates`` dataset) from ``fredgraph.csv``, one request for all series.

    Examples
    --------
    >>> import httpx
    >>> body = b"observation_date,EFFR\\n2026-07-14,3.63\\n"
    >>> client = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200, content=body)))
    >>> FredSeriesSource(client).fetch(series=["EFFR"], start="2026-07-14", end="2026-07-14")
      series       date  value
    0   EFFR 2026-07-14   3.63
    """

    name: ClassVar[str] = "fred"
    allowed_hosts: ClassVar[tuple[str, ...]] = ("fred.stlouisfed.org",)
    dataset: ClassVar[str] = "rates"
    rate_limit: ClassVar[float | None] = 1.0
    lookback_days: ClassVar[int] = 7  # FRED revises recent daily rates (EFFR, SOFR) for a few days

    def build_query(
        self,
        *,
        series: str | list[str] | tuple[str, ...] | None = None,
        start: Any = None,
        end: Any = None,
        **extra: Any,
    ) -> FredQuery:
        """Validate series ids (upper case FRED ids) and the date range.

        Raises
        ------
        ValidationError
            Unknown parameter, malformed series id, or ``start`` after ``end``.
        """
        if extra:
            msg = f"fred: unknown parameter(s) {sorted(extra)}; use series, start, end"
            raise ValidationError(msg, param_name=sorted(extra)[0])
        ids = (series,) if isinstance(series, str) else tuple(series or DEFAULT_SERIES)
        ids = tuple(s.strip().upper() for s in ids)
        bad = [s for s in ids if not _SERIES_RE.match(s)]
        if bad or not ids:
            msg = f"fred: bad series id(s) {bad or ids}; expected FRED ids such as EFFR, DFEDTARU"
            raise ValidationError(msg, param_name="series", received=bad or ids)
        s = pd.Timestamp(start).normalize() if start is not None else None
        e = pd.Timestamp(end).normalize() if end is not None else None
        if s is not None and e is not None and s > e:
            msg = f"fred: start {s:%Y-%m-%d} is after end {e:%Y-%m-%d}"
            raise ValidationError(msg, param_name="start", received=str(start))
        return FredQuery(series=ids, start=s, end=e)

    def extract(self, query: FredQuery) -> bytes:
        """GET ``fredgraph.csv`` for all series of the query (one request)."""
        params = {"id": ",".join(query.series)}
        if query.start is not None:
            params["cosd"] = f"{query.start:%Y-%m-%d}"
        if query.end is not None:
            params["coed"] = f"{query.end:%Y-%m-%d}"
        return get_bytes(
            self.client,
            self.settings.url_for(self.name, FREDGRAPH_URL),
            source=self.name,
            allowed_hosts=self.allowed_hosts,
            rate_limit=self.rate_limit,
            params=params,
        )

    def transform(self, query: FredQuery, raw: bytes) -> pd.DataFrame:
        """Parse the fredgraph CSV into ``rates`` rows (series, date, value %).

        Raises
        ------
        SchemaDriftError
            The answer is not a fredgraph CSV (e.g. an HTML error page) or lacks a series.
        EmptyDataError
            No observation at all in a request without ``start`` (an incremental request
            that finds nothing new returns an empty frame).
        """
        text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
        head = text.split("\n", 1)[0].strip()
        try:
            table = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            msg = f"fred: malformed CSV answer (first line {head[:80]!r}): {exc}"
            raise SchemaDriftError(msg, source=self.name) from exc
        cols = [str(c) for c in table.columns]
        if not cols or cols[0] not in _DATE_COLUMNS:
            msg = (
                f"fred: the answer is not a fredgraph CSV (first line {head[:80]!r}); "
                "the endpoint's layout may have changed"
            )
            raise SchemaDriftError(msg, source=self.name)
        missing = [s for s in query.series if s not in cols[1:]]
        if missing:
            msg = f"fred: series {missing} missing from the answer (columns {cols[1:]})"
            raise SchemaDriftError(msg, source=self.name)
        # named in errors, without the scheme (parsers treat origins as paths)
        origin = FREDGRAPH_URL.split("://", 1)[1] + "?id=" + ",".join(query.series)
        frames = []
        for sid in query.series:
            one = table[[table.columns[0], sid]].to_csv(index=False)
            try:
                frames.append(parse_fred_csv_text(one, origin=origin, series=sid))
            except (ParseError, ValueError) as exc:  # ValueError: e.g. mixed UTC offsets
                msg = f"fred: {exc}"
                raise SchemaDriftError(msg, source=self.name) from exc
        out = pd.concat(frames, ignore_index=True)
        if query.start is not None:
            out = out[out["date"] >= query.start]
        if query.end is not None:
            out = out[out["date"] <= query.end]
        if out.empty and query.start is None:
            msg = f"fred: no observation of {', '.join(query.series)} at all"
            raise EmptyDataError(msg, source=self.name)
        # an incremental request (start given) may well find nothing new yet: empty frame
        return out.sort_values(["series", "date"], ignore_index=True)

"""Online connector for the SoSoValue ETF API (US spot-Bitcoin ETFs), values in USD.

Two documented endpoints of SoSoValue's open API are read, both ``POST`` with a JSON body
``{"type": "us-btc-spot"}`` and the key in the ``x-soso-api-key`` header:

* ``/openapi/v2/etf/historicalInflowChart``: the all-fund daily history, ``data`` is a list of
  ``{"date": "2025-11-18", "totalNetInflow": -372800000, "totalNetAssets": …,
  "totalValueTraded": …, "cumNetInflow": …}`` (USD) -> rows for fund ``"Total"``;
* ``/openapi/v2/etf/currentEtfDataMetrics``: the latest day per fund, ``data.list`` is a list of
  ``{"ticker": "IBIT", "dailyNetInflow": {"value": -523200000, "lastUpdateDate": "2025-11-18"},
  "netAssets": {"value": …, "lastUpdateDate": …}, …}`` -> one row per fund.

Every answer is wrapped as ``{"code": 0, "msg": null, "data": …}``; a non-zero ``code`` is an
error. The API key comes from ``Settings.sosovalue_key`` (``FLOWSCOPE_SOSOVALUE_KEY``); it is sent
only in the request header and never appears in messages, logs or errors.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar

import httpx
import numpy as np
import pandas as pd

from flowscope.errors import (
    EmptyDataError,
    SchemaDriftError,
    SourceAuthError,
    SourceError,
    SourceHTTPError,
    ValidationError,
)
from flowscope.sources._base import Query, Source
from flowscope.sources._http import clean_server_text, post_json

__all__ = ["SOSOVALUE_API", "SoSoValueEtfFlowsSource", "SoSoValueQuery", "parse_sosovalue"]

SOSOVALUE_API = "https://api.sosovalue.xyz"
_HISTORY = "/openapi/v2/etf/historicalInflowChart"
_CURRENT = "/openapi/v2/etf/currentEtfDataMetrics"


@dataclass(frozen=True, kw_only=True)
class SoSoValueQuery(Query):
    """A SoSoValue request: ETF type (``us-btc-spot``), base URL, date range (naive dates)."""

    etf_type: str = "us-btc-spot"
    base_url: str = SOSOVALUE_API
    per_fund: bool = True


def _unwrap(doc: Any, what: str) -> Any:
    if not isinstance(doc, dict) or "data" not in doc:
        msg = f"sosovalue: {what}: expected an object with 'code' and 'data'"
        raise SchemaDriftError(msg, source="sosovalue")
    code = doc.get("code", 0)
    if code not in (0, "0", 200, "200"):
        text = clean_server_text(str(doc.get("msg") or ""))
        low = text.lower()
        if "key" in low or "auth" in low or "permission" in low:
            msg = f"sosovalue: {what}: the API key was rejected (code {code}): {text}"
            raise SourceAuthError(msg, source="sosovalue")
        msg = f"sosovalue: {what}: error code {code}: {text}"
        raise SourceError(msg, source="sosovalue")
    return doc["data"]


def _num(v: Any) -> float:
    if v is None or v == "":
        return float("nan")
    if isinstance(v, dict):
        return _num(v.get("value"))
    try:
        f = float(v)
    except (TypeError, ValueError):
        msg = f"sosovalue: not a number: {str(v)[:40]!r}"
        raise SchemaDriftError(msg, source="sosovalue") from None
    return f if np.isfinite(f) else float("nan")


def _day(v: Any, what: str) -> pd.Timestamp:
    if isinstance(v, dict):
        v = v.get("lastUpdateDate")
    try:
        if isinstance(v, int | float) and not isinstance(v, bool):
            ts = pd.Timestamp(int(v), unit="ms" if v > 1e11 else "s", tz="UTC")
            return ts.tz_localize(None).normalize()
        return pd.Timestamp(str(v)).normalize()
    except (ValueError, TypeError, OverflowError):
        msg = f"sosovalue: {what}: cannot read the date {str(v)[:40]!r}"
        raise SchemaDriftError(msg, source="sosovalue") from None


def parse_sosovalue(payload: bytes | str | dict[str, Any]) -> pd.DataFrame:
    """Parse SoSoValue ETF answers into canonical ``etf_flows`` rows (USD).

    Parameters
    ----------
    payload
        Either one API answer (``historicalInflowChart`` or ``currentEtfDataMetrics``) or the
        object ``{"historicalInflowChart": answer, "currentEtfDataMetrics": answer}`` that
        :meth:`SoSoValueEtfFlowsSource.extract` returns.

    Returns
    -------
    DataFrame
        Columns ``date`` (US trading day), ``fund`` (ticker or ``"Total"``), ``flow_usd``
        (USD, whole dollars), ``aum_usd`` (USD). When both answers hold the Total of the
        same day, the history's value is kept.

    Raises
    ------
    SchemaDriftError
        The payload is not JSON or lacks the documented fields.
    SourceAuthError, SourceError
        The answer carries a non-zero error code.
    """
    if isinstance(payload, bytes | str):
        try:
            doc = json.loads(payload)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            msg = f"sosovalue: answer is not JSON ({type(exc).__name__})"
            raise SchemaDriftError(msg, source="sosovalue") from None
    else:
        doc = payload
    if isinstance(doc, dict) and ("historicalInflowChart" in doc or "currentEtfDataMetrics" in doc):
        parts = {k: doc[k] for k in ("historicalInflowChart", "currentEtfDataMetrics") if k in doc}
    else:
        data = doc.get("data") if isinstance(doc, dict) else None
        key = "currentEtfDataMetrics" if isinstance(data, dict) else "historicalInflowChart"
        parts = {key: doc}
    frames = []
    if "historicalInflowChart" in parts:
        data = _unwrap(parts["historicalInflowChart"], "historicalInflowChart")
        if not isinstance(data, list):
            msg = "sosovalue: historicalInflowChart: 'data' should be a list of days"
            raise SchemaDriftError(msg, source="sosovalue")
        rows = []
        for i, d in enumerate(data):
            if not isinstance(d, dict) or "date" not in d or "totalNetInflow" not in d:
                msg = f"sosovalue: historicalInflowChart item {i} lacks 'date'/'totalNetInflow'"
                raise SchemaDriftError(msg, source="sosovalue")
            rows.append(
                {
                    "date": _day(d["date"], "historicalInflowChart"),
                    "fund": "Total",
                    "flow_usd": _num(d["totalNetInflow"]),
                    "aum_usd": _num(d.get("totalNetAssets")),
                }
            )
        frames.append(pd.DataFrame(rows, columns=["date", "fund", "flow_usd", "aum_usd"]))
    if "currentEtfDataMetrics" in parts:
        data = _unwrap(parts["currentEtfDataMetrics"], "currentEtfDataMetrics")
        items = data.get("list") if isinstance(data, dict) else None
        if not isinstance(items, list):
            msg = "sosovalue: currentEtfDataMetrics: 'data.list' should be a list of funds"
            raise SchemaDriftError(msg, source="sosovalue")
        rows = []
        for i, it in enumerate(items):
            if not isinstance(it, dict) or "ticker" not in it or "dailyNetInflow" not in it:
                msg = f"sosovalue: currentEtfDataMetrics item {i} lacks 'ticker'/'dailyNetInflow'"
                raise SchemaDriftError(msg, source="sosovalue")
            flow = it["dailyNetInflow"]
            rows.append(
                {
                    "date": _day(flow, f"fund {it['ticker']}"),
                    "fund": str(it["ticker"]).strip().upper(),
                    "flow_usd": _num(flow),
                    "aum_usd": _num(it.get("netAssets")),
                }
            )
        if isinstance(data, dict) and isinstance(data.get("dailyNetInflow"), dict):
            tot = data["dailyNetInflow"]
            rows.append(
                {
                    "date": _day(tot, "total"),
                    "fund": "Total",
                    "flow_usd": _num(tot),
                    "aum_usd": _num(data.get("totalNetAssets")),
                }
            )
        frames.append(pd.DataFrame(rows, columns=["date", "fund", "flow_usd", "aum_usd"]))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if out.empty:
        return pd.DataFrame(
            {
                "date": pd.Series([], dtype="datetime64[ns]"),
                "fund": pd.Series([], dtype=object),
                "flow_usd": pd.Series([], dtype="float64"),
                "aum_usd": pd.Series([], dtype="float64"),
            }
        )
    out = out.drop_duplicates(["date", "fund"], keep="first")
    out = out[out["flow_usd"].notna() | out["aum_usd"].notna()]
    out["flow_usd"] = out["flow_usd"].round()
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    return out.sort_values(["date", "fund"]).reset_index(drop=True)


class SoSoValueEtfFlowsSource(Source[SoSoValueQuery]):
    """US spot-Bitcoin ETF flows from SoSoValue's API (USD): daily Total history plus the
    latest day per fund (with AUM). Needs ``FLOWSCOPE_SOSOVALUE_KEY``."""

    name: ClassVar[str] = "sosovalue"
    allowed_hosts: ClassVar[tuple[str, ...]] = ("sosovalue.xyz",)
    dataset: ClassVar[str] = "etf_flows"
    requires_key: ClassVar[str | None] = "sosovalue_key"

    def build_query(self, **params: Any) -> SoSoValueQuery:
        """Validate ``start``/``end``, ``etf_type``, ``base_url``, ``per_fund``."""
        unknown = set(params) - {"start", "end", "etf_type", "base_url", "per_fund"}
        if unknown:
            msg = f"sosovalue: unknown parameter(s) {sorted(unknown)}"
            raise ValidationError(msg, param_name=sorted(unknown)[0])
        start = pd.Timestamp(params["start"]).normalize() if params.get("start") else None
        end = pd.Timestamp(params["end"]).normalize() if params.get("end") else None
        if start is not None and end is not None and end < start:
            msg = f"sosovalue: end {end:%Y-%m-%d} is before start {start:%Y-%m-%d}"
            raise ValidationError(msg, param_name="end", received=str(end.date()))
        return SoSoValueQuery(
            start=start,
            end=end,
            etf_type=params.get("etf_type") or "us-btc-spot",
            base_url=(params.get("base_url") or SOSOVALUE_API).rstrip("/"),
            per_fund=bool(params.get("per_fund", True)),
        )

    def _key(self) -> str:
        key = self.settings.sosovalue_key
        if not key:
            msg = (
                "sosovalue: no API key; set FLOWSCOPE_SOSOVALUE_KEY "
                "(or sosovalue_key in the settings file)"
            )
            raise SourceAuthError(msg, source=self.name)
        return key

    def _post(self, url: str, body: dict[str, Any]) -> Any:
        key = self._key()
        try:
            raw = post_json(
                self.client,
                url,
                body,
                source=self.name,
                headers={"x-soso-api-key": key, "Content-Type": "application/json"},
                secrets=(key,),
                allowed_hosts=self.allowed_hosts,
            )
        except SourceHTTPError as exc:
            if exc.status in (401, 403):
                msg = f"sosovalue: HTTP {exc.status}: the API key was rejected"
                raise SourceAuthError(msg, source=self.name) from None
            raise
        try:
            return json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError):
            msg = f"sosovalue: {httpx.URL(url).copy_with(query=None)} did not answer JSON"
            raise SchemaDriftError(msg, source=self.name) from None

    def extract(self, query: SoSoValueQuery) -> bytes:
        """POST both endpoints; return ``{"historicalInflowChart": …, "currentEtfDataMetrics": …}``."""
        body = {"type": query.etf_type}
        out = {"historicalInflowChart": self._post(query.base_url + _HISTORY, body)}
        if query.per_fund:
            out["currentEtfDataMetrics"] = self._post(query.base_url + _CURRENT, body)
        return json.dumps(out).encode()

    def transform(self, query: SoSoValueQuery, raw: bytes) -> pd.DataFrame:
        """Parse, keep ``[start, end]``.

        Raises
        ------
        EmptyDataError
            The answer holds no day in the range.
        """
        try:
            frame = parse_sosovalue(raw)
        except SourceError as exc:  # a server message may echo the key: never show it
            key = self.settings.sosovalue_key
            if not key or key not in str(exc):
                raise
            msg = str(exc).replace(key, "[redacted]")
            raise type(exc)(msg, source=self.name) from None
        if query.start is not None:
            frame = frame[frame["date"] >= query.start]
        if query.end is not None:
            frame = frame[frame["date"] <= query.end]
        if frame.empty:
            msg = "sosovalue: the answer holds no ETF flows in the requested range"
            raise EmptyDataError(msg, source=self.name)
        return frame.reset_index(drop=True)

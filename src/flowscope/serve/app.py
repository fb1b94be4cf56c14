"""The dashboard's FastAPI app: HTML pages and a JSON API over one store, read-only.

Each request opens the store read-only (so ``flowscope update`` can run alongside); a
store held by a writer answers 503 with a one-line message. API answers are the JSON
documents the matching ``flowscope … --format json`` command prints.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Annotated, Any, Literal

import pandas as pd
from fastapi import Body, FastAPI, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from flowscope.serve._pages import PAGES, dashboard
from flowscope.serve._run import ApiError, run_command

__all__ = ["create_app"]

_TEMPLATES = Path(__file__).parent / "templates"
Ticker = Annotated[
    str,
    Query(pattern=r"^[A-Za-z][A-Za-z0-9.\-]{0,11}$", description="Fund ticker or 'Total'."),
]
#: A calendar day the store can hold (pandas timestamps end in 2262).
Day = Annotated[dt.date, Field(ge=dt.date(1970, 1, 1), le=dt.date(2200, 12, 31))] | None


class ApiErrorBody(BaseModel):
    """An error answer: what went wrong, in one line, and the query parameter at fault."""

    detail: str
    param: str | None = None


_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ApiErrorBody, "description": "No data held for the request."},
    422: {"description": "A parameter cannot be used (names it)."},
    503: {"model": ApiErrorBody, "description": "The store is being written; try again."},
}
Json = dict[str, Any] | list[dict[str, Any]]


def _day(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _today() -> pd.Timestamp:
    return pd.Timestamp(dt.datetime.now(dt.UTC).date())


def create_app(db: Path) -> FastAPI:
    """Build the app serving store ``db`` (opened read-only per request).

    Parameters
    ----------
    db
        Path of the DuckDB store file.
    """
    from flowscope.cli import _core, check, flows, prices, rates, regime, rotation, season, tone

    db = Path(db).expanduser()
    app = FastAPI(
        title="flowscope",
        summary="Where Bitcoin's money is going: the JSON of every `flowscope … --format json`.",
        version=_version(),
    )
    templates = Jinja2Templates(directory=str(_TEMPLATES))

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "param": exc.param}, status_code=exc.status)

    def run(func: Any, params: dict[str, str] | None = None, **kwargs: Any) -> Any:
        return run_command(db, func, params, **kwargs)

    # ---------------------------------------------------------------- pages
    import plotly

    plotly_js = Path(str(plotly.__file__)).parent / "package_data" / "plotly.min.js"

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def _plotly() -> FileResponse:
        return FileResponse(plotly_js, media_type="application/javascript")

    def page(request: Request, key: str, asof: dt.date | None) -> HTMLResponse:
        day = _today() if asof is None else pd.Timestamp(asof)
        board = dashboard(db, day)
        view = board.pages[key]
        status = 200 if view.available else 404
        return templates.TemplateResponse(
            request,
            "page.html.j2",
            {
                "page": view,
                "pages": [board.pages[k] for k, _ in PAGES],
                "brief": board.brief,
                "asof": f"{board.asof:%Y-%m-%d}",
                "db": str(db),
                "generated": f"{pd.Timestamp.now(tz='UTC'):%Y-%m-%d %H:%M}",
            },
            status_code=status,
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview(request: Request, asof: Day = None) -> HTMLResponse:
        return page(request, "overview", asof)

    @app.get("/overview", include_in_schema=False)
    def _overview_alias() -> RedirectResponse:
        return RedirectResponse("/")

    for key, _title in PAGES[1:]:

        def _view(request: Request, asof: Day = None, _key: str = key) -> HTMLResponse:
            return page(request, _key, asof)

        app.add_api_route(
            f"/{key}", _view, response_class=HTMLResponse, include_in_schema=False, name=key
        )

    # ---------------------------------------------------------------- API
    @app.get("/api/status", responses=_ERRORS)
    def api_status(asof: Day = None, by_series: bool = False, dataset: str | None = None) -> Json:
        """Coverage and freshness per dataset (``flowscope status``)."""
        return run(_core.status, asof=_day(asof), by_series=by_series, dataset=dataset)  # type: ignore[no-any-return]

    @app.get("/api/prices", responses=_ERRORS)
    def api_prices(
        symbol: Annotated[
            list[str] | None,
            Query(description="Symbols (BTC-USD, NVDA …); none: what is held."),
        ] = None,
        start: Day = None,
        end: Day = None,
        interval: Literal["1d", "1h"] = "1d",
        source: str | None = None,
    ) -> Json:
        """Price bars (``flowscope prices``)."""
        return run(  # type: ignore[no-any-return]
            prices.prices,
            symbols=symbol,
            start=_day(start),
            end=_day(end),
            interval=interval,
            source=source,
        )

    @app.get("/api/flows/show", responses=_ERRORS)
    def api_flows_show(
        fund: Annotated[list[str] | None, Query(description="Fund tickers.")] = None,
        start: Day = None,
        end: Day = None,
        source: str | None = None,
    ) -> Json:
        """Daily ETF net flows per fund (``flowscope flows show``), US$ M."""
        return run(  # type: ignore[no-any-return]
            flows.show, fund=fund, start=_day(start), end=_day(end), source=source
        )

    @app.get("/api/flows/records", responses=_ERRORS)
    def api_flows_records(
        fund: Ticker = "Total",
        window: Annotated[
            list[Annotated[int, Field(ge=1, le=250)]] | None,
            Query(description="Window lengths in sessions (default 1 and 4)."),
        ] = None,
        top: Annotated[int, Query(ge=1, le=100)] = 3,
        rank_ending: Day = None,
        source: str | None = None,
    ) -> Json:
        """Record inflow and outflow windows (``flowscope flows records``)."""
        return run(  # type: ignore[no-any-return]
            flows.records,
            {"--rank-ending": "rank_ending", "--window": "window"},
            fund=fund,
            windows=window,
            top=top,
            ending=_day(rank_ending),
            source=source,
        )

    @app.get("/api/flows/reversals", responses=_ERRORS)
    def api_flows_reversals(
        fund: Ticker = "Total",
        window: Annotated[int, Query(ge=1, le=250)] = 5,
        band: Annotated[float, Query(ge=0, le=1e6)] = 250.0,
        start: Day = None,
        end: Day = None,
        source: str | None = None,
    ) -> Json:
        """Turns of the rolling net flow (``flowscope flows reversals``)."""
        return run(  # type: ignore[no-any-return]
            flows.reversals,
            fund=fund,
            window=window,
            band=band,
            start=_day(start),
            end=_day(end),
            source=source,
        )

    @app.get("/api/rates/odds", responses=_ERRORS)
    def api_rates_odds(
        asof: Day = None,
        meeting: Day = None,
        meetings: Annotated[int, Query(ge=1, le=24)] = 8,
    ) -> Json:
        """FedWatch-style meeting odds from fed funds futures (``flowscope rates odds``)."""
        return run(  # type: ignore[no-any-return]
            rates.odds, asof=_day(asof), meeting=_day(meeting), meetings=meetings
        )

    @app.get("/api/tone/history", responses=_ERRORS)
    def api_tone_history(
        kind: Literal["minutes", "statement"] | None = None, start: Day = None
    ) -> Json:
        """FOMC tone per document (``flowscope tone history``, lexicon model)."""
        return run(tone.history, kind=kind, model="lexicon", start=_day(start))  # type: ignore[no-any-return]

    @app.get("/api/rotation", responses=_ERRORS)
    def api_rotation(
        vs: Annotated[str | None, Query(pattern=r"^[A-Za-z][A-Za-z0-9.\-]{0,11}$")] = None,
        window: Annotated[int, Query(ge=2, le=500)] = 60,
        last: Annotated[int, Query(ge=1, le=500)] = 10,
        align: Literal["utc_close", "session_close"] = "utc_close",
    ) -> Json:
        """BTC against AI and index stocks (``flowscope rotation``)."""
        return run(  # type: ignore[no-any-return]
            rotation.rotation,
            ctx=SimpleNamespace(invoked_subcommand=None),
            vs=vs,
            window=window,
            last=last,
            align=align,
            html=None,
        )

    @app.get("/api/season/christmas", responses=_ERRORS)
    def api_season_christmas(
        years: Annotated[str, Query(pattern=r"^\d{4}-\d{4}$")] = "2015-2024",
        rule: Literal["ma200", "trailing365", "drawdown", "all"] = "all",
        boot: Annotated[int, Query(ge=100, le=5000)] = 1000,
        seed: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    ) -> Json:
        """BTC over Christmas per year and by regime (``flowscope season christmas``)."""
        return run(  # type: ignore[no-any-return]
            season.christmas,
            {"--boot": "boot", "--years": "years"},
            years=years,
            rule=rule,
            n_boot=boot,
            seed=seed,
            html=None,
        )

    @app.get("/api/regime", responses=_ERRORS)
    def api_regime(
        preset: Literal["siege", "trend", "flows"] = "siege",
        asof: Day = None,
        start: Day = None,
    ) -> Json:
        """The composite regime and its conditions, or its history from ``start``."""
        return run(  # type: ignore[no-any-return]
            regime.regime, preset=preset, asof=_day(asof), start=_day(start)
        )

    @app.post("/api/check", responses=_ERRORS)
    def api_check(
        claims: Annotated[
            str,
            Body(media_type="application/toml", description="Claims TOML (see docs/claims.md)."),
        ],
    ) -> Json:
        """Check each claim of a claims TOML body against held data (``flowscope check``)."""
        return run(check.check_text, text=claims, origin="request body", name="request body")  # type: ignore[no-any-return]

    @app.get("/api/brief", responses=_ERRORS)
    def api_brief(asof: Day = None) -> Json:
        """The daily brief (``flowscope brief --format json``)."""
        return run(_core.brief, asof=_day(asof))  # type: ignore[no-any-return]

    return app


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("flowscope")
    except PackageNotFoundError:
        return "0"

"""Settings: one frozen object, read from an optional TOML file and ``FLOWSCOPE_*`` variables.

Precedence (highest first): explicit keyword overrides, environment variables, the TOML file,
defaults. The TOML file is ``$FLOWSCOPE_CONFIG`` if set, else ``config.toml`` in the user
config dir (``platformdirs.user_config_dir("flowscope")``). Unknown keys are rejected, in the
file and in the environment, so a typo never silently falls back to a default; the variables
in :data:`ENV_NOT_SETTINGS` share the prefix but are not settings and are let through.

The sources (environment with the ``FLOWSCOPE_`` prefix, TOML file) and the validation are
those of pydantic-settings; every failure is re-raised as a :class:`~flowscope.errors.ConfigError`
naming the key and where it came from, without ever echoing a secret. See docs/settings.md.

Example ``config.toml``::

    db_path = "/data/flowscope.duckdb"
    http_timeout_s = 20
    update_sources = ["farside", "fred"]
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import platformdirs
import pydantic
from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    TomlConfigSettingsSource,
)

from flowscope.errors import ConfigError

__all__ = ["ENV_NOT_SETTINGS", "ENV_PREFIX", "Settings", "default_config_path", "load_settings"]

ENV_PREFIX = "FLOWSCOPE_"
#: Variables with the prefix that are not settings fields: the settings file, the short form
#: of ``FLOWSCOPE_DB_PATH``, and the test suite's real-data folder.
ENV_NOT_SETTINGS = frozenset(
    {"FLOWSCOPE_CONFIG", "FLOWSCOPE_DB", "FLOWSCOPE_DEBUG", "FLOWSCOPE_SHARED_DATA"}
)
_SECRETS = frozenset({"sosovalue_key", "fred_api_key"})


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("flowscope", appauthor=False))


@dataclass(frozen=True)
class _Inputs:
    """Where :func:`load_settings` reads from (a plain ``Settings(...)`` reads neither)."""

    env: Mapping[str, str]
    toml_file: Path | None


_INPUTS: contextvars.ContextVar[_Inputs | None] = contextvars.ContextVar(
    "flowscope_settings_inputs", default=None
)


class _MappingEnvSource(EnvSettingsSource):
    """pydantic-settings' environment source over a given mapping instead of ``os.environ``."""

    def __init__(self, settings_cls: type[BaseSettings], env: Mapping[str, str]) -> None:
        super().__init__(settings_cls)
        # case-insensitive, as the default source: names lower-cased, empty values ignored
        self.env_vars = {k.lower(): v for k, v in env.items() if v != ""}


class Settings(BaseSettings):
    """flowscope settings (frozen, keyword-only).

    ``Settings(...)`` takes field values only (defaults elsewhere); :func:`load_settings`
    adds the TOML file and the environment.

    Attributes
    ----------
    data_dir
        Folder for the store, trained models and caches. ``FLOWSCOPE_DATA_DIR``.
    db_path
        DuckDB file. Defaults to ``data_dir / "flowscope.duckdb"``. ``FLOWSCOPE_DB_PATH``
        (the shorter ``FLOWSCOPE_DB`` and the CLI's ``--db`` also set it).
    http_timeout_s
        Timeout of one HTTP request, seconds (> 0). ``FLOWSCOPE_HTTP_TIMEOUT_S``.
    http_retries
        Retries after the first attempt on timeouts, connection errors, cut-short bodies,
        HTTP 429 and 5xx answers (see docs/http.md). ``FLOWSCOPE_HTTP_RETRIES``.
    user_agent
        User-Agent header sent by connectors. ``FLOWSCOPE_USER_AGENT``.
    update_sources
        Online connectors that ``flowscope update`` runs, by name: by default ``farside``
        (ETF flows), ``fred`` (policy rates), ``fomc`` (statements and minutes),
        ``coinbase`` and ``kraken`` (BTC-USD daily and hourly bars), ``yahoo`` (equity and
        ETF daily bars) and ``zq`` (fed funds futures strip). ``FLOWSCOPE_UPDATE_SOURCES``
        (comma-separated).
    sosovalue_key
        SoSoValue API key; ``None`` unless ``FLOWSCOPE_SOSOVALUE_KEY`` is set. Never shown in
        a repr or an error message.
    fred_api_key
        Optional FRED API key (the CSV endpoint needs none). ``FLOWSCOPE_FRED_API_KEY``.
    source_preference
        Per dataset, the sources in order of trust, replacing the dataset's declared order
        (:attr:`flowscope.schemas.DatasetSpec.source_preference`). TOML table
        ``[source_preference]`` with ``prices = ["coinbase", "cryptoquant"]``, or
        ``FLOWSCOPE_SOURCE_PREFERENCE="prices=coinbase,cryptoquant;etf_flows=farside"``.
    http_deadline_s
        Longest time one HTTP request may take in all, seconds (> 0), however steadily the
        server trickles its answer; the read timeout only bounds each silence.
        ``FLOWSCOPE_HTTP_DEADLINE_S``.
    lock_timeout_s
        How long a command that writes the store waits for another writer to finish,
        seconds (>= 0). ``FLOWSCOPE_LOCK_TIMEOUT_S``.
    base_urls
        Per connector, a base URL (scheme, host, port, optional path prefix) replacing the
        host of its documented endpoint, e.g. a mirror or a local test server. TOML table
        ``[base_urls]`` with ``fred = "http://127.0.0.1:8080"``, or
        ``FLOWSCOPE_BASE_URLS="fred=http://127.0.0.1:8080;kraken=http://127.0.0.1:8081"``.
    """

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        case_sensitive=False,
        env_ignore_empty=True,
        extra="forbid",
        frozen=True,
        validate_default=True,
    )

    data_dir: Path = Field(default_factory=_default_data_dir)
    db_path: Path | None = None
    http_timeout_s: float = Field(default=30.0, gt=0)
    http_retries: int = Field(default=2, ge=0)
    user_agent: str = "flowscope/0.1 (+https://pypi.org/project/flowscope/)"
    update_sources: Annotated[tuple[str, ...], NoDecode] = (
        "farside", "fred", "fomc", "coinbase", "kraken", "yahoo", "zq",
    )  # fmt: skip
    sosovalue_key: str | None = Field(default=None, repr=False)
    fred_api_key: str | None = Field(default=None, repr=False)
    source_preference: Annotated[dict[str, tuple[str, ...]], NoDecode] = Field(default_factory=dict)
    http_deadline_s: float = Field(default=300.0, gt=0)
    lock_timeout_s: float = Field(default=30.0, ge=0)
    base_urls: Annotated[dict[str, str], NoDecode] = Field(default_factory=dict)
    #: Base URL of Binance's spot REST API (``flowscope book collect``); a mirror or a test server.
    binance_base_url: str = "https://api.binance.com"

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except pydantic.ValidationError as exc:
            raise _config_error(exc, values) from None

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Keyword values, then (inside :func:`load_settings`) the environment and TOML file."""
        inputs = _INPUTS.get()
        if inputs is None:
            return (init_settings,)
        sources: list[PydanticBaseSettingsSource] = [
            init_settings,
            _MappingEnvSource(settings_cls, inputs.env),
        ]
        if inputs.toml_file is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=inputs.toml_file))
        return tuple(sources)

    @field_validator("data_dir", "db_path", mode="before")
    @classmethod
    def _path(cls, raw: Any) -> Any:
        if raw is None or raw == "":
            return None
        if isinstance(raw, str | Path):
            return Path(raw).expanduser()
        return raw

    @field_validator("update_sources", mode="before")
    @classmethod
    def _names(cls, raw: Any) -> Any:
        if isinstance(raw, str):
            return tuple(s.strip() for s in raw.split(",") if s.strip())
        return raw

    @field_validator("source_preference", mode="before")
    @classmethod
    def _preference(cls, raw: Any) -> Any:
        """``"prices=a,b;etf_flows=c"`` -> ``{"prices": ["a", "b"], "etf_flows": ["c"]}``."""
        if not isinstance(raw, str):
            return raw
        table: dict[str, list[str]] = {}
        for part in filter(None, (p.strip() for p in raw.split(";"))):
            name, sep, sources = part.partition("=")
            if not sep or not name.strip():
                msg = f"expected 'dataset=source,source;…', got {part!r}"
                raise ValueError(msg)
            table[name.strip()] = [x.strip() for x in sources.split(",") if x.strip()]
        return table

    @field_validator("source_preference", mode="after")
    @classmethod
    def _preference_names(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        if not all(all(value[k]) for k in value):
            msg = "source names must be non-empty strings"
            raise ValueError(msg)
        return value

    @field_validator("base_urls", mode="before")
    @classmethod
    def _base_urls(cls, raw: Any) -> Any:
        """``"fred=http://h:1;kraken=http://h:2"`` -> ``{"fred": "http://h:1", ...}``."""
        if isinstance(raw, str):
            table: dict[str, str] = {}
            for part in filter(None, (p.strip() for p in raw.split(";"))):
                name, sep, url = part.partition("=")
                if not sep or not name.strip():
                    msg = f"expected 'connector=url;…', got {part!r}"
                    raise ValueError(msg)
                table[name.strip()] = url.strip()
            raw = table
        if isinstance(raw, Mapping):
            for name, url in raw.items():
                if not (isinstance(url, str) and re.match(r"^https?://[^/\s]+", url)):
                    msg = f"base URL of {name!r} must start with http:// or https://, got {url!r}"
                    raise ValueError(msg)
        return raw

    def url_for(self, connector: str, url: str) -> str:
        """``url`` with its scheme and host replaced by ``base_urls[connector]``, if set.

        Examples
        --------
        >>> s = Settings(base_urls={"fred": "http://127.0.0.1:8080"})
        >>> s.url_for("fred", "https://fred.stlouisfed.org/graph/fredgraph.csv")
        'http://127.0.0.1:8080/graph/fredgraph.csv'
        >>> s.url_for("kraken", "https://api.kraken.com/0/public/OHLC")
        'https://api.kraken.com/0/public/OHLC'
        """
        base = self.base_urls.get(connector)
        if not base:
            return url
        m = re.match(r"^https?://[^/]+", url)
        return base.rstrip("/") + (url[m.end() :] if m else "/" + url.lstrip("/"))

    @property
    def resolved_db_path(self) -> Path:
        """The DuckDB file actually used (``db_path`` or ``data_dir/flowscope.duckdb``)."""
        return self.db_path if self.db_path is not None else self.data_dir / "flowscope.duckdb"

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with some fields changed (values are validated)."""
        return type(self)(**{**{k: getattr(self, k) for k in type(self).model_fields}, **changes})


def default_config_path(env: Mapping[str, str] | None = None) -> Path:
    """Return the TOML settings file looked for (it need not exist)."""
    env = os.environ if env is None else env
    if env.get("FLOWSCOPE_CONFIG"):
        return Path(env["FLOWSCOPE_CONFIG"]).expanduser()
    return Path(platformdirs.user_config_dir("flowscope", appauthor=False)) / "config.toml"


def load_settings(
    path: str | Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Load settings from the TOML file, the environment and explicit overrides.

    Parameters
    ----------
    path
        TOML file. ``None`` uses :func:`default_config_path` (missing file = defaults).
        An explicit path that does not exist is an error.
    env
        Environment mapping (defaults to ``os.environ``).
    **overrides
        Field values that win over everything else; ``None`` values are ignored.

    Raises
    ------
    ConfigError
        On unreadable TOML, unknown keys or values of the wrong type; the message names the
        key and its origin (override, variable or file) and never shows a secret's value.
    """
    env = os.environ if env is None else env
    cfg = Path(path).expanduser() if path is not None else default_config_path(env)
    if path is not None and not cfg.exists():
        msg = f"settings file {cfg} does not exist"
        raise ConfigError(msg, origin=str(cfg))
    ours = {k: v for k, v in env.items() if k.upper().startswith(ENV_PREFIX)}
    _check_env_names(ours)
    if ours.get("FLOWSCOPE_DB"):
        ours["FLOWSCOPE_DB_PATH"] = ours["FLOWSCOPE_DB"]
    given = {k: v for k, v in overrides.items() if v is not None}
    with _reading(_Inputs(env=ours, toml_file=cfg if cfg.exists() else None)):
        try:
            return Settings(**given)
        except ConfigError as exc:
            raise _with_origin(exc, given, ours, cfg) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, SettingsError) as exc:
            msg = f"{cfg}: not valid TOML: {exc}"
            raise ConfigError(msg, origin=str(cfg)) from None


@contextlib.contextmanager
def _reading(inputs: _Inputs) -> Iterator[None]:
    token = _INPUTS.set(inputs)
    try:
        yield
    finally:
        _INPUTS.reset(token)


def _check_env_names(env: Mapping[str, str]) -> None:
    known = {ENV_PREFIX + name.upper() for name in Settings.model_fields}
    for key in sorted(env):
        if key.upper() not in known and key.upper() not in ENV_NOT_SETTINGS:
            msg = f"unknown environment variable {key}; known settings: " + ", ".join(sorted(known))
            raise ConfigError(msg, key=key, origin="environment")


def _config_error(exc: pydantic.ValidationError, values: Mapping[str, Any]) -> ConfigError:
    """One line for the first problem: the key, the reason, the value unless it is secret."""
    known = sorted(Settings.model_fields)
    unknown = sorted(str(e["loc"][0]) for e in exc.errors() if e["type"] == "extra_forbidden")
    if unknown:
        msg = f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(known)}"
        return ConfigError(msg, key=unknown[0])
    err = exc.errors()[0]
    key = str(err["loc"][0]) if err["loc"] else "?"
    shown = "(hidden)" if key in _SECRETS else repr(err.get("input"))
    reason = err["msg"].removeprefix("Value error, ")
    msg = f"setting {key!r} has an invalid value {shown}: {reason}"
    return ConfigError(msg, key=key)


def _with_origin(
    exc: ConfigError, given: Mapping[str, Any], env: Mapping[str, str], cfg: Path
) -> ConfigError:
    """Prefix the error with where its key was set: override, variable or settings file."""
    key = exc.key or ""
    var = (
        "FLOWSCOPE_DB" if key == "db_path" and env.get("FLOWSCOPE_DB") else ENV_PREFIX + key.upper()
    )
    if key in given:
        origin = "override"
    elif any(k.upper() == var for k in env):
        origin = f"environment variable {var}"
    else:
        origin = str(cfg)
    return ConfigError(f"{origin}: {exc}", key=exc.key, origin=origin)

"""Settings: one frozen object, read from an optional TOML file and ``FLOWSCOPE_*`` variables.

Precedence (highest first): explicit keyword overrides, environment variables, the TOML file,
defaults. The TOML file is ``$FLOWSCOPE_CONFIG`` if set, else ``config.toml`` in the user
config dir (``platformdirs.user_config_dir("flowscope")``). Unknown keys are rejected, in the
file and in the environment, so a typo never silently falls back to a default.

Example ``config.toml``::

    db_path = "/data/flowscope.duckdb"
    http_timeout_s = 20
    update_sources = ["farside", "fred"]
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from flowscope.errors import ConfigError

__all__ = ["ENV_PREFIX", "Settings", "default_config_path", "load_settings"]

ENV_PREFIX = "FLOWSCOPE_"
#: Environment variables with the prefix that are not settings fields.
_ENV_NOT_FIELDS = {"FLOWSCOPE_CONFIG", "FLOWSCOPE_DB"}


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("flowscope", appauthor=False))


@dataclass(frozen=True, kw_only=True)
class Settings:
    """flowscope settings (frozen, keyword-only).

    Attributes
    ----------
    data_dir
        Folder for the store, trained models and caches. ``FLOWSCOPE_DATA_DIR``.
    db_path
        DuckDB file. Defaults to ``data_dir / "flowscope.duckdb"``. ``FLOWSCOPE_DB_PATH``
        (the shorter ``FLOWSCOPE_DB`` and the CLI's ``--db`` also set it).
    http_timeout_s
        Timeout of one HTTP request, seconds. ``FLOWSCOPE_HTTP_TIMEOUT_S``.
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
        SoSoValue API key; ``None`` unless ``FLOWSCOPE_SOSOVALUE_KEY`` is set. Never logged.
    fred_api_key
        Optional FRED API key (the CSV endpoint needs none). ``FLOWSCOPE_FRED_API_KEY``.
    source_preference
        Per dataset, the sources in order of trust, replacing the dataset's declared order
        (:attr:`flowscope.schemas.DatasetSpec.source_preference`). TOML table
        ``[source_preference]`` with ``prices = ["coinbase", "cryptoquant"]``, or
        ``FLOWSCOPE_SOURCE_PREFERENCE="prices=coinbase,cryptoquant;etf_flows=farside"``.
    """

    data_dir: Path = field(default_factory=_default_data_dir)
    db_path: Path | None = None
    http_timeout_s: float = 30.0
    http_retries: int = 2
    user_agent: str = "flowscope/0.1 (+https://pypi.org/project/flowscope/)"
    update_sources: tuple[str, ...] = (
        "farside", "fred", "fomc", "coinbase", "kraken", "yahoo", "zq",
    )  # fmt: skip
    sosovalue_key: str | None = field(default=None, repr=False)
    fred_api_key: str | None = field(default=None, repr=False)
    source_preference: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def resolved_db_path(self) -> Path:
        """The DuckDB file actually used (``db_path`` or ``data_dir/flowscope.duckdb``)."""
        return self.db_path if self.db_path is not None else self.data_dir / "flowscope.duckdb"

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with some fields changed (values are validated)."""
        return _build({**_asdict(self), **changes}, origin="override")


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
        On unreadable TOML, unknown keys or values of the wrong type.
    """
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    explicit = path is not None
    cfg = Path(path).expanduser() if path is not None else default_config_path(env)
    if cfg.exists():
        try:
            values.update(tomllib.loads(cfg.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            msg = f"{cfg}: not valid TOML: {exc}"
            raise ConfigError(msg, origin=str(cfg)) from exc
        _check_keys(values, origin=str(cfg))
    elif explicit:
        msg = f"settings file {cfg} does not exist"
        raise ConfigError(msg, origin=str(cfg))
    names = {f.name for f in dataclasses.fields(Settings)}
    for key, raw in env.items():
        if not key.startswith(ENV_PREFIX) or key in _ENV_NOT_FIELDS:
            continue
        name = key[len(ENV_PREFIX) :].lower()
        if name not in names:
            msg = f"unknown environment variable {key}; known settings: " + ", ".join(
                sorted(ENV_PREFIX + n.upper() for n in names)
            )
            raise ConfigError(msg, key=key, origin="environment")
        values[name] = raw
    if env.get("FLOWSCOPE_DB"):
        values["db_path"] = env["FLOWSCOPE_DB"]
    values.update({k: v for k, v in overrides.items() if v is not None})
    return _build(values, origin=str(cfg))


def _check_keys(values: Mapping[str, Any], *, origin: str) -> None:
    names = {f.name for f in dataclasses.fields(Settings)}
    unknown = sorted(set(values) - names)
    if unknown:
        msg = (
            f"{origin}: unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(names))}"
        )
        raise ConfigError(msg, key=unknown[0], origin=origin)


def _asdict(s: Settings) -> dict[str, Any]:
    return {f.name: getattr(s, f.name) for f in dataclasses.fields(s)}


def _build(values: Mapping[str, Any], *, origin: str) -> Settings:
    _check_keys(values, origin=origin)
    out: dict[str, Any] = {}
    for key, raw in values.items():
        try:
            out[key] = _coerce(key, raw)
        except (TypeError, ValueError) as exc:
            msg = f"{origin}: setting {key!r} has an invalid value {raw!r}: {exc}"
            raise ConfigError(msg, key=key, origin=origin) from exc
    return Settings(**out)


def _coerce(key: str, raw: Any) -> Any:
    if key in {"data_dir", "db_path"}:
        return None if raw in (None, "") else Path(str(raw)).expanduser()
    if key == "http_timeout_s":
        value = float(raw)
        if value <= 0:
            msg = "must be > 0"
            raise ValueError(msg)
        return value
    if key == "http_retries":
        value = int(raw)
        if value < 0:
            msg = "must be >= 0"
            raise ValueError(msg)
        return value
    if key == "update_sources":
        if isinstance(raw, str):
            return tuple(s.strip() for s in raw.split(",") if s.strip())
        if isinstance(raw, list | tuple) and all(isinstance(s, str) for s in raw):
            return tuple(raw)
        msg = "expected a list of connector names"
        raise TypeError(msg)
    if key == "source_preference":
        return _coerce_preference(raw)
    if raw is not None and not isinstance(raw, str):
        msg = "expected a string"
        raise TypeError(msg)
    return raw


def _coerce_preference(raw: Any) -> dict[str, tuple[str, ...]]:
    """``{"prices": ["a", "b"]}`` or ``"prices=a,b;etf_flows=c"`` -> dict of tuples."""
    if isinstance(raw, str):
        table: dict[str, Any] = {}
        for part in filter(None, (p.strip() for p in raw.split(";"))):
            name, sep, sources = part.partition("=")
            if not sep or not name.strip():
                msg = f"expected 'dataset=source,source;…', got {part!r}"
                raise ValueError(msg)
            table[name.strip()] = [x.strip() for x in sources.split(",") if x.strip()]
        raw = table
    if not isinstance(raw, Mapping):
        msg = "expected a table of dataset = [source, …]"
        raise TypeError(msg)
    out: dict[str, tuple[str, ...]] = {}
    for name, sources in raw.items():
        if isinstance(sources, str) or not isinstance(sources, list | tuple):
            msg = f"{name}: expected a list of source names"
            raise TypeError(msg)
        if not all(isinstance(x, str) and x for x in sources):
            msg = f"{name}: source names must be non-empty strings"
            raise TypeError(msg)
        out[str(name)] = tuple(sources)
    return out

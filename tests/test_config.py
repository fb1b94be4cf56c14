from __future__ import annotations

from pathlib import Path

import pydantic
import pytest

from flowscope.config import Settings, load_settings
from flowscope.errors import ConfigError


def test_defaults_without_file_or_env(tmp_path):
    s = load_settings(env={"FLOWSCOPE_CONFIG": str(tmp_path / "none.toml")})
    assert s.http_timeout_s == 30.0
    assert s.resolved_db_path == s.data_dir / "flowscope.duckdb"


def test_toml_then_env_then_overrides(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('http_timeout_s = 12\nupdate_sources = ["farside"]\ndb_path = "/tmp/a.duckdb"\n')
    env = {"FLOWSCOPE_HTTP_TIMEOUT_S": "7.5", "FLOWSCOPE_DB": "/tmp/b.duckdb"}
    s = load_settings(cfg, env=env)
    assert (s.http_timeout_s, s.update_sources, s.db_path) == (
        7.5,
        ("farside",),
        Path("/tmp/b.duckdb"),
    )
    s2 = load_settings(cfg, env=env, db_path="/tmp/c.duckdb")
    assert s2.db_path == Path("/tmp/c.duckdb")


def test_unknown_keys_rejected_in_file_and_env(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("http_timout_s = 12\n")
    with pytest.raises(ConfigError, match=r"unknown setting.*http_timout_s"):
        load_settings(cfg, env={})
    with pytest.raises(ConfigError, match="FLOWSCOPE_SOSOVALUE_KEYY"):
        load_settings(
            env={"FLOWSCOPE_SOSOVALUE_KEYY": "x", "FLOWSCOPE_CONFIG": str(tmp_path / "n.toml")}
        )


def test_bad_values_name_the_key(tmp_path):
    with pytest.raises(ConfigError, match="'http_timeout_s'"):
        load_settings(
            env={"FLOWSCOPE_HTTP_TIMEOUT_S": "-1", "FLOWSCOPE_CONFIG": str(tmp_path / "n.toml")}
        )
    bad = tmp_path / "bad.toml"
    bad.write_text("http_timeout_s = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_settings(bad, env={})


def test_settings_are_frozen_and_secret_not_in_repr(tmp_path):
    s = load_settings(
        env={"FLOWSCOPE_SOSOVALUE_KEY": "sk-secret", "FLOWSCOPE_CONFIG": str(tmp_path / "n.toml")}
    )
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        s.http_timeout_s = 1  # type: ignore[misc]
    assert s.sosovalue_key == "sk-secret"
    assert "sk-secret" not in repr(s)
    assert isinstance(s.replace(http_retries=0), Settings)


def test_explicit_missing_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", env={})


def test_test_only_and_alias_variables_are_not_unknown_settings(tmp_path):
    env = {
        "FLOWSCOPE_SHARED_DATA": str(tmp_path),
        "FLOWSCOPE_CONFIG": str(tmp_path / "n.toml"),
        "FLOWSCOPE_DB": str(tmp_path / "x.duckdb"),
    }
    s = load_settings(env=env)
    assert s.resolved_db_path == tmp_path / "x.duckdb"


def test_secret_of_the_wrong_type_is_named_but_never_echoed(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("sosovalue_key = 918273645546\n")
    with pytest.raises(ConfigError, match="sosovalue_key") as info:
        load_settings(cfg, env={})
    assert "918273645546" not in str(info.value)
    assert info.value.key == "sosovalue_key"


def test_bad_env_value_names_the_variable(tmp_path):
    env = {"FLOWSCOPE_HTTP_RETRIES": "two", "FLOWSCOPE_CONFIG": str(tmp_path / "n.toml")}
    with pytest.raises(ConfigError, match=r"FLOWSCOPE_HTTP_RETRIES.*'http_retries'.*'two'"):
        load_settings(env=env)


def test_lists_and_tables_from_env_and_toml(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[source_preference]\nprices = ["kraken", "coinbase"]\n')
    s = load_settings(cfg, env={"FLOWSCOPE_UPDATE_SOURCES": "farside, fred,"})
    assert s.update_sources == ("farside", "fred")
    assert s.source_preference == {"prices": ("kraken", "coinbase")}
    env = {"FLOWSCOPE_SOURCE_PREFERENCE": "prices=coinbase,cryptoquant;etf_flows=farside"}
    s = load_settings(cfg, env=env)
    assert s.source_preference == {
        "prices": ("coinbase", "cryptoquant"),
        "etf_flows": ("farside",),
    }
    with pytest.raises(ConfigError, match="source_preference"):
        load_settings(cfg, env={"FLOWSCOPE_SOURCE_PREFERENCE": "prices"})
    bad = tmp_path / "bad.toml"
    bad.write_text('source_preference = { prices = "coinbase" }\n')
    with pytest.raises(ConfigError, match=f"{bad.name}.*source_preference"):
        load_settings(bad, env={})


def test_empty_variable_means_unset(tmp_path):
    env = {"FLOWSCOPE_DB_PATH": "", "FLOWSCOPE_CONFIG": str(tmp_path / "n.toml")}
    assert load_settings(env=env).db_path is None


def test_plain_constructor_reads_no_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("FLOWSCOPE_HTTP_RETRIES", "9")
    monkeypatch.setenv("FLOWSCOPE_CONFIG", str(tmp_path / "n.toml"))
    assert Settings().http_retries == 2
    assert load_settings().http_retries == 9


def test_replace_and_constructor_validate(tmp_path):
    s = load_settings(env={"FLOWSCOPE_CONFIG": str(tmp_path / "n.toml")})
    with pytest.raises(ConfigError, match="'http_retries'"):
        s.replace(http_retries=-1)
    with pytest.raises(ConfigError, match=r"unknown setting.*http_retry"):
        Settings(http_retry=1)
    with pytest.raises(ConfigError, match=r"override: .*'http_timeout_s'"):
        load_settings(env={"FLOWSCOPE_CONFIG": str(tmp_path / "n.toml")}, http_timeout_s=0)

from __future__ import annotations

import dataclasses
from pathlib import Path

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
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.http_timeout_s = 1  # type: ignore[misc]
    assert s.sosovalue_key == "sk-secret"
    assert "sk-secret" not in repr(s)
    assert isinstance(s.replace(http_retries=0), Settings)


def test_explicit_missing_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", env={})

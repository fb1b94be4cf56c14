"""Rule files: validation errors name the TOML key; presets on real data; holding period."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from flowscope.cli import app
from flowscope.errors import ValidationError
from flowscope.signals.regime import (
    PRESETS,
    preset_rules,
    regime_positions,
    rules_from_toml,
    run_regime,
)

BASE = """
[regime]
risk_on = 1
risk_off = -1

[fronts.trend]
kind = "trend"
window = 50

[[conditions]]
name = "above"
front = "trend"
op = ">"
threshold = 0
weight = 1
"""


@pytest.mark.parametrize(
    ("text", "key"),
    [
        (BASE.replace('op = ">"', 'op = "=>"'), "conditions[0].op"),
        (BASE.replace("window = 50", "window = 0"), "fronts.trend.window"),
        (BASE.replace("window = 50", "windw = 5"), "fronts.trend.windw"),
        (BASE.replace('front = "trend"', 'front = "trnd"'), "conditions[0].front"),
        (BASE.replace("risk_off = -1", "risk_off = 2"), "regime"),
        (BASE.replace('kind = "trend"', 'kind = "moon"'), "fronts.trend"),
    ],
)
def test_bad_rules_name_the_key(text, key):
    with pytest.raises(ValidationError) as err:
        rules_from_toml(text, origin="my.toml")
    assert err.value.param_name == key
    assert str(err.value).startswith(f"my.toml: {key}")


def test_state_needs_a_quoted_state_name():
    text = BASE.replace('op = ">"\nthreshold = 0', 'field = "state"\nop = ">"\nthreshold = 0')
    with pytest.raises(ValidationError, match=r"conditions\[0\]"):
        rules_from_toml(text)


def test_presets_load():
    assert {preset_rules(n).name for n in PRESETS} == set(PRESETS)


def test_siege_on_2025_11_28_follows_its_conditions(inputs):
    days = pd.DatetimeIndex(["2025-11-28"], name="date")
    res = run_regime(inputs, preset_rules("siege"), days=days)
    met = res.explanation.set_index("condition")["met"]
    assert met["IBIT 10-session flow negative"] and met["Total 10-session flow negative"]
    # The 2025-10-29 statement (a 25 bp cut) reads dovish under the lexicon model: 1 hawkish
    # and 4 dovish of 14 policy sentences, so the Fed condition of the note is not met.
    assert met["FOMC statement dovish"] and not met["FOMC statement not dovish"]
    assert not met["Next-meeting cut odds below 50 %"]  # no futures held: neutral
    assert res.daily.loc["2025-11-28", "score"] == -1  # -1 -1 +1
    assert res.daily.loc["2025-11-28", "regime"] == "neutral"


def test_min_hold_days_keeps_each_regime_at_least_that_long(inputs):
    text = (
        BASE
        + '\n[[conditions]]\nname = "below"\nfront = "trend"\nop = "<"\nthreshold = 0\nweight = -1\n'
    )
    days = pd.date_range("2025-01-01", "2025-12-31", name="date")
    free = run_regime(inputs, rules_from_toml(text), days=days).daily["regime"]
    held = run_regime(
        inputs,
        rules_from_toml(text.replace("risk_off = -1", "risk_off = -1\nmin_hold_days = 10")),
        days=days,
    ).daily["regime"]
    runs = (held != held.shift()).cumsum()
    lengths = held.groupby(runs).size()
    assert (lengths.iloc[:-1] >= 10).all()
    assert (
        (free != free.shift()).cumsum().groupby((free != free.shift()).cumsum()).size() < 10
    ).any()


def test_positions_map_risk_off_to_zero_or_short():
    f = pd.DataFrame({"regime": ["risk_on", "neutral", "risk_off"]})
    assert regime_positions(f).tolist() == [1.0, 0.0, 0.0]
    assert regime_positions(f, risk_off=-1).tolist() == [1.0, 0.0, -1.0]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """A store built like `flowscope init` and closed (the CLI opens it read-only)."""
    from flowscope._bundle import load_bundle
    from flowscope.storage import Store

    path = tmp_path_factory.mktemp("regime") / "store.duckdb"
    with Store(path) as store:
        load_bundle(store)
    return str(path)


def test_cli_regime_json_and_bad_rules_file(tmp_path, db):
    runner = CliRunner()
    r = runner.invoke(app, ["--db", db, "regime", "--asof", "2025-11-28", "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["regime"] == "neutral" and len(doc["conditions"]) == 8
    bad = tmp_path / "bad.toml"
    bad.write_text(BASE.replace('op = ">"', 'op = "=>"'))
    r = runner.invoke(app, ["--db", db, "regime", "--rules", str(bad)])
    assert r.exit_code == 1
    assert "conditions[0].op" in r.stderr
    r = runner.invoke(
        app,
        [
            "--db",
            db,
            "regime",
            "--preset",
            "trend",
            "--start",
            "2025-11-01",
            "--asof",
            "2025-11-10",
            "--format",
            "json",
        ],
    )
    assert r.exit_code == 0
    assert len(json.loads(r.stdout)["history"]) == 10

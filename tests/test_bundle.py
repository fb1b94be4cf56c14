"""The bundled snapshot: size, licences, provenance, and that it rebuilds from the shared data."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from importlib.resources import files

import pandas as pd
import pytest

from flowscope._bundle import bundle_manifest

DATA = files("flowscope") / "data"
ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


def test_bundle_is_small_and_every_file_matches_its_checksum():
    entries = bundle_manifest()
    total = 0
    for e in entries:
        blob = (DATA / e["file"]).read_bytes()
        total += len(blob)
        assert hashlib.sha256(blob).hexdigest() == e["sha256"], e["file"]
    assert {e["dataset"] for e in entries} >= {"etf_flows", "prices", "rates", "fomc_meetings"}
    assert total < 15 * 1024 * 1024


def test_bundle_has_no_noncommercial_or_lgpl_data():
    for e in bundle_manifest():
        for o in e["origins"]:
            assert "tdw_" not in o["path"] and "nautilus_" not in o["path"], o
            assert "NC" not in o["licence"] and "LGPL" not in o["licence"], o
    text = (DATA / "SOURCES.md").read_text()
    assert "No CC BY-NC or" in text


def test_bundle_rebuilds_to_the_same_rows(tmp_path, shared_data):
    spec = importlib.util.spec_from_file_location(
        "build_bundle", ROOT / "scripts" / "build_bundle.py"
    )
    mod = importlib.util.module_from_spec(spec)
    sys.modules["build_bundle"] = mod
    spec.loader.exec_module(mod)
    assert mod.main(["--shared", str(shared_data), "--out", str(tmp_path)]) == 0
    rebuilt = json.loads((tmp_path / "bundle.json").read_text())["files"]
    shipped = {e["file"]: e for e in bundle_manifest()}
    assert [e["file"] for e in rebuilt] == list(shipped)
    for e in rebuilt:
        assert e["rows"] == shipped[e["file"]]["rows"], e["file"]
        pd.testing.assert_frame_equal(
            pd.read_parquet(tmp_path / e["file"]),
            pd.read_parquet(DATA / e["file"]),
            check_like=False,
        )


@pytest.mark.parametrize(
    ("symbol", "source", "day", "close"),
    [
        ("BTC-USD", "cryptoquant", "2024-12-25", 99341.25),
        ("BTC-USD", "yahoo", "2015-12-25", 455.65),
    ],
)
def test_bundled_store_holds_known_closes(bundled_store, symbol, source, day, close):
    df = bundled_store.prices(symbol, source=source, start=day, end=day)
    assert df["close"].iloc[0] == pytest.approx(close, abs=0.01)

"""Results cached beside a real DuckDB store's stamp (``flowscope.storage._results``): used
only while the store, the arguments, the code and the libraries are those they were made with."""

from __future__ import annotations

import pickle
import shutil
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

from flowscope.sources import read_file
from flowscope.storage import Store, _results
from flowscope.storage._results import FORMAT, KEEP, ResultCache, code_fingerprint

CQ = "btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"


def _flows(db: Path) -> pd.DataFrame:
    with Store(db, read_only=True) as s:
        return s.sql("SELECT date, fund, flow_usd FROM etf_flows ORDER BY date, fund")


def test_a_saved_result_is_read_back_while_the_store_is_unchanged(farside_db, tmp_path):
    frame = _flows(farside_db)
    args = {"asof": "2025-11-20"}
    assert ResultCache(farside_db, "t", args, cache_dir=tmp_path).save(frame)
    got = ResultCache(farside_db, "t", args, cache_dir=tmp_path).load()
    pdt.assert_frame_equal(got, frame)
    # other arguments, another kind: another entry
    assert ResultCache(farside_db, "t", {"asof": "2025-11-21"}, cache_dir=tmp_path).load() is None
    assert ResultCache(farside_db, "u", args, cache_dir=tmp_path).load() is None


def test_any_write_to_the_store_makes_the_result_stale(farside_db, tmp_path, shared_data):
    frame = _flows(farside_db)
    assert ResultCache(farside_db, "t", {}, cache_dir=tmp_path).save(frame)
    parsed = read_file(shared_data / CQ, "prices")
    with Store(farside_db) as s:
        s.upsert("prices", parsed.frame.head(5), source=parsed.source)
    assert ResultCache(farside_db, "t", {}, cache_dir=tmp_path).load() is None


def test_a_result_computed_while_the_store_changed_is_not_saved(farside_db, tmp_path, shared_data):
    cache = ResultCache(farside_db, "t", {}, cache_dir=tmp_path)  # stamp taken before reading
    frame = _flows(farside_db)
    parsed = read_file(shared_data / CQ, "prices")
    with Store(farside_db) as s:  # another writer, meanwhile
        s.upsert("prices", parsed.frame.head(5), source=parsed.source)
    assert not cache.save(frame)
    assert cache.load() is None
    assert not list(tmp_path.glob("t-*.pickle"))


def test_corrupt_cut_or_foreign_entries_are_misses_not_errors(farside_db, tmp_path):
    frame = _flows(farside_db)
    cache = ResultCache(farside_db, "t", {}, cache_dir=tmp_path)
    assert cache.save(frame)
    whole = cache.path.read_bytes()
    cache.path.write_bytes(whole[: len(whole) // 2])  # a cut file
    assert cache.load() is None
    cache.path.write_bytes(b"not a pickle at all")
    assert cache.load() is None
    with cache.path.open("wb") as fh:  # another format tag
        pickle.dump({"format": "something-else/9", "libraries": {}}, fh)
        pickle.dump(frame, fh)
    assert cache.load() is None


def test_a_result_pickled_with_another_pandas_is_not_used(farside_db, tmp_path):
    frame = _flows(farside_db)
    cache = ResultCache(farside_db, "t", {}, cache_dir=tmp_path)
    with cache.path.open("wb") as fh:
        pickle.dump({"format": FORMAT, "libraries": {"pandas": "1.5.3"}}, fh)
        pickle.dump(frame, fh)
    assert cache.load() is None
    with cache.path.open("wb") as fh:
        pickle.dump({"format": FORMAT, "libraries": {"pandas": pd.__version__}}, fh)
        pickle.dump(frame, fh)
    pdt.assert_frame_equal(cache.load(), frame)


def test_the_code_fingerprint_follows_every_file_of_the_package(tmp_path, monkeypatch):
    pkg = Path(_results.__file__).resolve().parents[1]
    copy = tmp_path / "flowscope"
    shutil.copytree(pkg, copy, ignore=shutil.ignore_patterns("__pycache__", "data"))
    fake_file = copy / "storage" / "_results.py"
    monkeypatch.setattr(_results, "__file__", str(fake_file))
    code_fingerprint.cache_clear()
    try:
        before = code_fingerprint()
        (copy / "analytics" / "flows.py").write_text("# edited\n", encoding="utf-8")
        code_fingerprint.cache_clear()
        assert code_fingerprint() != before
    finally:
        code_fingerprint.cache_clear()


def test_only_the_newest_entries_are_kept(farside_db, tmp_path):
    for i in range(KEEP + 3):
        assert ResultCache(farside_db, "t", {"i": i}, cache_dir=tmp_path).save(i, needs=())
    left = list(tmp_path.glob("t-*.pickle"))
    assert len(left) == KEEP
    assert ResultCache(farside_db, "t", {"i": KEEP + 2}, cache_dir=tmp_path).load() == KEEP + 2


def test_a_store_that_does_not_exist_is_never_cached(tmp_path):
    cache = ResultCache(tmp_path / "none.duckdb", "t", {}, cache_dir=tmp_path)
    assert not cache.usable
    assert not cache.save(1, needs=())
    assert cache.load() is None


def test_unknown_libraries_are_refused(farside_db, tmp_path):
    with pytest.raises(ValueError, match="needs"):
        ResultCache(farside_db, "t", {}, cache_dir=tmp_path).save(1, needs=("os",))

"""ZQ (fed funds futures) file formats on the real files and CME-shaped fixtures."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import FIXTURES

from flowscope.errors import FlowscopeError, ParseError
from flowscope.sources import detect_format, read_file

FF = "fed_futures"


@pytest.fixture(scope="module")
def long_file(shared_data):
    return read_file(shared_data / FF / "pyfedwatch_zq_daily_long.csv.gz", "fed_futures")


def test_long_csv_reads_all_432_contracts_with_centuries_resolved(long_file):
    f = long_file.frame
    assert long_file.format == "zq-long-csv"
    assert long_file.source == "pyfedwatch"
    assert len(f) == 199_555
    assert f["contract"].nunique() == 432
    assert f["date"].min() == pd.Timestamp("1989-08-25")
    assert f["date"].max() == pd.Timestamp("2023-09-15")
    months = f.groupby("contract")["contract_month"].first()
    assert months["ZQZ99"] == pd.Timestamp("1999-12-01")
    assert months["ZQF00"] == pd.Timestamp("2000-01-01")
    assert months["ZQZ25"] == pd.Timestamp("2025-12-01")
    live = f[f.date == "2023-09-15"]
    assert len(live) == 28  # ZQU23 .. ZQZ25


def test_long_csv_expired_contract_settles_at_100_minus_mean_effr(long_file, shared_data):
    # ZQU23 (September 2023): EFFR was 5.33 % every day of the month
    zq = long_file.frame
    last = zq[zq.contract == "ZQU23"].sort_values("date")["settle"].iloc[-1]
    assert last == pytest.approx(100 - 5.33, abs=0.005)


def test_yahoo_file_rounds_float32_artefacts(shared_data):
    p = read_file(shared_data / FF / "yahoo_zq_U24_V24_X24_Z24_daily.csv", "fed_futures")
    assert p.format == "yahoo-zq-csv"
    assert p.source == "yahoo"
    assert len(p.frame) == 3992
    assert sorted(p.frame["contract"].unique()) == ["ZQU24", "ZQV24", "ZQX24", "ZQZ24"]
    ticks = (p.frame["settle"] * 1e5).round() / 1e5
    assert (p.frame["settle"] == ticks).all()
    assert p.frame["open_interest"].isna().all()


def test_yahoo_agrees_with_long_file_within_0_3_bp(long_file, shared_data):
    y = read_file(shared_data / FF / "yahoo_zq_U24_V24_X24_Z24_daily.csv").frame
    both = y.merge(long_file.frame, on=["contract", "date"], suffixes=("_y", "_l"))
    both = both[both.date.dt.year == 2023]
    assert len(both) > 500
    assert (both.settle_y - both.settle_l).abs().max() <= 0.003 + 1e-9


def test_curve_csv_2026_07_14(shared_data):
    path = shared_data / FF / "cme_fedwatch_validation_Mguten" / "cme_validation_zq_curve.csv"
    p = read_file(path, "fed_futures")
    assert p.format == "zq-curve-csv"
    f = p.frame.set_index("contract")
    assert len(f) == 13
    assert f.loc["ZQN26", "settle"] == 96.3688
    assert f.loc["ZQN27", "contract_month"] == pd.Timestamp("2027-07-01")
    assert (f["date"] == pd.Timestamp("2026-07-14")).all()


@pytest.mark.parametrize("suffix", ["json", "csv"])
def test_cme_settlements_layout(suffix, shared_data):
    path = FIXTURES / "rates" / f"cme_settlements_zq_20260714.{suffix}"
    p = read_file(path, "fed_futures")
    assert p.format == f"cme-settlements-{suffix}"
    assert p.source == "cme"
    f = p.frame.set_index("contract")
    assert len(f) == 13
    assert (f["date"] == pd.Timestamp("2026-07-14")).all()
    assert f.loc["ZQN26", "open"] == 96.3688  # "96.3688B": bid suffix dropped
    assert f.loc["ZQN26", "high"] == 96.3688  # "96.3688A"
    assert pd.isna(f.loc["ZQQ26", "volume"])  # "-": no trade
    curve = read_file(
        shared_data / FF / "cme_fedwatch_validation_Mguten" / "cme_validation_zq_curve.csv"
    ).frame.set_index("contract")
    pd.testing.assert_series_equal(f["settle"], curve["settle"], check_names=False)
    if suffix == "json":
        assert any("TOTAL" in (i.detail or "").upper() for i in p.issues)


def test_cme_settlement_that_is_not_a_price_names_row_and_field(tmp_path):
    src = (FIXTURES / "rates" / "cme_settlements_zq_20260714.csv").read_text()
    bad = tmp_path / "settlements_20260714.csv"
    bad.write_text(src.replace("96.2825", "96.28x25"))
    with pytest.raises(ParseError, match=r"row 3.*'Settle'.*96.28x25"):
        read_file(bad, "fed_futures")


def test_cme_csv_without_trade_date_is_refused(tmp_path):
    src = (FIXTURES / "rates" / "cme_settlements_zq_20260714.csv").read_text()
    bad = tmp_path / "settlements.csv"
    bad.write_text(src)
    with pytest.raises(ParseError, match="trade date"):
        read_file(bad, "fed_futures")


def test_bad_symbol_and_implausible_price_are_reported(tmp_path):
    p = tmp_path / "zq.csv"
    p.write_text("Symbol,Date,Open,High,Low,Close,Volume,OpenInterest\n"
                 "ZQU23,2023-09-01,94.67,94.67,94.67,94.67,0,0\n"
                 "ZQU23,2023-09-05,94.67,94.67,94.67,9467,0,0\n")  # fmt: skip
    with pytest.raises(ParseError, match=r"row 3.*settle.*9467"):
        read_file(p, "fed_futures")
    p.write_text("Symbol,Date,Open,High,Low,Close,Volume,OpenInterest\n"
                 "ZQU23,2023-09-01,94.67,94.67,94.67,94.67,0,0\n"
                 "ESU23,2023-09-05,94.67,94.67,94.67,94.67,0,0\n")  # fmt: skip
    with pytest.raises(ParseError, match=r"row 3.*ESU23"):
        read_file(p, "fed_futures")


def test_imported_into_store_idempotently(store, shared_data):
    p = read_file(shared_data / FF / "yahoo_zq_U24_V24_X24_Z24_daily.csv", "fed_futures")
    first = store.upsert("fed_futures", p.frame, source=p.source)
    again = store.upsert("fed_futures", p.frame, source=p.source)
    assert (first.inserted, again.inserted, again.unchanged) == (3992, 0, 3992)
    back = store.read("fed_futures", where={"contract": "ZQZ24"})
    assert len(back) == 998


def test_detect_format_does_not_claim_other_files(shared_data):
    fomc = shared_data / FF / "cme_fedwatch_validation_Mguten" / "fomc_dates.csv"
    from flowscope.errors import UnknownFormatError

    with pytest.raises(UnknownFormatError):
        detect_format(fomc, "fed_futures")


def test_cme_month_spelling_jly_is_july(tmp_path):
    src = (FIXTURES / "rates" / "cme_settlements_zq_20260714.csv").read_text()
    alt = tmp_path / "settlements_20260714.csv"
    alt.write_text(src.replace("JUL 26", "JLY 26"))
    f = read_file(alt, "fed_futures").frame.set_index("contract")
    assert f.loc["ZQN26", "settle"] == 96.3688
    assert len(f) == 13


def _snippet(path, n=15):
    import gzip

    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as fh:
        return "".join(next(fh) for _ in range(n))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), which=st.integers(min_value=0, max_value=4))
def test_mangled_files_raise_only_flowscope_errors(tmp_path, shared_data, data, which):
    files = [
        (FIXTURES / "rates" / "cme_settlements_zq_20260714.csv", None),
        (FIXTURES / "rates" / "cme_settlements_zq_20260714.json", None),
        (shared_data / FF / "pyfedwatch_zq_daily_long.csv.gz", "zq.csv"),
        (shared_data / FF / "yahoo_zq_U24_V24_X24_Z24_daily.csv", "yahoo.csv"),
        (shared_data / FF / "cme_fedwatch_validation_Mguten" / "cme_validation_zq_curve.csv", None),
    ]
    src, rename = files[which]
    text = _snippet(src) if rename else src.read_text()
    pos = data.draw(st.integers(min_value=0, max_value=len(text) - 1))
    cut = data.draw(st.integers(min_value=0, max_value=20))
    junk = data.draw(st.text(alphabet=',."-AB0123456789 \n{}[]:xZQ', max_size=8))
    path = tmp_path / (rename or src.name)
    path.write_text(text[:pos] + junk + text[pos + cut :])
    try:
        parsed = read_file(path, "fed_futures")
    except FlowscopeError:
        return
    f = parsed.frame
    assert f["settle"].between(50, 110).all()
    assert f["contract"].str.match(r"^ZQ[FGHJKMNQUVXZ]\d\d$").all()

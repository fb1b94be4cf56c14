"""Rates and futures files: FRED several-series CSVs, CME tradeDate settlements, garbage kept out.

Every test file here is derived from a real file in ../shared/data (joined, cut or with a few
cells changed); the expected values come from the untouched real file read with pandas.
"""

from __future__ import annotations

import gzip

import pandas as pd
import pytest
from typer.testing import CliRunner

from flowscope.cli import app
from flowscope.errors import ParseError
from flowscope.sources import read_file

RD = "fed_futures/fred_policy_rates_riskdivergence"
ZQ_LONG = "fed_futures/pyfedwatch_zq_daily_long.csv.gz"
runner = CliRunner()


def _fred(shared_data, sid: str) -> pd.DataFrame:
    df = pd.read_csv(shared_data / RD / f"{sid}.csv", dtype=str)
    return df.rename(columns={"Date": "observation_date", "Value": sid})


@pytest.fixture(scope="module")
def wide_text(shared_data) -> str:
    """fredgraph.csv layout for three ids, from the real one-series files joined on date.

    Days without an EFFR observation (weekends, holidays) hold '.', as fredgraph writes them.
    """
    lo, hi, effr = (_fred(shared_data, s) for s in ("DFEDTARL", "DFEDTARU", "EFFR"))
    wide = lo.merge(hi, on="observation_date", how="outer").merge(
        effr, on="observation_date", how="left"
    )
    wide = wide[wide.observation_date >= "2025-01-01"].fillna(".")
    return wide.to_csv(index=False, lineterminator="\n")


# -- FRED several-series (wide) -------------------------------------------------------------


def test_fred_wide_file_gives_each_series_as_its_one_series_file(tmp_path, shared_data, wide_text):
    path = tmp_path / "fredgraph.csv"
    path.write_text(wide_text)
    parsed = read_file(path, "rates")
    assert parsed.format == "fred-wide-csv"
    got = parsed.frame.set_index(["series", "date"])["value"]
    for sid in ("DFEDTARL", "DFEDTARU", "EFFR"):
        real = pd.read_csv(shared_data / RD / f"{sid}.csv", parse_dates=["Date"])
        real = real[real.Date >= "2025-01-01"].set_index("Date")["Value"]
        mine = got.xs(sid)
        assert len(mine) == len(real)
        pd.testing.assert_series_equal(mine, real, check_names=False, check_index_type=False)
    # '.' on weekends is missing, never 0: EFFR has no Saturday row at all
    assert (pd.Timestamp("2025-01-04"), "EFFR") not in parsed.frame.set_index(
        ["date", "series"]
    ).index
    assert (parsed.frame["value"] != 0).all()
    skipped = [i for i in parsed.issues if "without an observation" in i.reason]
    assert skipped and skipped[0].row is None


def test_fred_wide_file_round_trips_through_the_store(tmp_path, store, wide_text):
    path = tmp_path / "fredgraph.csv"
    path.write_text(wide_text)
    parsed = read_file(path, "rates")
    first = store.upsert("rates", parsed.frame, source=parsed.source)
    again = store.upsert("rates", parsed.frame, source=parsed.source)
    assert (again.inserted, again.unchanged) == (0, first.inserted)
    back = store.read("rates", where={"series": "DFEDTARU"})
    # MANIFEST 8.1: upper bound 3.75 in March 2026 (the files end 2026-03-27)
    assert back.set_index("date")["value"].iloc[-1] == 3.75


def test_fred_wide_header_does_not_claim_price_files(shared_data):
    from flowscope.sources import detect_format

    fmt = detect_format(shared_data / "macro/market_kittycapital/QQQ.csv")
    assert fmt.dataset == "prices"


# -- garbage kept out, reported with its row ----------------------------------------------


def _effr_lines(shared_data, upto: int) -> list[str]:
    return (shared_data / RD / "EFFR.csv").read_text().splitlines()[:upto]


def test_fred_cut_last_line_is_kept_out_and_reported(tmp_path, shared_data):
    # the real line 2115 is "2008-12-05,0.12"; the download stops after "0.1" (no line end)
    lines = _effr_lines(shared_data, 2115)
    assert lines[-1] == "2008-12-05,0.12"
    path = tmp_path / "EFFR.csv"
    path.write_text("\n".join(lines)[:-1])
    parsed = read_file(path, "rates")
    assert pd.Timestamp("2008-12-05") not in set(parsed.frame["date"])
    assert len(parsed.frame) == 2113
    cut = [i for i in parsed.issues if i.row == 2115]
    assert cut and "cut" in cut[0].reason and cut[0].date == "2008-12-05"


def test_fred_cut_inside_the_date_is_kept_out(tmp_path, shared_data):
    lines = _effr_lines(shared_data, 2115)
    path = tmp_path / "EFFR.csv"
    path.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:9])  # "2008-12-0"
    parsed = read_file(path, "rates")
    assert parsed.frame["date"].max() == pd.Timestamp("2008-12-04")
    assert any(i.row == 2115 for i in parsed.issues)


def test_fred_complete_last_line_without_line_end_is_kept(tmp_path, shared_data):
    lines = _effr_lines(shared_data, 2115)
    path = tmp_path / "EFFR.csv"
    path.write_text("\n".join(lines))  # "…,0.12" complete, only the newline is missing
    parsed = read_file(path, "rates")
    assert parsed.frame.set_index("date")["value"][pd.Timestamp("2008-12-05")] == 0.12
    assert not [i for i in parsed.issues if i.row is not None]


def test_fred_wide_cut_last_line_keeps_out_the_whole_line(tmp_path, wide_text):
    text = wide_text.rstrip("\n")
    last = text.splitlines()[-1]
    path = tmp_path / "fredgraph.csv"
    path.write_text(text[: len(text) - len(last)] + last.rsplit(",", 1)[0])  # EFFR cell gone
    parsed = read_file(path, "rates")
    day = pd.Timestamp(last.split(",")[0])
    assert day not in set(parsed.frame["date"])
    assert any("cut" in i.reason for i in parsed.issues)


@pytest.mark.parametrize(
    ("text", "reason"),
    [("-999", "sentinel"), ("inf", "not finite"), ("-1.5e3", "outside")],
)
def test_fred_impossible_rate_is_kept_out_and_reported(tmp_path, shared_data, text, reason):
    lines = (shared_data / RD / "DFEDTARU.csv").read_text().splitlines()
    date = lines[100].split(",")[0]
    lines[100] = f"{date},{text}"
    path = tmp_path / "DFEDTARU.csv"
    path.write_text("\n".join(lines) + "\n")
    parsed = read_file(path, "rates")
    assert pd.Timestamp(date) not in set(parsed.frame["date"])
    assert len(parsed.frame) == len(lines) - 2
    issue = next(i for i in parsed.issues if i.row == 101)
    assert reason in issue.reason and issue.date == date


def test_fred_sentinel_in_a_level_series_is_kept_out(tmp_path, shared_data):
    src = shared_data / "http_payloads"
    real = next(src.glob("fred_fredgraph_WALCL_*.csv")).read_text().splitlines()
    real[5] = real[5].split(",")[0] + ",-999"
    path = tmp_path / "WALCL.csv"
    path.write_text("\n".join(real) + "\n")
    parsed = read_file(path, "rates")
    assert len(parsed.frame) == len(real) - 2  # millions of USD are not a rate: kept
    assert any(i.row == 6 and "sentinel" in i.reason for i in parsed.issues)


@pytest.mark.parametrize("date", ["1900-01-01", "2099-12-31"])
def test_fred_date_far_outside_the_series_is_kept_out(tmp_path, shared_data, date):
    lines = _effr_lines(shared_data, 500)
    lines.insert(1 if date < "2000" else len(lines), f"{date},3.5")
    path = tmp_path / "EFFR.csv"
    path.write_text("\n".join(lines) + "\n")
    parsed = read_file(path, "rates")
    assert pd.Timestamp(date) not in set(parsed.frame["date"])
    assert len(parsed.frame) == 499
    assert any("far outside" in i.reason and i.date == date for i in parsed.issues)


def test_fred_long_file_garbage_is_kept_out_per_series(tmp_path, shared_data):
    src = shared_data / "fed_futures/fred_policy_rates_riskmodel_2021-05_2026-08_long.csv"
    lines = src.read_text().splitlines()
    sid, day, _ = lines[10].split(",")
    lines[10] = f"{sid},{day},inf"
    path = tmp_path / "long.csv"
    path.write_text("\n".join(lines) + "\n")
    parsed = read_file(path, "rates")
    assert parsed.format == "fred-long-csv"
    assert len(parsed.frame) == 9685 - 1
    assert any(i.row == 11 and i.detail == f"{sid}='inf'" for i in parsed.issues)


# -- header-only and empty files -----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "header"),
    [
        ("EFFR.csv", "Date,Value"),
        ("fredgraph.csv", "observation_date,DFEDTARL,DFEDTARU"),
        ("long.csv", "series_id,date,value"),
    ],
)
def test_header_only_fred_file_is_refused(tmp_path, name, header):
    path = tmp_path / name
    path.write_text(header + "\n")
    with pytest.raises(ParseError, match="no data rows"):
        read_file(path, "rates")


def test_fred_file_with_only_missing_cells_is_refused(tmp_path, wide_text):
    head, *rows = wide_text.splitlines()
    path = tmp_path / "fredgraph.csv"
    path.write_text(head + "\n" + "\n".join(r.split(",")[0] + ",.,." + ",." for r in rows) + "\n")
    with pytest.raises(ParseError, match="no observation"):
        read_file(path, "rates")


def test_header_only_zq_file_is_refused(tmp_path, shared_data):
    with gzip.open(shared_data / ZQ_LONG, "rt") as fh:
        header = fh.readline()
    path = tmp_path / "zq.csv"
    path.write_text(header)
    with pytest.raises(ParseError, match="no data rows"):
        read_file(path, "fed_futures", format="zq-long-csv")


def test_cli_import_of_header_only_file_exits_non_zero_naming_it(tmp_path):
    path = tmp_path / "EFFR.csv"
    path.write_text("observation_date,EFFR\n")
    res = runner.invoke(app, ["--db", str(tmp_path / "s.duckdb"), "import", "rates", str(path)])
    assert res.exit_code == 1
    assert "EFFR.csv" in res.output and "no data rows" in res.output
    assert "0 rows" not in res.output


# -- ZQ settlement range -------------------------------------------------------------------


@pytest.fixture(scope="module")
def zq_2020(shared_data) -> pd.DataFrame:
    zq = pd.read_csv(shared_data / ZQ_LONG, dtype=str)
    return zq[zq.Date.between("2020-05-01", "2020-05-15")].reset_index(drop=True)


def test_zq_settle_just_above_100_in_may_2020_is_real_and_kept(tmp_path, zq_2020):
    path = tmp_path / "zq.csv"
    zq_2020.to_csv(path, index=False)
    f = read_file(path, "fed_futures").frame.set_index(["contract", "date"])
    # negative rates priced in: ZQF22 settled at 100.025 on 2020-05-13
    assert f.loc[("ZQF22", pd.Timestamp("2020-05-13")), "settle"] == 100.02
    assert f.loc[("ZQF22", pd.Timestamp("2020-05-15")), "settle"] == 100.025


@pytest.mark.parametrize("price", ["102.5", "0", "-96.5"])
def test_zq_settle_outside_the_plausible_range_refuses_the_file(tmp_path, zq_2020, price):
    bad = zq_2020.copy()
    bad.loc[7, "Close"] = price
    path = tmp_path / "zq.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(ParseError, match=rf"row 9.*settle.*{price}"):
        read_file(path, "fed_futures")


# -- CME settlements CSV with the trade date first -----------------------------------------


def _tradedate_layout(zq: pd.DataFrame) -> pd.DataFrame:
    """Real ZQ rows in the settlements page's record layout, the trade date first."""
    d = pd.to_datetime(zq["Date"])
    month = pd.to_datetime(
        {
            "year": 2000 + zq["Symbol"].str[-2:].astype(int),
            "month": zq["Symbol"].str[2].map("FGHJKMNQUVXZ".index) + 1,
            "day": 1,
        }
    )
    vol = zq["Volume"].astype(float).astype(int)
    return pd.DataFrame(
        {
            "tradeDate": d.dt.strftime("%m/%d/%Y"),
            "month": month.dt.strftime("%b %y").str.upper(),
            "open": zq["Open"],
            "high": zq["High"],
            "low": zq["Low"],
            "last": "-",
            "change": "-",
            "settle": zq["Close"],
            "volume": vol.map("{:,}".format).where(vol > 0, "-"),
            "openInterest": zq["OpenInterest"].astype(float).astype(int).map("{:,}".format),
        }
    )


def test_cme_tradedate_csv_of_real_settlements_matches_the_source(tmp_path, shared_data):
    zq = pd.read_csv(shared_data / ZQ_LONG, dtype=str)
    zq = zq[zq.Date.between("2023-09-11", "2023-09-15")].reset_index(drop=True)
    path = tmp_path / "ZQ_settlements.csv"
    _tradedate_layout(zq).to_csv(path, index=False)
    parsed = read_file(path, "fed_futures")
    assert parsed.format == "cme-settlements-tradedate-csv"
    assert parsed.source == "cme"
    f = parsed.frame.set_index(["contract", "date"]).sort_index()
    assert len(f) == len(zq) == 5 * 28
    real = zq.assign(date=pd.to_datetime(zq.Date)).set_index(["Symbol", "date"]).sort_index()
    assert (f["settle"].to_numpy() == real["Close"].astype(float).to_numpy()).all()
    assert (f["open_interest"].to_numpy() == real["OpenInterest"].astype(float).to_numpy()).all()
    traded = real["Volume"].astype(float) > 0
    assert (f["volume"][traded.to_numpy()] == real["Volume"].astype(float)[traded]).all()
    assert f["volume"][~traded.to_numpy()].isna().all()  # '-' is no trade, not 0
    assert f.loc[("ZQZ25", pd.Timestamp("2023-09-15")), "contract_month"] == pd.Timestamp(
        "2025-12-01"
    )


def test_cme_tradedate_csv_bad_settle_names_the_file_line(tmp_path, shared_data):
    zq = pd.read_csv(shared_data / ZQ_LONG, dtype=str)
    zq = zq[zq.Date == "2023-09-15"].reset_index(drop=True)
    table = _tradedate_layout(zq)
    table.loc[4, "settle"] = "95.2x"
    path = tmp_path / "ZQ_settlements.csv"
    table.to_csv(path, index=False)
    with pytest.raises(ParseError, match=r"row 6.*settle.*95.2x"):
        read_file(path, "fed_futures")

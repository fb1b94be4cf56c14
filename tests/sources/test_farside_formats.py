"""Farside file formats on the real copies in ../shared/data/etf_flows."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from flowscope.errors import ParseError
from flowscope.sources import detect_format, read_file

MOLTOVY = "etf_flows/moltovy_farside_btc_etf_flows_daily.csv"
CIYBER = "etf_flows/ciyberpunk_farside_btc_etf_flows_wide_daily.csv"
RAW = "etf_flows/mohammadhannan_farside_btc_total_flows_raw_format.csv"
HTML = "etf_flows/juanbarmo10_farside_btc_page_trimmed_2026-07.html"


def _m(frame: pd.DataFrame, day: str, fund: str) -> float:
    sel = frame[(frame["date"] == pd.Timestamp(day)) & (frame["fund"] == fund)]
    assert len(sel) == 1, (day, fund, sel)
    return float(sel["flow_usd"].iloc[0]) / 1e6


def test_wide_csv_detected_and_values_in_usd(shared_data: Path) -> None:
    path = shared_data / MOLTOVY
    assert detect_format(path, "etf_flows").name == "farside-wide-csv"
    parsed = read_file(path, "etf_flows", format="farside-wide-csv")
    f = parsed.frame
    assert parsed.source == "farside"
    assert list(f.columns) == ["date", "fund", "flow_usd"]
    # the Nov 2025 outflow week: IBIT alone vs the all-fund Total (US$ m)
    ibit = [_m(f, d, "IBIT") for d in ("2025-11-13", "2025-11-14", "2025-11-17", "2025-11-18")]
    tot = [_m(f, d, "Total") for d in ("2025-11-13", "2025-11-14", "2025-11-17", "2025-11-18")]
    assert ibit == [-256.6, -463.1, -145.6, -523.2]
    assert tot == [-866.7, -492.1, -254.6, -372.8]
    # whole dollars, no float noise
    assert (f["flow_usd"] == f["flow_usd"].round()).all()
    assert _m(f, "2024-01-11", "IBIT") * 1e6 == 111_700_000.0


def test_wide_csv_missing_vs_zero_and_holidays(shared_data: Path) -> None:
    parsed = read_file(shared_data / MOLTOVY, "etf_flows")
    f = parsed.frame
    # empty cell (MSBT before its launch, BTC mini before July 2024) = no row; 0.0 kept
    first = f[f["date"] == pd.Timestamp("2024-01-11")]
    assert "MSBT" not in set(first["fund"])
    assert "BTC" not in set(first["fund"])
    assert _m(f, "2024-01-12", "EZBC") == 0.0
    # the 16 holiday rows (Total 0.0, funds empty) are kept out and reported
    holiday = [i for i in parsed.issues if "not an NYSE session" in i.reason]
    assert len(holiday) == 16
    assert {"2024-01-15", "2025-01-09", "2025-06-19"} <= {i.date for i in holiday}
    assert pd.Timestamp("2024-01-15") not in set(f["date"])
    # funds sum to the Total on every kept day
    wide = f.pivot(index="date", columns="fund", values="flow_usd")
    diff = (wide.drop(columns="Total").sum(axis=1) - wide["Total"]).abs()
    assert diff.max() <= 0.1e6 * 12
    assert f["date"].nunique() == 579 - 16


def test_calendar_day_copy_flags_weekends_holidays_and_unpublished(shared_data: Path) -> None:
    parsed = read_file(shared_data / CIYBER, "etf_flows")
    weekend = [i for i in parsed.issues if "weekend" in i.reason]
    assert len(weekend) == 172
    unpublished = [i for i in parsed.issues if "not yet published" in i.reason]
    assert [i.date for i in unpublished] == ["2025-09-03"]
    assert pd.Timestamp("2025-09-03") not in set(parsed.frame["date"])
    assert parsed.frame["date"].dt.day_of_week.max() <= 4
    # empty cells are 0.0 in this copy: BTC (mini trust) zeros before its launch on 2024-07-31
    # are not flows. 144 weekday rows before 2024-07-31, minus 6 NYSE holidays = 138 sessions.
    note = [i for i in parsed.issues if "before its launch" in i.reason]
    assert [(i.reason, i.detail) for i in note] == [
        (
            "BTC: 138 zero cells before its launch on 2024-07-31 kept out",
            "2024-01-11..2024-07-30",
        )
    ]
    btc = parsed.frame[parsed.frame["fund"] == "BTC"]
    assert btc["date"].min() == pd.Timestamp("2024-07-31")
    # otherwise identical to the main copy on every shared (date, fund) but one '-' cell
    main = read_file(shared_data / MOLTOVY, "etf_flows").frame
    j = parsed.frame.merge(main, on=["date", "fund"], how="left", suffixes=("", "_main"))
    only = j[j["flow_usd_main"].isna()]
    assert only[["fund"]].assign(d=only["date"].dt.strftime("%Y-%m-%d")).values.tolist() == [
        ["BTC", "2024-11-20"]
    ]
    assert (j["flow_usd"] == j["flow_usd_main"]).sum() == len(j) - 1


def test_raw_text_total_file(shared_data: Path) -> None:
    path = shared_data / RAW
    assert detect_format(path, "etf_flows").name == "farside-raw-csv"
    parsed = read_file(path, "etf_flows")
    f = parsed.frame
    assert set(f["fund"]) == {"Total"}
    summary = [i for i in parsed.issues if i.reason.startswith("summary")]
    assert [i.detail for i in summary] == ["Total", "Average", "Maximum", "Minimum"]
    assert _m(f, "2024-01-11", "Total") == 655.3
    assert _m(f, "2024-01-12", "Total") == 203.0
    assert f["flow_usd"].max() / 1e6 == 1373.8
    assert f["flow_usd"].min() / 1e6 == -1113.7
    # 2026-01-02 was captured before publication (0): kept out
    assert [i.date for i in parsed.issues if "not yet published" in i.reason] == ["2026-01-02"]
    # equals the per-fund file's Total on every shared date
    main = read_file(shared_data / MOLTOVY, "etf_flows").frame
    main = main[main["fund"] == "Total"].set_index("date")["flow_usd"]
    both = f.set_index("date")["flow_usd"].align(main, join="inner")
    assert len(both[0]) == len(f)
    assert (both[0] == both[1]).all()


def test_html_page_exact_values(shared_data: Path) -> None:
    path = shared_data / HTML
    assert detect_format(path, "etf_flows").name == "farside-html"
    parsed = read_file(path, "etf_flows")
    f = parsed.frame
    assert f["date"].min() == pd.Timestamp("2026-07-06")
    assert f["date"].max() == pd.Timestamp("2026-07-22")
    assert f["date"].nunique() == 13
    assert _m(f, "2026-07-06", "GBTC") == -44.5
    assert _m(f, "2026-07-06", "MSBT") == 11.0
    assert _m(f, "2026-07-06", "Total") == 265.7
    assert _m(f, "2026-07-13", "FBTC") == -245.6
    assert _m(f, "2026-07-13", "Total") == -424.7
    assert _m(f, "2026-07-22", "IBIT") == 38.8
    assert set(f["fund"]) >= {"IBIT", "FBTC", "MSBT", "GBTC", "BTC", "Total"}
    reasons = [i.reason for i in parsed.issues]
    assert sum(r.startswith("summary") for r in reasons) == 4
    assert [i.date for i in parsed.issues if "not yet published" in i.reason] == ["2026-07-23"]


def test_bad_cell_names_file_row_column(tmp_path: Path) -> None:
    p = tmp_path / "flows.csv"
    p.write_text("date,IBIT,Total\n2025-11-13,-256.6,-866.7\n2025-11-14,abc,-492.1\n")
    with pytest.raises(ParseError) as ei:
        read_file(p, "etf_flows", format="farside-wide-csv")
    e = ei.value
    assert e.row == 3
    assert e.column == "IBIT"
    assert str(p) in str(e)
    assert "abc" in str(e)


def test_bad_date_and_short_row(tmp_path: Path) -> None:
    p = tmp_path / "flows.csv"
    p.write_text("date,IBIT,Total\n2025-11-13,-256.6,-866.7\n2025-13-45,1,1\n")
    with pytest.raises(ParseError, match="row 3"):
        read_file(p, "etf_flows", format="farside-wide-csv")
    p.write_text("date,IBIT,Total\n2025-11-13,-256.6\n")
    with pytest.raises(ParseError, match="row 2"):
        read_file(p, "etf_flows", format="farside-wide-csv")


# -- mangled input: only flowscope errors ------------------------------------------------------
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from flowscope.errors import FlowscopeError  # noqa: E402
from flowscope.sources.farside import parse_farside_html  # noqa: E402

_ROOT_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "etf_flows"
_SAMPLE_CSV = (_ROOT_DATA / "moltovy_farside_btc_etf_flows_daily.csv").read_bytes()[:3000]
_SAMPLE_RAW = (_ROOT_DATA / "mohammadhannan_farside_btc_total_flows_raw_format.csv").read_bytes()[
    -600:
]
_SAMPLE_HTML = (_ROOT_DATA / "juanbarmo10_farside_btc_page_trimmed_2026-07.html").read_bytes()

_edits = st.lists(
    st.tuples(
        st.integers(0, 10_000),
        st.integers(0, 8),
        st.binary(max_size=6)
        | st.sampled_from([b",", b"\n", b'"', b"(", b"-", b"1,0", b"\xff", b"\x00", b"</td>"]),
    ),
    max_size=6,
)


def _mangle(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    for pos, cut, ins in edits:
        p = pos % (len(data) + 1)
        data = data[:p] + ins + data[p + cut :]
    return data


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(_edits, st.sampled_from(["wide", "raw"]))
def test_csv_parsers_raise_only_flowscope_errors(
    tmp_path: Path, edits: list[tuple[int, int, bytes]], kind: str
) -> None:
    base = _SAMPLE_CSV if kind == "wide" else b"Date,Total\n" + _SAMPLE_RAW.split(b"\n", 1)[1]
    p = tmp_path / f"mangled_{kind}.csv"
    p.write_bytes(_mangle(base, edits))
    try:
        parsed = read_file(p, "etf_flows", format=f"farside-{kind}-csv")
    except FlowscopeError:
        return
    f = parsed.frame
    assert list(f.columns) == ["date", "fund", "flow_usd"]
    assert f["flow_usd"].notna().all()
    assert not f.duplicated(["date", "fund"]).any()


@settings(max_examples=60, deadline=None)
@given(_edits)
def test_html_parser_raises_only_flowscope_errors(edits: list[tuple[int, int, bytes]]) -> None:
    # edits land in the table part of the page
    start = _SAMPLE_HTML.find(b"<tbody>")
    data = _SAMPLE_HTML[:start] + _mangle(_SAMPLE_HTML[start:], edits)
    try:
        frame, _ = parse_farside_html(data, origin="mangled.html")
    except FlowscopeError:
        return
    assert not frame.duplicated(["date", "fund"]).any()


def test_partial_last_row_and_bogus_new_year_row(shared_data: Path, tmp_path: Path) -> None:
    parsed = read_file(shared_data / MOLTOVY, "etf_flows")
    partial = [i for i in parsed.issues if "partial first release" in i.reason]
    assert [(i.date, i.detail) for i in partial] == [("2026-04-10", "MSBT")]
    assert _m(parsed.frame, "2026-04-10", "Total") == 240.4  # kept, flagged
    # a copy in the wild carries a 2024-01-01 row repeating 2024-01-11: not a session
    lines = (shared_data / MOLTOVY).read_text().splitlines()
    bogus = "2024-01-01" + lines[1][len("2024-01-11") :]
    p = tmp_path / "with_bogus_row.csv"
    p.write_text("\n".join([lines[0], bogus, *lines[1:6]]) + "\n")
    got = read_file(p, "etf_flows")
    flagged = [i for i in got.issues if i.date == "2024-01-01"]
    assert len(flagged) == 1
    assert "not an NYSE session" in flagged[0].reason
    assert flagged[0].detail == "11 non-zero figure(s)"
    assert pd.Timestamp("2024-01-01") not in set(got.frame["date"])
    assert _m(got.frame, "2024-01-11", "Total") == 655.3


def test_html_every_cell_matches_an_independent_reading(shared_data: Path) -> None:
    """Every figure of the page, read with plain regular expressions, equals the parsed value."""
    import re

    html = (shared_data / HTML).read_text()
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    tickers = ["IBIT", "FBTC", "BITB", "ARKB", "BTCO", "EZBC", "BRRR", "HODL", "BTCW", "MSBT",
               "GBTC", "BTC", "Total"]  # fmt: skip
    expected: dict[tuple[pd.Timestamp, str], float] = {}
    for tr in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td.*?</td>", tr, re.S)]
        if not re.match(r"\d{2} \w{3} \d{4}$", cells[0]) or cells[0] == "23 Jul 2026":
            continue
        day = pd.Timestamp(pd.to_datetime(cells[0], format="%d %b %Y"))
        for t, c in zip(tickers, cells[1:], strict=True):
            if c != "-":
                neg = c.startswith("(")
                v = float(c.strip("()").replace(",", ""))
                expected[day, t] = -v if neg else v
    f = read_file(shared_data / HTML, "etf_flows").frame
    got = {(r.date, r.fund): r.flow_usd / 1e6 for r in f.itertuples(index=False)}
    assert len(expected) == 13 * 13
    assert got.keys() == expected.keys()
    assert all(round(got[k], 1) == expected[k] for k in expected)

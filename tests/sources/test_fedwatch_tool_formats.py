"""CME FedWatch tool exports into the fedwatch_reference dataset (real KDAIer and Mguten files)."""

from __future__ import annotations

import csv
import itertools
import shutil
from importlib.resources import files

import pandas as pd
import pytest

from flowscope.errors import ParseError
from flowscope.schemas import get_dataset
from flowscope.sources import read_file
from flowscope.storage._ddl import create_table_sql

KD = "fed_futures/cme_fedwatch_history_KDAIer"
MG = "fed_futures/cme_fedwatch_validation_Mguten"
DS = "fedwatch_reference"


@pytest.fixture(scope="module")
def sep25(shared_data):
    return read_file(shared_data / KD / "FedMeeting_20250917.csv", DS)


def test_meeting_file_matches_the_raw_cells(sep25, shared_data):
    assert (sep25.format, sep25.source) == ("cme-fedwatch-meeting-csv", "cme_fedwatch")
    f = sep25.frame
    assert (f["meeting_date"] == pd.Timestamp("2025-09-17")).all()
    assert f["watch_date"].nunique() == 251
    assert f["watch_date"].min() == pd.Timestamp("2024-08-21")
    with open(shared_data / KD / "FedMeeting_20250917.csv", newline="") as fh:
        rows = list(csv.reader(fh))
    header, first = rows[0], rows[1]
    assert first[0] == "2024/8/21"
    cell = float(first[header.index("(325-350)")])
    got = f[(f.watch_date == "2024-08-21") & (f.target_lower == 3.25)]["probability"]
    assert got.iloc[0] == cell == 0.272761
    assert (f["target_upper"] - f["target_lower"]).round(9).eq(0.25).all()
    sums = f.groupby("watch_date")["probability"].sum()
    assert (sums - 1).abs().max() < 1e-5


def test_bucket_headers_with_a_thousands_separator(shared_data):
    # this export writes (975-1.000), (1.000-1.025) … for 1000 bp and above
    f = read_file(shared_data / KD / "FedMeeting_20250618.csv", DS).frame
    lowers = sorted(f["target_lower"].unique())
    assert lowers[0] == 0.0
    assert all(round(b - a, 9) == 0.25 for a, b in itertools.pairwise(lowers))
    assert not f.duplicated(["watch_date", "target_lower"]).any()


def test_history_file_equals_the_per_meeting_files(shared_data, sep25):
    hist = read_file(shared_data / KD / "FedMeetingHistory_20250821.csv", DS)
    assert hist.format == "cme-fedwatch-history-csv"
    assert hist.frame["meeting_date"].nunique() == 9
    assert any("without data" in i.reason for i in hist.issues)  # fused Oct/Dec 2026 titles
    key = ["watch_date", "meeting_date", "target_lower"]
    for name in ("FedMeeting_20250917.csv", "FedMeeting_20260318.csv"):
        one = read_file(shared_data / KD / name, DS).frame
        part = hist.frame[hist.frame.meeting_date == one.meeting_date.iloc[0]]
        both = one.merge(part, on=key, how="outer", suffixes=("_m", "_h"), indicator=True)
        assert (both["_merge"] == "both").all()
        assert (both["probability_m"] == both["probability_h"]).all()


def test_transcribed_probabilities_with_watch_date_in_file_name(tmp_path, shared_data):
    path = tmp_path / "fedwatch_2026-07-14.csv"
    shutil.copy(shared_data / MG / "cme_validation_probabilities.csv", path)
    p = read_file(path, DS)
    assert p.format == "cme-fedwatch-probabilities-csv"
    f = p.frame
    assert len(f) == 107  # 108 cells, the empty one is missing (not stored as 0)
    assert (f["watch_date"] == pd.Timestamp("2026-07-14")).all()
    jul = f[f.meeting_date == "2026-07-29"].set_index("target_lower")["probability"]
    assert jul[3.75] == pytest.approx(0.369)
    assert 5.0 not in jul.index
    assert any(i.row == 10 and "empty" in i.reason for i in p.issues)


def test_transcribed_file_without_watch_date_is_refused(shared_data):
    with pytest.raises(ParseError, match="watch date"):
        read_file(shared_data / MG / "cme_validation_probabilities.csv", DS)


# -- garbage kept out ----------------------------------------------------------------------


def _mangled(shared_data, tmp_path, change):
    src = shared_data / KD / "FedMeeting_20250917.csv"
    with open(src, newline="") as fh:
        rows = list(csv.reader(fh))
    change(rows)
    path = tmp_path / src.name
    with open(path, "w", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return read_file(path, DS)


def test_day_not_summing_to_one_is_kept_out_and_reported(tmp_path, shared_data):
    def change(rows):
        col = rows[0].index("(325-350)")
        rows[11][col] = "0.9"  # line 12

    p = _mangled(shared_data, tmp_path, change)
    day = pd.Timestamp(p.frame.watch_date.min())
    issue = next(i for i in p.issues if "sum" in i.reason)
    assert issue.row == 12
    assert issue.date not in set(p.frame["watch_date"].dt.strftime("%Y-%m-%d"))
    assert p.frame["watch_date"].nunique() == 250
    assert day == pd.Timestamp("2024-08-21")


def test_probability_outside_0_1_and_date_after_meeting_are_kept_out(tmp_path, shared_data):
    def change(rows):
        rows[5][rows[0].index("(0-25)")] = "-0.5"
        rows[-1][0] = "2099/1/2"

    p = _mangled(shared_data, tmp_path, change)
    assert p.frame["watch_date"].max() < pd.Timestamp("2025-09-17")
    assert p.frame["watch_date"].nunique() == 249
    assert any("outside [0, 1]" in i.reason and i.row == 6 for i in p.issues)
    assert any("after their meeting" in i.reason for i in p.issues)


def test_text_probability_names_row_and_bucket(tmp_path, shared_data):
    def change(rows):
        rows[3][rows[0].index("(350-375)")] = "0.1x"

    with pytest.raises(ParseError, match=r"row 4, column '\(350-375\)'.*0.1x"):
        _mangled(shared_data, tmp_path, change)


def test_header_only_export_is_refused(tmp_path, shared_data):
    src = shared_data / KD / "FedMeeting_20250917.csv"
    path = tmp_path / src.name
    path.write_text(src.read_text().splitlines()[0] + "\n")
    with pytest.raises(ParseError, match="no data rows"):
        read_file(path, DS)


# -- store --------------------------------------------------------------------------------


def test_migration_creates_the_reference_table_from_the_spec():
    sql = (files("flowscope.storage") / "migrations" / "0004_fedwatch_reference.sql").read_text()
    assert create_table_sql(get_dataset(DS)) in sql


def test_history_round_trips_through_the_store(store, shared_data):
    p = read_file(shared_data / KD / "FedMeetingHistory_20250821.csv", DS)
    first = store.upsert(DS, p.frame, source=p.source)
    again = store.upsert(DS, p.frame, source=p.source)
    assert first.inserted == len(p.frame) == 61218
    assert (again.inserted, again.unchanged) == (0, len(p.frame))
    back = store.read(DS, where={"meeting_date": "2025-09-17"})
    assert len(back) == len(p.frame[p.frame.meeting_date == "2025-09-17"])

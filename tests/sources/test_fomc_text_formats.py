"""FOMC text importers on the real collections (dataset fomc_docs)."""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowscope.errors import FlowscopeError, ParseError
from flowscope.sources import detect_format, read_file
from flowscope.sources.formats.fomc_text import read_fomc_text_folder, repair_mojibake

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "tone"
_DAMAGE = re.compile("[\u00c2-\u00f4][\u0080-\u00bf]")


def test_repair_mojibake_keeps_correct_latin1() -> None:
    assert repair_mojibake("October 28â\x80\x9329") == "October 28–29"
    assert repair_mojibake("Zakraj\u00c5\u00a1ek") == "Zakrajšek"
    mixed = "price\u00a0level, soft\u00adhyphen, Mørk, Ramón â\x80\x94 end"
    assert repair_mojibake(mixed) == "price\u00a0level, soft\u00adhyphen, Mørk, Ramón — end"
    assert repair_mojibake("it\u0092s") == "it’s"
    once = repair_mojibake(mixed)
    assert repair_mojibake(once) == once


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_repair_is_reversible_damage_only(text: str) -> None:
    damaged = text.encode("utf-8").decode("latin-1")
    if not _DAMAGE.search(text) and not re.search("[\u0080-\u009f]", text):
        assert repair_mojibake(damaged) == text
        assert repair_mojibake(text) == text


def test_communications_csv_2020_2026(shared_data) -> None:
    path = shared_data / "fomc_text/fed_communications_2020_2026_Ate329.csv"
    assert detect_format(path, "fomc_docs").name == "fomc-communications-csv"
    parsed = read_file(path, "fomc_docs")
    f = parsed.frame
    assert parsed.source == "fed_communications"
    assert f["kind"].value_counts().to_dict() == {"statement": 53, "minutes": 51}
    assert len(parsed.issues) == 18  # "Scheduled Meeting" rows without text
    assert not any(_DAMAGE.search(t) for t in f["text"])
    oct_min = f[(f["kind"] == "minutes") & (f["meeting_date"] == "2025-10-29")].iloc[0]
    assert oct_min["release_ts"] == pd.Timestamp("2025-11-19", tz="UTC")
    assert "October 28–29, 2025" in oct_min["text"]
    assert len(oct_min["text"]) == 56215 - 2 * 13  # 13 three-char sequences -> one char


def test_communications_csv_2019(shared_data) -> None:
    parsed = read_file(shared_data / "fomc_text/fed_communications_2019_ASaragga.csv")
    assert parsed.frame["kind"].value_counts().to_dict() == {"statement": 9, "minutes": 8}
    assert parsed.frame["meeting_date"].min() == pd.Timestamp("2019-01-30")


def test_bad_date_names_file_row_and_column() -> None:
    with pytest.raises(ParseError) as err:
        read_file(FIX / "communications_bad_date.csv", "fomc_docs")
    msg = str(err.value)
    assert "communications_bad_date.csv" in msg and "row 3" in msg and "'Release Date'" in msg


def test_unknown_type_is_rejected(tmp_path: Path) -> None:
    text = (FIX / "communications_sample.csv").read_text().replace(",Statement,", ",Speech,", 1)
    bad = tmp_path / "comm.csv"
    bad.write_text(text)
    with pytest.raises(ParseError, match="column 'Type'"):
        read_file(bad, "fomc_docs")


def test_store_round_trip_is_idempotent(store, shared_data) -> None:
    parsed = read_file(FIX / "communications_sample.csv", "fomc_docs")
    first = store.upsert("fomc_docs", parsed.frame, source=parsed.source)
    again = store.upsert("fomc_docs", parsed.frame, source=parsed.source)
    assert (first.inserted, again.inserted, again.unchanged) == (2, 0, 2)
    back = store.read("fomc_docs")
    assert sorted(back["meeting_date"].dt.strftime("%Y-%m-%d")) == ["2025-10-29", "2025-12-10"]


def test_statements_folder(shared_data) -> None:
    parsed = read_fomc_text_folder(shared_data / "fomc_text/fomc_statements_1994_2016")
    f = parsed.frame
    assert f["kind"].value_counts().to_dict() == {"statement": 160, "implementation_note": 7}
    assert [i.detail for i in parsed.issues] == ["20080916.xt"]
    first = f.sort_values("meeting_date").iloc[0]
    assert first["meeting_date"] == pd.Timestamp("1994-02-04")
    assert first["text"].startswith("Chairman Alan Greenspan announced today")
    one = read_file(shared_data / "fomc_text/fomc_statements_1994_2016/statements/20081216.txt")
    assert one.format == "fomc-statement-txt" and one.frame["kind"].iloc[0] == "statement"


def test_minutes_folder_uses_master_dates(shared_data) -> None:
    parsed = read_fomc_text_folder(shared_data / "fomc_text/tdw_meeting_minutes_txt")
    f = parsed.frame.set_index("meeting_date")
    assert len(f) == 230 and parsed.issues == []
    # 19960130.txt is the Jan 30-31 meeting: stored under its end date
    assert f.loc["1996-01-31", "release_ts"] == pd.Timestamp("1996-03-29", tz="UTC")
    assert f.loc["2024-09-18", "release_ts"] == pd.Timestamp("2024-10-09", tz="UTC")
    assert "\u0092" not in "".join(f["text"])


def test_minutes_without_master_say_so(tmp_path: Path, shared_data) -> None:
    folder = tmp_path / "my_minutes"
    folder.mkdir()
    shutil.copy(shared_data / "fomc_text/tdw_meeting_minutes_txt/19960130.txt", folder)
    parsed = read_fomc_text_folder(folder)
    assert parsed.frame["meeting_date"].iloc[0] == pd.Timestamp("1996-01-30")
    assert pd.isna(parsed.frame["release_ts"].iloc[0])
    assert "master" in parsed.issues[0].reason


def test_extracted_txt_name_gives_dates(shared_data) -> None:
    path = (
        shared_data / "fomc_text/extracted_fomc_minutes_meeting-2025-10-29_released-2025-11-19.txt"
    )
    parsed = read_file(path, "fomc_docs")
    row = parsed.frame.iloc[0]
    assert (row["kind"], row["meeting_date"], row["release_ts"]) == (
        "minutes",
        pd.Timestamp("2025-10-29"),
        pd.Timestamp("2025-11-19", tz="UTC"),
    )
    assert "October 28–29, 2025" in row["text"]


def test_empty_text_file_is_a_parse_error(tmp_path: Path) -> None:
    d = tmp_path / "statements"
    d.mkdir()
    (d / "20200101.txt").write_text("  \n")
    with pytest.raises(ParseError, match="empty text file"):
        read_file(d / "20200101.txt", "fomc_docs")


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=3000))
def test_mangled_csv_raises_only_flowscope_errors(tmp_path_factory, data: bytes) -> None:
    base = (FIX / "communications_sample.csv").read_bytes()
    path = tmp_path_factory.mktemp("mangled") / "comm.csv"
    path.write_bytes(base[:200] + data)
    with contextlib.suppress(FlowscopeError):
        read_file(path, "fomc_docs", format="fomc-communications-csv")

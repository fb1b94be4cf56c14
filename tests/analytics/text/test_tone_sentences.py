"""Sentence splitting on real FOMC texts and on the awkward cases (U.S., p.m., lists, %)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from flowscope.analytics.text import split_sentences


def test_abbreviations_times_and_percentages_do_not_split() -> None:
    text = (
        "The U.S. economy expanded 2.5 percent in the third quarter. "
        "The meeting resumed at 9:00 a.m. on Wednesday and ended at 2:30 p.m. Eastern Time. "
        "Inflation was 3.1%. Jerome H. Powell, Chair, presided."
    )
    assert split_sentences(text) == [
        "The U.S. economy expanded 2.5 percent in the third quarter.",
        "The meeting resumed at 9:00 a.m. on Wednesday and ended at 2:30 p.m. Eastern Time.",
        "Inflation was 3.1%.",
        "Jerome H. Powell, Chair, presided.",
    ]


def test_pm_followed_by_a_new_sentence_splits() -> None:
    assert split_sentences("The meeting adjourned at 11:45 a.m. The next meeting is in June.") == [
        "The meeting adjourned at 11:45 a.m.",
        "The next meeting is in June.",
    ]


def test_numbered_list_items_stay_with_their_text() -> None:
    text = "The Committee agreed on two steps. 1. Raise the rate. 2. Reduce holdings of securities."
    assert split_sentences(text) == [
        "The Committee agreed on two steps.",
        "1. Raise the rate.",
        "2. Reduce holdings of securities.",
    ]
    listed = "Actions:\n(a) maintain the range.\n(b) continue purchases."
    assert split_sentences(listed) == [
        "Actions:",
        "(a) maintain the range.",
        "(b) continue purchases.",
    ]


def test_hard_wrapped_statement_is_rejoined(shared_data) -> None:
    path = shared_data / "fomc_text/fomc_statements_1994_2016/statements/20081216.txt"
    sents = split_sentences(path.read_text())
    assert sents[0] == (
        "The Federal Open Market Committee decided today to establish a target range for the "
        "federal funds rate of 0 to 1/4 percent."
    )
    assert "Financial markets remain quite strained and credit conditions tight." in sents
    # initials in the vote list do not split it
    assert any(
        s.startswith("Voting for the FOMC monetary policy action were: Ben S. Bernanke")
        and s.endswith("and Kevin M. Warsh.")
        for s in sents
    )


def test_one_paragraph_per_line_minutes_keep_headings_apart(shared_data) -> None:
    text = (
        shared_data / "fomc_text/extracted_fomc_minutes_meeting-2025-10-29_released-2025-11-19.txt"
    ).read_text()
    sents = split_sentences(text)
    assert "Developments in Financial Markets and Open Market Operations" in sents
    assert (
        "The manager turned first to an overview of broad market developments during the "
        "intermeeting period." in sents
    )
    assert 350 < len(sents) < 500


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=400))
def test_splitting_never_loses_words(text: str) -> None:
    sents = split_sentences(text)
    assert all(s == s.strip() and s for s in sents)
    assert " ".join(sents).split() == " ".join(text.split()).split()

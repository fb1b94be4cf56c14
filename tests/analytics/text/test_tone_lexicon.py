"""Rule lexicon on real FOMC sentences and the Trillion Dollar Words gold labels."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from flowscope.analytics.text import (
    DOVISH,
    HAWKISH,
    LEXICON_RULES,
    NEUTRAL,
    LexiconModel,
    lexicon_frame,
    score_document,
)
from flowscope.analytics.text.lexicon import CONTRAST_EXAMPLE, NEGATION_EXAMPLE

OCT_2025 = "fomc_text/extracted_fomc_minutes_meeting-2025-10-29_released-2025-11-19.txt"


@pytest.fixture(scope="module")
def tdw(shared_data: Path) -> pd.DataFrame:
    return pd.read_csv(shared_data / "fomc_labels/tdw_splits_long.csv")


@pytest.fixture(scope="module")
def fomc_corpus(shared_data: Path) -> str:
    """All minutes and statement texts under fomc_text/, whitespace-normalised."""
    root = shared_data / "fomc_text"
    files = [
        *sorted((root / "tdw_meeting_minutes_txt").glob("*.txt")),
        *sorted(root.glob("extracted_*.txt")),
    ]
    text = " ".join(f.read_text(encoding="utf-8", errors="replace") for f in files)
    return re.sub(r"\s+", " ", text.replace("\u2019", "'"))


def test_no_copied_word_list(shared_data: Path) -> None:
    """The CC BY-NC term list must not reappear as a group list."""
    nc = pd.read_csv(shared_data / "fomc_labels/tdw_rule_based_lexicon_gorodnichenko_style.csv")
    frame = lexicon_frame()
    assert "decelarate" not in " ".join(frame["pattern"])
    assert set(frame.columns) >= {"rule", "kind", "label_name", "pattern", "example"}
    assert len(nc) == 56 and len(frame) == len(LEXICON_RULES)


@pytest.mark.parametrize("rule", LEXICON_RULES, ids=lambda r: r.name)
def test_every_rule_fires_on_its_real_example(rule, fomc_corpus: str) -> None:
    """Each rule's example is real FOMC text, gets the rule's label, and the rule fires."""
    assert re.sub(r"\s+", " ", rule.example) in fomc_corpus
    got = LexiconModel().sentence_scores([rule.example]).iloc[0]
    assert got["label"] == (HAWKISH if rule.sign > 0 else DOVISH)
    assert re.search(rule.pattern, rule.example.lower().replace("\u2019", "'"))


def test_negation_and_contrast(fomc_corpus: str) -> None:
    for s in (NEGATION_EXAMPLE, CONTRAST_EXAMPLE):
        assert s in fomc_corpus
    m = LexiconModel()
    got = m.sentence_scores([NEGATION_EXAMPLE, CONTRAST_EXAMPLE])
    # "had not turned up" reverses a hawkish pair; "continued to edge lower" is dovish.
    assert got["label"].tolist() == [DOVISH, HAWKISH]
    assert got["rule"].iloc[1] == "prices_down (negated)"
    # Word boundaries, not substrings: "slowly"/"allow" do not carry "low".
    assert m.predict(["Inflation expectations allow the Committee to act."]).tolist() == [NEUTRAL]


def test_oct_2025_minutes_sentences_have_the_right_sign(shared_data: Path) -> None:
    text = re.sub(r"\s+", " ", (shared_data / OCT_2025).read_text(encoding="utf-8"))
    hawk = (
        "many noted concerns that the prolonged period of above-target inflation could risk an "
        "increase in longer-term expectations."
    )
    dove = (
        "Slower foreign growth was driven in part by weaker exports due to reduced U.S. demand "
        "and lower investment due to elevated uncertainty, likely reflecting the effects of the "
        "U.S. tariffs."
    )
    assert hawk in text and dove in text
    start = text.index("Participants emphasized the importance of maintaining well-anchored")
    full_hawk = text[start : text.index(hawk) + len(hawk)]
    got = LexiconModel().sentence_scores([full_hawk, dove])
    assert got["label"].tolist() == [HAWKISH, DOVISH]
    assert got["rule"].tolist() == ["inflation_risk_up", "activity_down"]


def test_real_gold_sentences(tdw: pd.DataFrame) -> None:
    cases = {
        "Inflation has moved up in recent months, mainly reflecting higher prices for some "
        "commodities and imported goods.": HAWKISH,
        "Inflation has been running somewhat below the Committee's longer-run objective, apart "
        "from temporary variations that largely reflect fluctuations in energy prices.": DOVISH,
    }
    gold = tdw.drop_duplicates("sentence").set_index("sentence")["label"]
    for sentence, label in cases.items():
        assert gold[sentence] == label
    assert LexiconModel().predict(list(cases)).tolist() == list(cases.values())


def test_weighted_f1_on_combined_test_splits(tdw: pd.DataFrame) -> None:
    """Against scikit-learn's metric on the gold test splits (outside oracle for F1)."""
    from sklearn.metrics import f1_score

    from flowscope.analytics.text import LEXICON_F1

    test = tdw[(tdw["dataset"] == "combine") & (tdw["partition"] == "test")]
    f1 = [
        f1_score(g["label"], LexiconModel().predict(g["sentence"]), average="weighted")
        for _, g in test.groupby("seed")
    ]
    assert np.mean(f1) > 0.58  # the substring word-list rule scored 0.497
    assert LEXICON_F1["combine"][0] == pytest.approx(np.mean(f1), abs=5e-5)


def test_one_minutes_document_is_fast(shared_data: Path) -> None:
    text = (shared_data / OCT_2025).read_text(encoding="utf-8")
    m = LexiconModel()
    score_document(text, m)
    t0 = time.perf_counter()
    score_document(text, m)
    assert time.perf_counter() - t0 < 1.5  # < 0.5 s on an idle core; slack for shared CI


def test_missing_sentence_is_a_clear_error() -> None:
    from flowscope.errors import ValidationError

    with pytest.raises(ValidationError, match="sentence 1 is missing"):
        LexiconModel().predict(["Inflation rose.", None])  # type: ignore[list-item]

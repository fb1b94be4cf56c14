"""Dictionary model on real Trillion Dollar Words sentences with gold labels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from flowscope.analytics.text import DOVISH, HAWKISH, NEUTRAL, LexiconModel, lexicon_frame
from flowscope.errors import ValidationError


@pytest.fixture(scope="module")
def tdw(shared_data) -> pd.DataFrame:
    return pd.read_csv(shared_data / "fomc_labels/tdw_splits_long.csv")


def test_word_list_matches_the_published_csv(shared_data) -> None:
    ours = lexicon_frame()[["group", "term"]]
    theirs = pd.read_csv(shared_data / "fomc_labels/tdw_rule_based_lexicon_gorodnichenko_style.csv")
    assert len(ours) == 56
    pd.testing.assert_frame_equal(ours, theirs[["group", "term"]])


def test_real_gold_sentences(tdw: pd.DataFrame) -> None:
    cases = {
        # gold hawkish (label 1) in the combine test split
        "Inflation has moved up in recent months, mainly reflecting higher prices for some "
        "commodities and imported goods.": HAWKISH,
        # gold dovish (label 0)
        "However, other participants noted that the continued subdued trend in wages was "
        "evidence of an absence of upward pressure on inflation from the current level of "
        "resource utilization.": DOVISH,
    }
    gold = tdw.drop_duplicates("sentence").set_index("sentence")["label"]
    for sentence, label in cases.items():
        assert gold[sentence] == label
    assert LexiconModel().predict(list(cases)).tolist() == list(cases.values())


def test_rule_and_negation() -> None:
    m = LexiconModel()
    labels = m.predict(
        [
            "Inflation is expected to decline.",  # A1 + A2 -> dovish
            "Inflation is expected to rise.",  # A1 + B2 -> hawkish
            "Inflation did not decline.",  # dovish, negated -> hawkish
            "The Committee met on Tuesday.",  # nothing -> neutral
        ]
    )
    assert labels.tolist() == [DOVISH, HAWKISH, HAWKISH, NEUTRAL]
    scores = m.sentence_scores(["Inflation is expected to rise.", "Inflation and prices rise."])
    assert scores["score"].iloc[1] > scores["score"].iloc[0] > 0
    assert np.allclose(m.predict_proba(["Inflation is expected to decline."]), [[1, 0, 0]])


def test_weighted_f1_on_combined_test_splits(tdw: pd.DataFrame) -> None:
    from sklearn.metrics import f1_score  # test-only use of scikit-learn (nlp extra)

    test = tdw[(tdw["dataset"] == "combine") & (tdw["partition"] == "test")]
    f1 = [
        f1_score(g["label"], LexiconModel().predict(g["sentence"]), average="weighted")
        for _, g in test.groupby("seed")
    ]
    assert np.round(f1, 4).tolist() == [0.5007, 0.4908, 0.4981]


def test_missing_sentence_is_a_clear_error() -> None:
    with pytest.raises(ValidationError, match="sentence 1 is missing"):
        LexiconModel().predict(["Inflation rose.", None])  # type: ignore[list-item]

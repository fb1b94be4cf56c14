"""Learned tone model (embeddings + TF-IDF + dictionary label, logistic head) on real TDW data."""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("sentence_transformers", reason="needs the nlp extra")

from flowscope.analytics.text import (
    HAWKISH,
    LexiconModel,
    encoders,
    learned,
    weighted_f1,
)
from flowscope.analytics.text.learned import ToneClassifier
from flowscope.errors import MissingDependencyError, ValidationError

pytestmark = pytest.mark.nlp


@pytest.fixture(scope="module")
def cache() -> dict[str, np.ndarray]:
    return {}


@pytest.fixture(scope="module")
def combine(shared_data) -> tuple[pd.DataFrame, pd.DataFrame]:
    df = pd.read_csv(shared_data / "fomc_labels/tdw_splits_long.csv")
    g = df[(df["dataset"] == "combine") & (df["seed"] == 5768)]
    train = g[g["partition"] == "train"].head(500)
    test = g[g["partition"] == "test"].head(250)
    return train, test


def _fit(train: pd.DataFrame, cache, seed: int = 5768) -> ToneClassifier:
    return ToneClassifier(seed=seed, cache=cache).fit(
        train["sentence"], train["label"], data_licence="CC BY-NC 4.0", training_data="test"
    )


def test_beats_the_dictionary_on_the_real_test_split(combine, cache) -> None:
    train, test = combine
    model = _fit(train, cache)
    f1 = weighted_f1(test["label"], model.predict(test["sentence"]))
    lex = weighted_f1(test["label"], LexiconModel().predict(test["sentence"]))
    assert lex == pytest.approx(0.6133, abs=1e-4)  # the structured lexicon (sklearn f1_score)
    assert f1 > lex, (f1, lex)
    hawkish = (
        "Inflation has moved up in recent months, mainly reflecting higher prices for some "
        "commodities and imported goods."
    )
    assert model.predict([hawkish]).tolist() == [HAWKISH]
    scores = model.sentence_scores([hawkish])
    assert scores["p_hawkish"].iloc[0] > 0.5
    assert np.allclose(scores[["p_dovish", "p_hawkish", "p_neutral"]].sum(axis=1), 1.0)


def test_training_is_deterministic_for_a_seed(combine, cache) -> None:
    train, test = combine
    a = _fit(train, cache)
    b = _fit(train, cache)
    assert np.array_equal(a.coef_, b.coef_) and np.array_equal(a.intercept_, b.intercept_)
    assert np.array_equal(a.predict_proba(test["sentence"]), b.predict_proba(test["sentence"]))


def test_state_round_trip_keeps_predictions_and_licence(combine, cache) -> None:
    train, test = combine
    a = _fit(train, cache)
    state = a.get_state()
    assert state["meta"]["data_licence"] == "CC BY-NC 4.0"
    b = ToneClassifier.from_state(state, cache=cache)
    assert np.allclose(a.predict_proba(test["sentence"]), b.predict_proba(test["sentence"]))
    state["meta"]["encoder"] = "other"
    with pytest.raises(ValidationError, match="retrain"):
        ToneClassifier.from_state(state)


def test_bad_labels_and_unfitted_use_are_clear() -> None:
    m = ToneClassifier(embedder=lambda s: np.ones((len(s), 4)))
    with pytest.raises(ValidationError, match="not fitted"):
        m.predict(["Inflation rose."])
    with pytest.raises(ValidationError, match="labels must be 0"):
        m.fit(["a", "b", "c"], [0, 1, 5], data_licence="x", training_data="x")


def test_missing_extra_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(encoders, "_LOADED", {})
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)
    with pytest.raises(MissingDependencyError, match=r'pip install "flowscope\[nlp\]"'):
        learned.load_encoder()

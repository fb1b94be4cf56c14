"""Document tone, drivers, history and percentiles on real FOMC minutes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from flowscope.analytics.text import (
    LexiconModel,
    percentile_of,
    relevant_mask,
    score_document,
    tone_history,
    weighted_f1,
)
from flowscope.errors import InsufficientDataError, ValidationError
from flowscope.sources import read_file


@pytest.fixture(scope="module")
def comm_docs(shared_data) -> pd.DataFrame:
    parsed = read_file(shared_data / "fomc_text/fed_communications_2020_2026_Ate329.csv")
    return parsed.frame.assign(source=parsed.source)


def test_october_2025_minutes_lexicon_tone(comm_docs: pd.DataFrame) -> None:
    doc = comm_docs[(comm_docs["kind"] == "minutes") & (comm_docs["meeting_date"] == "2025-10-29")]
    assert doc["release_ts"].iloc[0] == pd.Timestamp("2025-11-19", tz="UTC")
    tone = score_document(doc["text"].iloc[0], LexiconModel())
    assert (tone.n_sentences, tone.n_hawkish, tone.n_dovish) == (153, 41, 41)
    assert tone.score == pytest.approx((41 - 41) / 153)
    hawk = tone.top(5, side="hawkish")
    dove = tone.top(5, side="dovish")
    assert len(hawk) == 5 and len(dove) == 5
    assert (hawk["label_name"] == "hawkish").all() and (dove["label_name"] == "dovish").all()
    assert hawk["score"].is_monotonic_decreasing and dove["score"].is_monotonic_increasing
    # the repaired text has real dashes, not mojibake
    assert not any("â\x80" in s for s in tone.sentences["sentence"])


def test_relevant_mask_drops_headings_and_votes() -> None:
    mask = relevant_mask(
        [
            "Developments in Financial Markets and Open Market Operations",
            "Voting for this action: Jerome H. Powell, John C. Williams.",
            "Inflation had moved up since earlier in the year and remained somewhat elevated.",
        ]
    )
    assert mask.tolist() == [False, False, True]


def test_history_change_and_percentile(comm_docs: pd.DataFrame) -> None:
    hist = tone_history(comm_docs, LexiconModel())
    minutes = hist[hist["kind"] == "minutes"].reset_index(drop=True)
    assert len(minutes) == 51
    oct25 = minutes[minutes["meeting_date"] == "2025-10-29"].iloc[0]
    sep25 = minutes[minutes["meeting_date"] == "2025-09-17"].iloc[0]
    assert oct25["change"] == pytest.approx(oct25["score"] - sep25["score"])
    assert np.isnan(minutes["change"].iloc[0])
    pct = percentile_of(oct25["score"], minutes["score"])
    assert 0 < pct < 100
    assert percentile_of(1.0, [0.0, 0.5]) == 100.0
    assert percentile_of(0.5, [0.0, 0.5]) == 75.0


def test_history_prefers_a_source_for_duplicates(comm_docs: pd.DataFrame) -> None:
    one = comm_docs[comm_docs["meeting_date"] == "2025-10-29"]
    other = one.assign(source="other", text="Inflation is expected to rise strongly. " * 3)
    both = pd.concat([other, one])
    h = tone_history(both, LexiconModel(), prefer=["fed_communications"])
    assert len(h) == 2 and set(h["source"]) == {"fed_communications"}


def test_errors_are_flowscope_errors() -> None:
    with pytest.raises(InsufficientDataError):
        score_document("Minutes of the Federal Open Market Committee", LexiconModel())
    with pytest.raises(InsufficientDataError):
        percentile_of(0.1, [])
    with pytest.raises(ValidationError, match="lacks column"):
        tone_history(pd.DataFrame({"text": ["x"]}), LexiconModel())


def test_weighted_f1_matches_scikit_learn() -> None:
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(3)
    t = rng.integers(0, 3, 300)
    p = np.where(rng.random(300) < 0.6, t, rng.integers(0, 3, 300))
    assert weighted_f1(t, p) == pytest.approx(f1_score(t, p, average="weighted"))
    p[:] = 0
    assert weighted_f1(t, p) == pytest.approx(f1_score(t, p, average="weighted", zero_division=0))

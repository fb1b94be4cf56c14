"""Tone scores are cached in the store by text hash and model: a warm brief scores nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from flowscope.analytics.text import LexiconModel
from flowscope.queries import brief as brief_q
from flowscope.queries import docs as docs_q
from flowscope.report._brief_model import BriefContext
from flowscope.report.sections import tone as tone_section
from flowscope.storage import Store

ASOF = pd.Timestamp("2025-11-20")


class CountingLexicon(LexiconModel):
    """The dictionary model, counting how many documents' sentences it is asked to score."""

    calls = 0

    def sentence_scores(self, sentences):
        type(self).calls += 1
        return super().sentence_scores(sentences)


@pytest.fixture
def store(tmp_path, bundled_store):
    docs = bundled_store.read("fomc_docs")
    s = Store(tmp_path / "tone.duckdb")
    s.upsert("fomc_docs", docs.drop(columns=["ts_ingested"], errors="ignore"))
    yield s
    s.close()


@pytest.fixture
def counting(monkeypatch):
    CountingLexicon.calls = 0
    monkeypatch.setattr(tone_section, "LexiconModel", CountingLexicon)
    monkeypatch.setattr(docs_q, "LexiconModel", CountingLexicon)
    monkeypatch.setattr(brief_q, "LexiconModel", CountingLexicon)
    return CountingLexicon


def test_second_build_scores_no_document_and_gives_the_same_section(store, counting):
    first = tone_section.build(BriefContext.load(store, ASOF))
    scored_first = counting.calls
    counting.calls = 0
    second = tone_section.build(BriefContext.load(store, ASOF))
    assert scored_first >= 2  # the history batch and the latest document's sentences
    assert counting.calls == 0
    assert first is not None and second is not None
    assert second.bullets == first.bullets and second.facts == first.facts
    pd.testing.assert_frame_equal(second.table, first.table)
    assert first.facts["score"] == pytest.approx(
        (41 - 41) / 153
    )  # docs/tone.md: 41 hawkish, 41 dovish


def test_cached_history_equals_the_uncached_analytics(store):
    docs = docs_q.held_docs(store, asof=ASOF)
    expected = tone_section.history_for(docs, LexiconModel())
    cold = docs_q.cached_history(store, docs, LexiconModel())
    warm = docs_q.cached_history(store, docs, LexiconModel())
    pd.testing.assert_frame_equal(cold, expected)
    pd.testing.assert_frame_equal(warm, expected)


def test_an_edited_document_alone_is_scored_again(store, counting):
    docs = docs_q.held_docs(store, asof=ASOF)
    docs_q.cached_history(store, docs, CountingLexicon())
    edited = docs.copy()
    i = edited.index[-1]
    edited.loc[i, "text"] = (
        edited.loc[i, "text"] + " The Committee decided to raise the target range for the "
        "federal funds rate to combat inflation."
    )
    counting.calls = 0
    got = docs_q.cached_history(store, edited, CountingLexicon())
    assert counting.calls == 1
    pd.testing.assert_frame_equal(got, tone_section.history_for(edited, LexiconModel()))


def test_another_model_key_does_not_reuse_the_scores(store):
    docs = docs_q.held_docs(store, asof=ASOF)
    docs_q.cached_history(store, docs, LexiconModel())
    assert docs_q.model_key(LexiconModel()) != docs_q.model_key(CountingLexicon())


def test_warm_cache_then_a_read_only_brief_section_scores_nothing(store, counting, tmp_path):
    # what `flowscope init` / `update` do after writing: every held document is scored once
    docs_q.warm_cache(store)
    scored = counting.calls
    assert scored > 0
    path = store.path
    store.close()
    counting.calls = 0
    with Store(path, read_only=True) as ro:  # the brief opens the store read-only
        sec = tone_section.build(BriefContext.load(ro, ASOF))
    assert sec is not None
    # only the latest document's quoted sentences may be scored; no document's counts
    assert counting.calls <= 1


def test_warm_cache_then_todays_read_only_brief_scores_not_even_the_quoted_document(
    store, counting
):
    # a brief of today quotes the newest document held: warm_cache caches its sentences too
    docs = docs_q.held_docs(store)
    today = brief_q.tone_day(docs).max() + pd.Timedelta(days=3)
    with Store(store.path.with_name("plain.duckdb")) as plain:  # scored without any cache
        plain.upsert("fomc_docs", store.read("fomc_docs").drop(columns=["ts_ingested"]))
        uncached = tone_section.build(BriefContext.load(plain, today))
    docs_q.warm_cache(store)
    path = store.path
    store.close()
    counting.calls = 0
    with Store(path, read_only=True) as ro:
        sec = tone_section.build(BriefContext.load(ro, today))
    assert counting.calls == 0
    assert sec is not None and uncached is not None
    assert sec.bullets == uncached.bullets and sec.facts == uncached.facts

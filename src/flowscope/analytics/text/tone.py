"""Document tone: (hawkish − dovish) / sentences, its drivers, history and percentiles.

A *sentence model* is any object with ``sentence_scores(sentences) -> DataFrame`` returning
``sentence, label (0 dovish / 1 hawkish / 2 neutral), label_name, score`` where ``score`` is
signed (positive = hawkish) and used only to rank sentences. :class:`LexiconModel` and the
learned model (:mod:`flowscope.analytics.text.learned`) both qualify.

Document score
    ``(n_hawkish − n_dovish) / n_sentences`` over the *relevant* sentences of a document, in
    [−1, 1] (positive = hawkish). Relevant sentences are those that mention a policy topic
    (a subject word of the lexicon: inflation, prices, employment, growth, rates …) and
    have at least six words; this drops headings, attendance lists, vote tallies and
    footnote links, as the Trillion Dollar Words pipeline filters its documents before
    labelling.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

from flowscope.analytics.text.lexicon import DOVISH, HAWKISH, NEUTRAL, TOPIC_PATTERN
from flowscope.analytics.text.sentences import split_sentences
from flowscope.errors import InsufficientDataError, ValidationError

__all__ = [
    "DocumentTone",
    "SentenceModel",
    "percentile_of",
    "relevant_mask",
    "score_document",
    "tone_history",
]

_TOPIC = re.compile(TOPIC_PATTERN)
_MIN_WORDS = 6
_WORD = re.compile(r"\S+")


class SentenceModel(Protocol):
    """What :func:`score_document` needs from a model."""

    @property
    def name(self) -> str: ...

    def sentence_scores(self, sentences: Sequence[str] | pd.Series) -> pd.DataFrame: ...


def relevant_mask(sentences: Sequence[str] | pd.Series) -> np.ndarray:
    """Boolean mask of policy-relevant sentences (topic term and at least six words)."""
    s = pd.Series(list(sentences), dtype=object).fillna("").astype(str)
    topic = s.str.lower().str.contains(_TOPIC, regex=True).to_numpy(dtype=bool)
    words = s.str.count(_WORD).to_numpy() >= _MIN_WORDS
    out: np.ndarray = topic & words
    return out


@dataclass
class DocumentTone:
    """Tone of one document.

    Attributes
    ----------
    score
        ``(n_hawkish − n_dovish) / n_sentences``, in [−1, 1]; positive = hawkish.
    n_sentences, n_hawkish, n_dovish, n_neutral
        Counts over the relevant sentences.
    model
        Name of the sentence model used.
    sentences
        Every scored sentence in document order: ``position, sentence, label, label_name,
        score``.
    """

    score: float
    n_sentences: int
    n_hawkish: int
    n_dovish: int
    n_neutral: int
    model: str
    sentences: pd.DataFrame = field(repr=False)

    def top(self, n: int = 5, *, side: str = "hawkish") -> pd.DataFrame:
        """The ``n`` sentences that drive the tone most towards ``side`` (hawkish|dovish).

        Only sentences labelled ``side`` are returned, strongest first (ties keep document
        order).
        """
        if side not in {"hawkish", "dovish"}:
            msg = f"side must be 'hawkish' or 'dovish', not {side!r}"
            raise ValidationError(msg, param_name="side", received=side)
        code = HAWKISH if side == "hawkish" else DOVISH
        sub = self.sentences[self.sentences["label"] == code]
        ascending = side == "dovish"
        return (
            sub.sort_values(["score", "position"], ascending=[ascending, True], kind="stable")
            .head(n)
            .reset_index(drop=True)
        )


def _counts(labels: np.ndarray) -> tuple[int, int, int]:
    return (
        int((labels == HAWKISH).sum()),
        int((labels == DOVISH).sum()),
        int((labels == NEUTRAL).sum()),
    )


def score_document(
    text: str, model: SentenceModel, *, filter_relevant: bool = True
) -> DocumentTone:
    """Score one document.

    Parameters
    ----------
    text
        The document text.
    model
        A sentence model (:class:`~flowscope.analytics.text.lexicon.LexiconModel` …).
    filter_relevant
        Keep only policy-relevant sentences (see :func:`relevant_mask`).

    Raises
    ------
    InsufficientDataError
        If the text has no (relevant) sentence to score.
    """
    sents = split_sentences(text)
    positions = np.arange(len(sents))
    if filter_relevant and sents:
        mask = relevant_mask(sents)
        positions = positions[mask]
        sents = [s for s, keep in zip(sents, mask, strict=True) if keep]
    if not sents:
        msg = "the text has no policy-relevant sentence to score"
        raise InsufficientDataError(msg)
    scored = model.sentence_scores(sents)
    scored.insert(0, "position", positions)
    labels = scored["label"].to_numpy()
    n_h, n_d, n_n = _counts(labels)
    n = len(scored)
    return DocumentTone(
        score=(n_h - n_d) / n,
        n_sentences=n,
        n_hawkish=n_h,
        n_dovish=n_d,
        n_neutral=n_n,
        model=model.name,
        sentences=scored,
    )


def tone_history(
    docs: pd.DataFrame,
    model: SentenceModel,
    *,
    filter_relevant: bool = True,
    prefer: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Document scores for many documents, with the change since the previous meeting.

    Parameters
    ----------
    docs
        Columns ``meeting_date, kind, text`` and optionally ``release_ts`` and ``source``
        (the ``fomc_docs`` dataset).
    model
        Sentence model; all sentences are scored in one batch.
    filter_relevant
        Keep only policy-relevant sentences (see :func:`relevant_mask`).
    prefer
        When several sources hold the same document (same ``kind, meeting_date``), keep
        the one whose ``source`` comes first in ``prefer`` (unlisted sources last); without
        it, the first row in ``docs`` wins.

    Returns
    -------
    DataFrame
        One row per document with text, sorted by ``kind, meeting_date``: ``meeting_date,
        kind, release_ts, source, score, n_sentences, n_hawkish, n_dovish, change`` where
        ``change`` is the score minus that of the previous document of the same kind (NaN
        for the first). Documents with no relevant sentence are left out.
    """
    missing = [c for c in ("meeting_date", "kind", "text") if c not in docs.columns]
    if missing:
        msg = f"docs lacks column(s) {missing}"
        raise ValidationError(msg, param_name="docs", received=list(docs.columns))
    d = docs[docs["text"].notna()].reset_index(drop=True)
    if prefer is not None and "source" in d.columns:
        rank = {s: i for i, s in enumerate(prefer)}
        d = d.assign(_rank=d["source"].map(rank).fillna(len(rank))).sort_values(
            "_rank", kind="stable"
        )
        d = d.drop(columns="_rank")
    d = d.drop_duplicates(["kind", "meeting_date"], keep="first").reset_index(drop=True)
    parts: list[pd.DataFrame] = []
    for i, text in enumerate(d["text"].to_numpy()):
        sents = split_sentences(str(text))
        if filter_relevant and sents:
            mask = relevant_mask(sents)
            sents = [s for s, keep in zip(sents, mask, strict=True) if keep]
        if sents:
            parts.append(pd.DataFrame({"doc": i, "sentence": sents}))
    cols = [
        "meeting_date",
        "kind",
        "release_ts",
        "source",
        "score",
        "n_sentences",
        "n_hawkish",
        "n_dovish",
        "change",
    ]
    if not parts:
        return pd.DataFrame(columns=cols)
    allsent = pd.concat(parts, ignore_index=True)
    labels = model.sentence_scores(allsent["sentence"])["label"].to_numpy()
    allsent["h"] = labels == HAWKISH
    allsent["d"] = labels == DOVISH
    g = allsent.groupby("doc").agg(
        n_sentences=("h", "size"), n_hawkish=("h", "sum"), n_dovish=("d", "sum")
    )
    out = d.loc[g.index].copy()
    for c in ("release_ts", "source"):
        if c not in out.columns:
            out[c] = None
    out["n_sentences"] = g["n_sentences"].to_numpy()
    out["n_hawkish"] = g["n_hawkish"].to_numpy().astype(int)
    out["n_dovish"] = g["n_dovish"].to_numpy().astype(int)
    out["score"] = (out["n_hawkish"] - out["n_dovish"]) / out["n_sentences"]
    out = out.sort_values(["kind", "meeting_date"], kind="stable")
    out["change"] = out.groupby("kind")["score"].diff()
    return out[cols].reset_index(drop=True)


def percentile_of(value: float, history: Sequence[float] | pd.Series | np.ndarray) -> float:
    """Percentile rank (0-100) of ``value`` in ``history`` (ties count half).

    Raises
    ------
    InsufficientDataError
        If ``history`` is empty.
    """
    h = np.asarray(history, dtype=float)
    h = h[~np.isnan(h)]
    if h.size == 0:
        msg = "no history to rank against"
        raise InsufficientDataError(msg)
    below = float((h < value).sum())
    equal = float((h == value).sum())
    return float(100.0 * (below + 0.5 * equal) / h.size)

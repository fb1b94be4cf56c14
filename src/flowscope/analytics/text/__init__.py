"""FOMC text analytics: sentence splitting, sentence models, document tone and its history.

Pure functions and estimators: strings and frames in, frames out; no I/O. The learned model
(:mod:`flowscope.analytics.text.learned`) needs the ``nlp`` extra and is imported lazily.
"""

from flowscope.analytics.text.evaluate import (
    LEXICON_F1,
    PAPER_F1,
    TDW_DATASETS,
    evaluate_tdw,
    summarize_tdw,
    weighted_f1,
)
from flowscope.analytics.text.lexicon import (
    DOVISH,
    HAWKISH,
    LABEL_NAMES,
    LEXICON_RULES,
    NEUTRAL,
    LexiconModel,
    lexicon_frame,
)
from flowscope.analytics.text.sentences import normalize_whitespace, split_sentences
from flowscope.analytics.text.tone import (
    DocumentTone,
    SentenceModel,
    percentile_of,
    relevant_mask,
    score_document,
    tone_history,
)

__all__ = [
    "DOVISH",
    "HAWKISH",
    "LABEL_NAMES",
    "LEXICON_F1",
    "LEXICON_RULES",
    "NEUTRAL",
    "PAPER_F1",
    "TDW_DATASETS",
    "DocumentTone",
    "LexiconModel",
    "SentenceModel",
    "evaluate_tdw",
    "lexicon_frame",
    "normalize_whitespace",
    "percentile_of",
    "relevant_mask",
    "score_document",
    "split_sentences",
    "summarize_tdw",
    "tone_history",
    "weighted_f1",
]

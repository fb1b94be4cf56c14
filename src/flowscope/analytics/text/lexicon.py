"""Rule-based hawkish/dovish sentence classifier (dictionary baseline).

Attribution
-----------
The word groups and the rule follow the dictionary approach of Gorodnichenko, Pham and
Talavera ("The Voice of Monetary Policy", *American Economic Review* 113(2), 2023), in the
form used as the rule-based baseline of Shah, Paturi and Chava, "Trillion Dollar Words: A
New Financial Dataset, Task & Market Analysis" (ACL 2023), file ``code_model/rule_based.py``
of ``github.com/gtfintechlab/fomc-hawkish-dovish``. The 56 terms are reproduced as a word
list (they include that file's spelling ``decelarate`` and its placement of ``tighten``
among the "decrease" words). No labelled data is shipped: the rule needs none.

Rule (substring match on the lower-cased sentence, as in the original):

* dovish if (A1 and A2) or (B1 and B2);
* otherwise hawkish if (A1 and B2) or (B1 and A2);
* otherwise neutral;
* a negation term (group C) swaps dovish and hawkish.

Label codes follow Trillion Dollar Words: ``0 = dovish``, ``1 = hawkish``, ``2 = neutral``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from flowscope.errors import ValidationError

__all__ = [
    "DOVISH",
    "HAWKISH",
    "LABEL_NAMES",
    "LEXICON_GROUPS",
    "NEUTRAL",
    "LexiconModel",
    "lexicon_frame",
]

DOVISH, HAWKISH, NEUTRAL = 0, 1, 2
LABEL_NAMES: dict[int, str] = {DOVISH: "dovish", HAWKISH: "hawkish", NEUTRAL: "neutral"}

#: Word groups of the dictionary rule (see the module docstring for the attribution).
LEXICON_GROUPS: dict[str, tuple[str, ...]] = {
    "A1": (
        "inflation expectation",
        "interest rate",
        "bank rate",
        "fund rate",
        "price",
        "economic activity",
        "inflation",
        "employment",
    ),
    "A2": (
        "anchor",
        "cut",
        "subdue",
        "decline",
        "decrease",
        "reduce",
        "low",
        "drop",
        "fall",
        "fell",
        "decelarate",
        "slow",
        "pause",
        "pausing",
        "stable",
        "non-accelerating",
        "downward",
        "tighten",
    ),
    "B1": (
        "unemployment",
        "growth",
        "exchange rate",
        "productivity",
        "deficit",
        "demand",
        "job market",
        "monetary policy",
    ),
    "B2": (
        "ease",
        "easing",
        "rise",
        "rising",
        "increase",
        "expand",
        "improve",
        "strong",
        "upward",
        "raise",
        "high",
        "rapid",
    ),
    "C": (
        "weren't",
        "were not",
        "wasn't",
        "was not",
        "did not",
        "didn't",
        "do not",
        "don't",
        "will not",
        "won't",
    ),
}

_GROUP_MEANING = {
    "A1": "topic terms group A (price/rate/activity/employment nouns)",
    "A2": "direction terms: decrease/low/stable",
    "B1": "topic terms group B (unemployment/growth/demand...)",
    "B2": "direction terms: increase/high/ease",
    "C": "negation terms (swap dovish and hawkish)",
}


def lexicon_frame() -> pd.DataFrame:
    """The word list as a frame with columns ``group, term, group_meaning``."""
    rows = [(g, t, _GROUP_MEANING[g]) for g, terms in LEXICON_GROUPS.items() for t in terms]
    return pd.DataFrame(rows, columns=["group", "term", "group_meaning"])


def _as_series(sentences: Sequence[str] | pd.Series) -> pd.Series:
    s = pd.Series(sentences, dtype="string") if not isinstance(sentences, pd.Series) else sentences
    if s.isna().any():
        i = int(np.flatnonzero(s.isna().to_numpy())[0])
        msg = f"sentence {i} is missing (NaN/None); give text for every sentence"
        raise ValidationError(msg, param_name="sentences")
    return s.astype("string").reset_index(drop=True)


@dataclass(frozen=True)
class LexiconModel:
    """Dictionary classifier: hawkish / dovish / neutral per sentence, no training needed.

    Parameters
    ----------
    groups
        Word groups ``A1, A2, B1, B2, C``; defaults to :data:`LEXICON_GROUPS`.

    Notes
    -----
    Licence-clean and always available (no optional dependency). ``predict_proba`` returns
    one-hot probabilities; ``sentence_scores`` adds a strength so that sentences can be
    ranked (more matched terms = stronger).
    """

    groups: tuple[tuple[str, tuple[str, ...]], ...] = tuple(LEXICON_GROUPS.items())
    name: str = "lexicon"
    licence: str = "Apache-2.0 (word list after Gorodnichenko, Pham & Talavera 2023)"

    def _matches(self, sentences: Sequence[str] | pd.Series) -> dict[str, np.ndarray]:
        s = _as_series(sentences).str.lower()
        out: dict[str, np.ndarray] = {}
        for group, terms in self.groups:
            counts = np.zeros(len(s), dtype=np.int64)
            for term in terms:
                counts += s.str.contains(re.escape(term), regex=True).to_numpy(dtype=bool)
            out[group] = counts
        return out

    def predict(self, sentences: Sequence[str] | pd.Series) -> np.ndarray:
        """Label codes (0 dovish, 1 hawkish, 2 neutral) for each sentence."""
        return self._labels(self._matches(sentences))

    @staticmethod
    def _labels(m: dict[str, np.ndarray]) -> np.ndarray:
        a1, a2, b1, b2, c = (m[g] > 0 for g in ("A1", "A2", "B1", "B2", "C"))
        dovish = (a1 & a2) | (b1 & b2)
        hawkish = ~dovish & ((a1 & b2) | (b1 & a2))
        labels = np.full(len(a1), NEUTRAL, dtype=np.int64)
        labels[dovish] = DOVISH
        labels[hawkish] = HAWKISH
        flip = c & (labels != NEUTRAL)
        labels[flip] = 1 - labels[flip]
        return labels

    def predict_proba(self, sentences: Sequence[str] | pd.Series) -> np.ndarray:
        """One-hot probabilities, shape ``(n, 3)``, columns in label order 0, 1, 2."""
        labels = self.predict(sentences)
        out = np.zeros((len(labels), 3))
        out[np.arange(len(labels)), labels] = 1.0
        return out

    def sentence_scores(self, sentences: Sequence[str] | pd.Series) -> pd.DataFrame:
        """Per-sentence label and signed score.

        Returns
        -------
        DataFrame
            ``sentence, label (0/1/2), label_name, score``. ``score`` is in (-1, 1):
            sign +1 hawkish / -1 dovish / 0 neutral, times ``k / (k + 1)`` with ``k`` the
            number of distinct dictionary terms found (a ranking strength, not a
            probability).
        """
        m = self._matches(sentences)
        labels = self._labels(m)
        k = (m["A1"] + m["A2"] + m["B1"] + m["B2"]).astype(float)
        sign = np.select([labels == HAWKISH, labels == DOVISH], [1.0, -1.0], 0.0)
        return pd.DataFrame(
            {
                "sentence": _as_series(sentences).astype(object),
                "label": labels,
                "label_name": [LABEL_NAMES[int(v)] for v in labels],
                "score": sign * k / (k + 1.0),
            }
        )

"""Rule-based hawkish/dovish sentence classifier: subject–direction pairs, policy phrases,
risk hedges, negation and contrast.

The method follows the published idea of Gorodnichenko, Pham and Talavera ("The Voice of
Monetary Policy", *American Economic Review* 113(2), 2023): a sentence is hawkish when a
price or activity measure moves up (or slack moves down) and dovish in the opposite case.
The word lists and rules here are flowscope's own (Apache-2.0); every rule carries a real
FOMC sentence as its example, and the tests check each one.

How a sentence is scored
------------------------
1. The sentence is lower-cased and cut into clauses at contrast words. In "although X, Y"
   and "X, but Y" the concessive part X gets weight :data:`SUBORDINATE_WEIGHT` and the main
   part Y weight 1.
2. In each clause every rule is matched with word boundaries (never substrings):

   * **pair** rules: a subject (``inflation``, ``wages``, ``demand``, ``unemployment`` …)
     and a direction word (``rose``, ``higher``, ``slowed``, ``weaker`` …) within
     :data:`WINDOW_AFTER` words after the subject, or :data:`WINDOW_BEFORE` words before
     it. ``up`` of a price, wage or activity subject is hawkish, ``down`` dovish; slack
     subjects (unemployment, downside risks, uncertainty) have the opposite sign.
   * **phrase** rules: policy actions ("raise the target range", "further firming",
     "restrictive" → hawkish; "cut", "lower the federal funds rate", "accommodation",
     "pause" → dovish) and hedges ("upside risks to inflation", "could risk an increase in
     longer-term inflation expectations" → hawkish).

   A negation ("not", "no longer", "n't", "never", "without") between the subject and the
   direction word, or just before the direction word, reverses a pair.
3. The sentence score is the weighted sum of rule signs (+ hawkish); the label is hawkish
   if the score is at least :data:`THRESHOLD`, dovish if at most ``-THRESHOLD``, neutral
   otherwise. The rule that contributed most to the label is reported.

Label codes follow Trillion Dollar Words: ``0 = dovish``, ``1 = hawkish``, ``2 = neutral``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from flowscope.errors import ValidationError

__all__ = [
    "DIRECTION_WORDS",
    "DOVISH",
    "HAWKISH",
    "LABEL_NAMES",
    "LEXICON_RULES",
    "NEUTRAL",
    "SUBJECTS",
    "THRESHOLD",
    "TOPIC_PATTERN",
    "LexiconModel",
    "Rule",
    "lexicon_frame",
]

DOVISH, HAWKISH, NEUTRAL = 0, 1, 2
LABEL_NAMES: dict[int, str] = {DOVISH: "dovish", HAWKISH: "hawkish", NEUTRAL: "neutral"}

#: Words allowed between a subject and a following direction word.
WINDOW_AFTER = 6
#: Words allowed between a direction word and a following subject ("higher prices").
WINDOW_BEFORE = 3
#: Weight of a concessive clause ("although X", the X of "X, but Y").
SUBORDINATE_WEIGHT = 0.5
#: Absolute score needed for a hawkish or dovish label.
THRESHOLD = 0.5

#: Subject word lists (regex alternatives, matched on word boundaries).
SUBJECTS: dict[str, str] = {
    "prices": (
        r"inflation(?:ary)?(?: pressures?)?(?! target| objective| goal)|prices?(?! stability)|"
        r"price pressures?|pce|cpi|"
        r"(?:labor|unit labor|input|energy|commodity|import|production) costs?|"
        r"cost pressures?"
    ),
    "inflation_expectations": r"inflation expectations|(?:longer|long)[- ](?:term|run) expectations",
    "wages": r"wages?(?: growth)?|compensation|earnings|labor costs?",
    "activity": (
        r"(?:economic )?(?<!productivity )growth|(?:aggregate |final |domestic |consumer |global |foreign )?demand|"
        r"(?:economic )?activity|output|gdp|spending|consumption|investment|production|"
        r"exports|sales|economy|expansion|recovery|housing|profits"
    ),
    "jobs": (
        r"jobs?|(?<!maximum )employment|payrolls?|hiring|job gains|labor market(?: conditions)?|"
        r"resource utilization|labor demand"
    ),
    "slack": (
        r"unemployment(?: rate)?|slack|jobless(?: claims)?|layoffs|job losses|downside risks?|"
        r"uncertainty|headwinds|economic weakness|productivity(?: growth)?"
    ),
    "rates": r"(?:real |long-term |longer-term |market )?interest rates|yields|mortgage rates",
}

#: Direction word lists (regex alternatives, matched on word boundaries).
DIRECTION_WORDS: dict[str, str] = {
    "up": (
        r"rise[sn]?|rose|rising|increas(?:e|ed|es|ing)|higher|high|elevated|upward|"
        r"strong(?:er|ly)?|robust(?:ly)?|solid(?:ly)?|firm(?:er|ed|ing)?|accelerat\w*|"
        r"pick(?:ed|s|ing)? up|moved up|edged up|expand\w*|gain(?:ed|s|ing)?|boost\w*|surg\w*|jump\w*|soar\w*|pickup|rebound\w*|mount\w*|rais\w*|ticked up|turned up|"
        r"climb\w*|strengthen\w*|improv\w*|rapid(?:ly)?|brisk(?:ly)?|tight(?:er|en\w*)?|"
        r"above|advanc\w*|buoyant|heightened|persistent(?:ly)?|outsized|upside"
    ),
    "down": (
        r"fall(?:s|en|ing)?|fell|declin\w*|decreas\w*|lower(?:ed|ing)?|low|weak\w*|"
        r"soft(?:er|en\w*)?|slow\w*|moderat\w*|subdued|eas(?:ed|ing)|diminish\w*|"
        r"reduc\w*|drop\w*|contract\w*|decelerat\w*|below|restrain\w*|damp\w*|sluggish\w*|"
        r"muted|contained|cool\w*|deteriorat\w*|downward|edged down|anchored|plung\w*|plummet\w*|ticked down|"
        r"shortfalls?|under|negative|receded?|retreat\w*|waned?|tame|wan(?:e|ed|es|ing)"
    ),
}

_NEG = r"(?:not|no longer|n't|never|without|nor|neither|no)"


@dataclass(frozen=True)
class Rule:
    """One lexicon rule.

    Attributes
    ----------
    name
        Identifier shown as the rule that fired (e.g. ``prices_up``).
    sign
        +1 hawkish, -1 dovish.
    kind
        ``pair`` (subject and direction within a window) or ``phrase``.
    pattern
        Regular expression on the lower-cased clause (word-bounded).
    example
        A real FOMC sentence on which the rule fires, with the expected label.
    weight
        Contribution to the sentence score.
    """

    name: str
    sign: int
    kind: str
    pattern: str
    example: str
    weight: float = 1.0


def _pair(subject: str, direction: str) -> str:
    s, d = SUBJECTS[subject], DIRECTION_WORDS[direction]
    gap_after = rf"(?:\W+[\w'-]+){{0,{WINDOW_AFTER}}}?\W+"
    gap_before = rf"(?:\W+[\w'-]+){{0,{WINDOW_BEFORE}}}?\W+"
    return rf"\b(?:(?:{s})\b{gap_after}(?:{d})|(?:{d})\b{gap_before}(?:{s}))\b"


def _negated_pair(subject: str, direction: str) -> str:
    s, d = SUBJECTS[subject], DIRECTION_WORDS[direction]
    pre = rf"(?:\W+[\w'-]+){{0,{WINDOW_AFTER - 1}}}?"
    return rf"\b(?:{s})\b{pre}\W*\b{_NEG}\b(?:\W+[\w'-]+){{0,3}}?\W+(?:{d})\b"


_PAIR_SIGNS: tuple[tuple[str, str, int, float, str], ...] = (
    (
        "prices",
        "up",
        1,
        1.0,
        "Consumer price inflation picked up a bit in January as energy prices posted their "
        "first increase since September.",
    ),
    (
        "prices",
        "down",
        -1,
        1.0,
        "Several participants commented that the factors that had contributed to low inflation "
        "during the previous expansion could again exert more downward pressure on inflation "
        "than expected.",
    ),
    (
        "inflation_expectations",
        "up",
        1,
        1.0,
        "Households' longer-term inflation expectations also edged up in both November and "
        "December.",
    ),
    (
        "inflation_expectations",
        "down",
        -1,
        0.5,
        "Some survey measures of inflation expectations declined during the period.",
    ),
    (
        "wages",
        "up",
        1,
        1.0,
        "Average hourly earnings for all employees rose further in June.",
    ),
    (
        "wages",
        "down",
        -1,
        1.0,
        "Growth of wages had also slowed this year by some measures.",
    ),
    (
        "activity",
        "up",
        1,
        1.0,
        "Household spending had been rising at a strong pace.",
    ),
    (
        "activity",
        "down",
        -1,
        1.0,
        "Slower foreign growth was driven in part by weaker exports due to reduced U.S. demand "
        "and lower investment due to elevated uncertainty, likely reflecting the effects of "
        "the U.S. tariffs.",
    ),
    (
        "jobs",
        "up",
        1,
        1.0,
        "Labor market conditions remained strong in recent months.",
    ),
    (
        "jobs",
        "down",
        -1,
        1.0,
        "Recent data suggested that labor market conditions had eased further.",
    ),
    (
        "rates",
        "up",
        1,
        1.0,
        "Treasury yields rose materially over the intermeeting period.",
    ),
    (
        "rates",
        "down",
        -1,
        1.0,
        "Yields on corporate bonds and leveraged loans edged down.",
    ),
    (
        "slack",
        "up",
        -1,
        1.0,
        "Participants observed that uncertainty about the economic outlook remained high.",
    ),
    (
        "slack",
        "down",
        1,
        1.0,
        "The unemployment rate fell to 6.2 percent in February.",
    ),
)

_PHRASES: tuple[tuple[str, int, str, str, float], ...] = (
    (
        "policy_raise",
        1,
        r"\b(?:rais\w*|increas\w*|hik\w*|boost\w*)\W+(?:[\w'-]+\W+){0,4}?(?:target range|"
        r"federal funds rate|policy rate|interest rates?|funds rate)\b",
        "Given the economic outlook, and recognizing the time it takes for policy actions to "
        "affect future economic outcomes, the Committee decided to raise the target range for "
        "the federal funds rate to 1/4 to 1/2 percent.",
        1.5,
    ),
    (
        "policy_firming",
        1,
        r"\b(?:firming|tighten\w*|restrictive|policy restraint|remov\w* (?:of )?(?:policy |monetary )?"
        r"accommodation|less accommodative|reduc\w* (?:the degree of |monetary |policy )*"
        r"accommodation|normaliz\w*|higher for longer|further (?:policy )?increases|"
        r"additional (?:policy )?increases|ongoing increases|taper\w*)\b",
        "By contrast, the BOJ continued to remove monetary accommodation.",
        1.5,
    ),
    (
        "policy_cut",
        -1,
        r"\b(?:cut\w*|lower\w*|reduc\w*|eas\w*)\W+(?:[\w'-]+\W+){0,4}?(?:target range|"
        r"federal funds rate|policy rate|interest rates?|funds rate)\b|\brate cuts?\b",
        "Survey respondents placed a higher probability on a reduction in the target range over "
        "2020 than an increase.",
        1.5,
    ),
    (
        "policy_ease",
        -1,
        r"\b(?:accommodat\w*|stimul\w*|(?:policy|monetary) easing|eased (?:monetary )?policy|"
        r"risks? (?:\w+ ){0,6}?(?:tilted|skewed|weighted) (?:to|toward) the downside|easing (?:of|in) "
        r"(?:monetary )?policy|pause|paus\w*|patient|asset purchases|securities purchases|"
        r"quantitative easing|exceptionally low|highly accommodative|support the (?:economy|"
        r"recovery)|effective lower bound|zero lower bound|lower bound|elb)\b",
        "Participants agreed that overall financial conditions were accommodative.",
        1.0,
    ),
    (
        "inflation_risk_up",
        1,
        r"\b(?:upside risks?|risks? (?:\w+ ){0,3}(?:tilted |skewed )?(?:to|toward) the upside)"
        r"\W+(?:[\w'-]+\W+){0,4}?(?:inflation|prices)\b|\binflation(?:ary)? (?:risks?|"
        r"pressures?) (?:\w+ ){0,3}(?:dominant|upside|greater)\b|\brisk (?:of )?an? "
        r"(?:increase|rise)\W+(?:[\w'-]+\W+){0,4}?expectations\b|\babove[- ]target inflation\b|"
        r"\binflation (?:\w+ ){0,3}(?:persist\w*|unacceptably high|too high)\b|"
        r"\b(?:unanchor\w*|de-?anchor\w*)\b",
        "Participants emphasized the importance of maintaining well-anchored inflation "
        "expectations to help return inflation to the Committee's 2 percent objective in a "
        "timely manner, and many noted concerns that the prolonged period of above-target "
        "inflation could risk an increase in longer-term expectations.",
        1.5,
    ),
    (
        "inflation_below_goal",
        -1,
        r"\b(?:below|under|short of|undershoot\w*|shortfalls?)\W+(?:[\w'-]+\W+){0,5}?"
        r"(?:2 percent|objective|goal|target|mandate)\b",
        "Following these swings, inflation was expected to finish the year at just below 2 "
        "percent.",
        1.0,
    ),
)

#: Real sentences for negation (a pair reversed) and contrast (main clause outweighs).
NEGATION_EXAMPLE = (
    "Labor cost increases had not turned up and core inflation continued to edge lower."
)
CONTRAST_EXAMPLE = (
    "While total inflation had moderated over the past year, core inflation had not shown a "
    "sustained easing since the beginning of the year."
)


def _build_rules() -> tuple[Rule, ...]:
    rules = [
        Rule(f"{subj}_{d}", sign, "pair", _pair(subj, d), ex, w)
        for subj, d, sign, w, ex in _PAIR_SIGNS
    ]
    rules += [Rule(n, sign, "phrase", p, ex, w) for n, sign, p, ex, w in _PHRASES]
    return tuple(rules)


#: All rules in matching order.
LEXICON_RULES: tuple[Rule, ...] = _build_rules()
#: Policy-relevant topic (any subject word), for filtering document sentences.
TOPIC_PATTERN: str = (
    r"\b(?:"
    + "|".join(SUBJECTS.values())
    + r"|interest rates?|federal funds rate|target range|monetary policy|policy rate)\b"
)


class _Lazy(Mapping[str, re.Pattern[str]]):
    """Compiled patterns, compiled on first use (importing the module stays cheap)."""

    def __init__(self, build: Callable[[], dict[str, re.Pattern[str]]]) -> None:
        self._build = build
        self._map: dict[str, re.Pattern[str]] | None = None

    def _get(self) -> dict[str, re.Pattern[str]]:
        if self._map is None:
            self._map = self._build()
        return self._map

    def __getitem__(self, key: str) -> re.Pattern[str]:
        return self._get()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


_COMPILED: Mapping[str, re.Pattern[str]] = _Lazy(
    lambda: {r.name: re.compile(r.pattern) for r in LEXICON_RULES}
)
_COMPILED_NEG: Mapping[str, re.Pattern[str]] = _Lazy(
    lambda: {
        r.name: re.compile(_negated_pair(*r.name.rsplit("_", 1)))
        for r in LEXICON_RULES
        if r.kind == "pair"
    }
)
_WORDS: Mapping[str, re.Pattern[str]] = _Lazy(
    lambda: {
        k: re.compile(rf"\b(?:{v})\b")
        for k, v in {**SUBJECTS, **DIRECTION_WORDS, "neg": _NEG}.items()
    }
)

_CONTRAST_MAIN = re.compile(
    r",?\s*\b(?:but|however|nevertheless|nonetheless|still,)\b", flags=re.IGNORECASE
)
_CONCESSIVE = re.compile(
    r"\b(although|though|even though|while|whereas|despite|notwithstanding)\b([^,;]*)[,;]",
    flags=re.IGNORECASE,
)
_MARK = "\x1f"


def lexicon_frame() -> pd.DataFrame:
    """The rules as a frame: ``rule, kind, label_name, weight, pattern, example``."""
    return pd.DataFrame(
        {
            "rule": [r.name for r in LEXICON_RULES],
            "kind": [r.kind for r in LEXICON_RULES],
            "label_name": ["hawkish" if r.sign > 0 else "dovish" for r in LEXICON_RULES],
            "weight": [r.weight for r in LEXICON_RULES],
            "pattern": [r.pattern for r in LEXICON_RULES],
            "example": [r.example for r in LEXICON_RULES],
        }
    )


def _as_series(sentences: Sequence[str] | pd.Series) -> pd.Series:
    s = pd.Series(sentences, dtype="string") if not isinstance(sentences, pd.Series) else sentences
    if s.isna().any():
        i = int(np.flatnonzero(s.isna().to_numpy())[0])
        msg = f"sentence {i} is missing (NaN/None); give text for every sentence"
        raise ValidationError(msg, param_name="sentences")
    return s.astype("string").reset_index(drop=True)


def _clauses(s: pd.Series, subordinate: float) -> pd.DataFrame:
    """Explode sentences into weighted clauses: ``sent, clause, weight``."""
    low = s.astype(object).str.lower().str.replace("\u2019", "'", regex=False)
    marked = low.str.replace(_CONCESSIVE, f"{_MARK}S\\1\\2{_MARK}M", regex=True)
    marked = marked.str.replace(_CONTRAST_MAIN, f"{_MARK}M", regex=True)
    has_main = marked.str.contains(f"{_MARK}M", regex=False).to_numpy(dtype=bool)
    parts = marked.str.split(_MARK, regex=False)
    frame = pd.DataFrame({"sent": np.arange(len(s)), "clause": parts}).explode("clause")
    frame["clause"] = frame["clause"].fillna("").astype(str)
    first = ~frame.index.duplicated(keep="first")
    tag = frame["clause"].str[:1]
    weight = np.where(tag == "S", subordinate, 1.0)
    weight = np.where(first & has_main[frame["sent"].to_numpy()], subordinate, weight)
    frame["weight"] = weight
    return frame.reset_index(drop=True)


@dataclass(frozen=True)
class LexiconModel:
    """Rule-based classifier: hawkish / dovish / neutral per sentence, no training needed.

    Parameters
    ----------
    threshold
        Absolute weighted score needed for a hawkish or dovish label.
    subordinate_weight
        Weight of concessive clauses ("although X, …", "X, but …").

    Notes
    -----
    Licence-clean (the project's own rules) and always available. ``predict_proba`` is
    one-hot; ``sentence_scores`` adds a ranking strength and the rule that fired.
    """

    threshold: float = THRESHOLD
    subordinate_weight: float = SUBORDINATE_WEIGHT
    name: str = "lexicon"
    licence: str = "Apache-2.0 (flowscope's own rules, after Gorodnichenko, Pham & Talavera)"

    def _raw(self, sentences: Sequence[str] | pd.Series) -> tuple[pd.Series, np.ndarray]:
        """Sentences and their per-rule weighted contributions, shape ``(n, n_rules)``."""
        s = _as_series(sentences)
        cl = _clauses(s, self.subordinate_weight)
        text = cl["clause"].astype(object)
        has = {k: text.str.contains(p, regex=True).to_numpy(dtype=bool) for k, p in _WORDS.items()}
        contrib = np.zeros((len(cl), len(LEXICON_RULES)))
        for j, rule in enumerate(LEXICON_RULES):
            hits = np.zeros(len(cl))
            if rule.kind == "pair":
                subj, direction = rule.name.rsplit("_", 1)
                cand = has[subj] & has[direction]
                if cand.any():
                    hits[cand] = text[cand].str.count(_COMPILED[rule.name]).to_numpy(dtype=float)
                neg_cand = cand & has["neg"] & (hits > 0)
                if neg_cand.any():
                    neg = text[neg_cand].str.count(_COMPILED_NEG[rule.name])
                    h = hits[neg_cand]
                    hits[neg_cand] = h - 2.0 * np.minimum(neg.to_numpy(dtype=float), h)
            else:
                hits = text.str.count(_COMPILED[rule.name]).to_numpy(dtype=float)
            contrib[:, j] = rule.sign * rule.weight * np.clip(hits, -1.0, 1.0)
        contrib *= cl["weight"].to_numpy()[:, None]
        per_sentence = np.zeros((len(s), len(LEXICON_RULES)))
        np.add.at(per_sentence, cl["sent"].to_numpy(dtype=np.int64), contrib)
        return s, per_sentence

    def _labels(self, total: np.ndarray) -> np.ndarray:
        labels = np.full(len(total), NEUTRAL, dtype=np.int64)
        labels[total >= self.threshold] = HAWKISH
        labels[total <= -self.threshold] = DOVISH
        return labels

    def predict(self, sentences: Sequence[str] | pd.Series) -> np.ndarray:
        """Label codes (0 dovish, 1 hawkish, 2 neutral) for each sentence."""
        _, contrib = self._raw(sentences)
        return self._labels(contrib.sum(axis=1))

    def predict_proba(self, sentences: Sequence[str] | pd.Series) -> np.ndarray:
        """One-hot probabilities, shape ``(n, 3)``, columns in label order 0, 1, 2."""
        labels = self.predict(sentences)
        out = np.zeros((len(labels), 3))
        out[np.arange(len(labels)), labels] = 1.0
        return out

    def sentence_scores(self, sentences: Sequence[str] | pd.Series) -> pd.DataFrame:
        """Per-sentence label, signed score and the rule that fired.

        Returns
        -------
        DataFrame
            ``sentence, label (0/1/2), label_name, score, rule``. ``score`` is in (-1, 1):
            ``t / (|t| + 1)`` for the weighted rule total ``t`` (positive = hawkish; a
            ranking strength, not a probability). ``rule`` is the rule that contributed most
            towards the label (empty for neutral sentences).
        """
        s, contrib = self._raw(sentences)
        total = contrib.sum(axis=1)
        labels = self._labels(total)
        sign = np.select([labels == HAWKISH, labels == DOVISH], [1.0, -1.0], 0.0)
        best = np.argmax(contrib * sign[:, None], axis=1)
        names = np.array([r.name for r in LEXICON_RULES], dtype=object)
        flipped = (
            np.sign(contrib[np.arange(len(s)), best])
            != np.array([r.sign for r in LEXICON_RULES])[best]
        )
        rule = np.where(flipped, names[best] + " (negated)", names[best])
        rule = np.where(labels == NEUTRAL, "", rule)
        return pd.DataFrame(
            {
                "sentence": s.astype(object),
                "label": labels,
                "label_name": [LABEL_NAMES[int(v)] for v in labels],
                "score": total / (np.abs(total) + 1.0),
                "rule": rule,
            }
        )

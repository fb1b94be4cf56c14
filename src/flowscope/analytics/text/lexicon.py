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

   Pairs are found on tagged tokens: each direction word pairs with its **nearest** subject
   only (a following subject counts at double distance), so in "higher core inflation and
   somewhat lower unemployment" "lower" goes with unemployment, not inflation. A clause
   with a direction word but no subject takes the last subject of the clause before it
   ("inflation had eased somewhat but remained elevated": "remained elevated" is said of
   inflation). Subjects abroad ("foreign growth", "global demand") are not paired.

   A negation ("not", "no longer", "n't", "never", "without") or a diminisher ("absence
   of", "lack of", "few signs of", "little evidence of", "limited") between the subject and
   the direction word, or up to 3 words before the direction word, reverses a pair ("few
   signs of any acceleration in labor costs" is dovish). A diminisher with no direction
   word right after it reads as "down" ("the absence of sizable wage pressures").
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
    "CARRY_EXAMPLE",
    "CONTRAST_EXAMPLE",
    "DIMINISHERS",
    "DIMINISHER_EXAMPLE",
    "DIRECTION_WORDS",
    "DOVISH",
    "HAWKISH",
    "LABEL_NAMES",
    "LEXICON_RULES",
    "NEAREST_EXAMPLE",
    "NEGATION_EXAMPLE",
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
        r"inflation(?:ary)?(?: pressures?)?(?! target| objective| goal)|(?<!asset )(?<!stock )(?<!equity )(?<!share )(?<!bond )prices?(?! stability| level target)|"
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
        r"job gains|jobs?(?! loss)|(?<!maximum )employment|payrolls?|hiring|labor market(?: conditions)?|"
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
        r"pick(?:ed|s|ing)? up|moved up|edged up|push(?:ed|es|ing)? up|expand\w*|gain(?:ed|s|ing)?|boost\w*|surg\w*|jump\w*|soar\w*|pickup|rebound\w*|mount\w*|rais\w*|ticked up|turned up|"
        r"climb\w*|strengthen\w*|improv\w*|rapid(?:ly)?|brisk(?:ly)?|tight(?:er|en\w*)?|"
        r"above|advanc\w*|buoyant|heightened|persistent(?:ly)?|outsized|upside"
    ),
    "down": (
        r"fall(?:s|en|ing)?|fell|declin\w*|decreas\w*|lower(?:ed|ing)?|low|weak\w*|"
        r"soft(?:er|en\w*)?|slow\w*|moderat\w*|subdued|eas(?:ed|ing)|diminish\w*|"
        r"reduc\w*|drop\w*|contract\w*|decelerat\w*|below|restrain\w*|damp\w*|sluggish\w*|"
        r"muted|contained|cool\w*|deteriorat\w*|downward|edged down|anchored|plung\w*|plummet\w*|ticked down|"
        r"shortfalls?|negative|weigh(?:ed|s|ing)?(?: heavily)? on|receded?|retreat\w*|waned?|tame|wan(?:e|ed|es|ing)"
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
        r"\b(?:rais\w*|increas\w*|hik\w*|boost\w*|higher)\W+(?:[\w'-]+\W+){0,4}?(?:target range|"
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
        r"risks? (?:\w+ ){0,10}?(?:tilted|skewed|weighted) (?:to|toward) the downside|easing (?:of|in) "
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
        "growth_risk_down",
        -1,
        r"\bdownside risks? (?:to|for|in) (?:the )?(?:u\.\s?s\. )?(?:economic |real )?"
        r"(?:outlook|growth|activity|economy|employment|labor market|recovery|expansion|"
        r"spending)\b",
        "A number of participants also suggested that uncertainty about whether all elements of "
        "the tax cuts would be made permanent, or about the implications of higher budget "
        "deficits for fiscal sustainability and real interest rates, represented sources of "
        "downside risk to the economic outlook.",
        1.0,
    ),
    (
        "inflation_below_goal",
        -1,
        r"\b(?:below|under|short of|undershoot\w*|shortfalls?|(?:mov\w*|ris\w*|rose|back|"
        r"climb\w*) up (?:back )?to)\W+(?:[\w'-]+\W+){0,5}?"
        r"(?:2 percent|objective|goal|target|mandate)\b",
        "Following these swings, inflation was expected to finish the year at just below 2 "
        "percent.",
        1.0,
    ),
)

#: Real sentences for the modifiers: negation (a pair reversed), contrast (main clause
#: outweighs), subject carried into a "but" clause, nearest-subject pairing, diminishers.
NEGATION_EXAMPLE = (
    "Labor cost increases had not turned up and core inflation continued to edge lower."
)
CONTRAST_EXAMPLE = (
    "While total inflation had moderated over the past year, core inflation had not shown a "
    "sustained easing since the beginning of the year."
)
CARRY_EXAMPLE = "Members agreed that inflation had eased somewhat but remained elevated."
NEAREST_EXAMPLE = (
    "A couple of others, however, suggested that the juxtaposition of higher core inflation "
    "and somewhat lower unemployment could imply that the level of potential output was "
    "lower than had been thought."
)
DIMINISHER_EXAMPLE = (
    "Labor markets continued to be very tight, but there were few signs of any acceleration "
    "in labor costs."
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
    + r"|prices?(?! stability)|interest rates?|federal funds rate|target range|monetary policy|"
    r"policy rate)\b"
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
_PAIR_INDEX: dict[tuple[str, str], int] = {
    tuple(r.name.rsplit("_", 1)): j  # type: ignore[misc]
    for j, r in enumerate(LEXICON_RULES)
    if r.kind == "pair"
}

#: Subject categories in matching order (more specific first: "inflation expectations"
#: before "inflation", "labor costs" as wages).
_SUBJECT_ORDER: tuple[str, ...] = (
    "inflation_expectations",
    "rates",
    "wages",
    "jobs",
    "slack",
    "prices",
    "activity",
)
#: Rule index of each (subject category, direction 0 = up / 1 = down).
_PAIR_TABLE: np.ndarray = np.array(
    [[_PAIR_INDEX[(k, "up")], _PAIR_INDEX[(k, "down")]] for k in _SUBJECT_ORDER], dtype=np.int64
)
_TAG_SUBJECT = re.compile(
    "|".join(rf"\b(?P<S{i}>{SUBJECTS[k]})\b" for i, k in enumerate(_SUBJECT_ORDER))
)
#: Diminishers: reverse a following direction word ("little evidence of rising
#: inflation"), or read as "down" ("the absence of significant growth in employment").
DIMINISHERS = (
    r"absence of|lack of|(?:few|no|little|scant) (?:signs?|evidence|indications?) of|"
    r"limited"
)
_TAG_NEG = re.compile(rf"\b(?P<D>{DIMINISHERS})\b|(?P<N>\b{_NEG}\b|n't\b)")
_TAG_DIRECTION = re.compile(
    rf"\b(?P<U>{DIRECTION_WORDS['up']})\b|\b(?P<W>{DIRECTION_WORDS['down']})\b"
)
_BIG = 1 << 20
#: Measures of economies abroad are not U.S. policy subjects ("foreign growth declined").
_FOREIGN = re.compile(
    r"\b(?:foreign|global|world|overseas)\W+(?:economic\W+)?"
    r"(?:growth|activity|demand|output|economies|economy|inflation)\b"
)

_CONTRAST_MAIN = re.compile(
    r",?\s*\b(?:but|however|nevertheless|nonetheless|still,)\b", flags=re.IGNORECASE
)
_CONCESSIVE = re.compile(
    r"\b(although|though|even though|while|whereas|despite|notwithstanding)\b([^,;]*)[,;]",
    flags=re.IGNORECASE,
)
_MARK = "\x1f"


def _tag(m: re.Match[str]) -> str:
    return f" \x02{m.lastgroup}\x03 "


def _tokens(text: pd.Series) -> pd.DataFrame:
    """Tagged tokens of each clause: ``clause, pos (word index), tag``.

    Tags: ``S<i>`` subject of category ``_SUBJECT_ORDER[i]``, ``U``/``W`` direction up/down,
    ``N`` negation, ``D`` diminisher.
    """
    tagged = (
        text.str.replace(_FOREIGN, " \x02F\x03 ", regex=True)
        .str.replace(_TAG_SUBJECT, _tag, regex=True)
        .str.replace(_TAG_NEG, _tag, regex=True)
        .str.replace(_TAG_DIRECTION, _tag, regex=True)
    )
    words = tagged.str.split().explode().dropna()
    words = words.to_frame("word").assign(clause=words.index.to_numpy())
    words["pos"] = words.groupby("clause").cumcount()
    tags = words[words["word"].str.startswith("\x02")]
    return pd.DataFrame(
        {
            "clause": tags["clause"].to_numpy(dtype=np.int64),
            "pos": tags["pos"].to_numpy(dtype=np.int64),
            "tag": tags["word"].str.strip("\x02\x03").to_numpy(dtype=object),
        }
    )


def _pair_hits(cl: pd.DataFrame) -> np.ndarray:
    """Signed pair hits per clause and rule, shape ``(n_clauses, n_rules)``.

    Each direction word pairs with its nearest subject: one before it with at most
    :data:`WINDOW_AFTER` words between, or one after it with at most :data:`WINDOW_BEFORE`
    (a following subject counts at double distance: in "higher core inflation and somewhat
    lower unemployment", "lower" goes with unemployment, "higher" with inflation). A clause
    with a direction word and no subject takes the last subject of the clause before it in
    the same sentence ("inflation had eased somewhat but remained elevated"). A negation
    or diminisher between the pair, or up to 3 words before the direction word, reverses
    it; a diminisher with no direction word within 3 words after it reads as "down".
    """
    hits = np.zeros((len(cl), len(LEXICON_RULES)))
    tok = _tokens(cl["clause"].astype(object))
    if tok.empty:
        return hits
    key = tok["clause"].to_numpy() * _BIG + tok["pos"].to_numpy() + 1  # 0: carried subject
    tag = tok["tag"].to_numpy(dtype=str)
    is_subj = np.char.startswith(tag, "S")
    is_dir = np.isin(tag, ["U", "W"])
    is_neg = np.isin(tag, ["N", "D"])
    # Diminishers with no direction word right after them read as "down".
    dkey = key[is_dir]
    dim = tag == "D"
    nxt = np.searchsorted(dkey, key[dim], side="right")
    nxt_key = np.append(dkey, np.iinfo(np.int64).max)[nxt]
    tag = tag.copy()
    tag[np.flatnonzero(dim)[nxt_key - key[dim] > 3]] = "W"
    is_dir = np.isin(tag, ["U", "W"])
    # Subjects, plus a carried-over subject (position 0) for subject-less clauses.
    sent = cl["sent"].to_numpy()
    s_clause = tok["clause"].to_numpy()[is_subj]
    s_cat = np.char.lstrip(tag[is_subj], "S").astype(np.int64)
    last_cat = np.full(len(cl), -1, dtype=np.int64)
    last_cat[s_clause] = s_cat  # later subjects overwrite earlier ones: the last wins
    has_subj = last_cat >= 0
    carried = pd.Series(np.where(has_subj, last_cat, np.nan)).groupby(sent).ffill()
    carried = carried.groupby(sent).shift(1).to_numpy()
    take = ~has_subj & ~np.isnan(carried)
    subj_key = np.concatenate([key[is_subj], np.flatnonzero(take) * _BIG])
    subj_cat = np.concatenate([s_cat, carried[take].astype(np.int64)])
    order = np.argsort(subj_key, kind="stable")
    subj_key, subj_cat = subj_key[order], subj_cat[order]
    if subj_key.size == 0:
        return hits
    d_key = key[is_dir]
    d_clause = d_key // _BIG
    i = np.searchsorted(subj_key, d_key)
    prev_key = subj_key[np.maximum(i - 1, 0)]
    next_key = subj_key[np.minimum(i, subj_key.size - 1)]
    prev_gap = np.where(
        (i > 0) & (prev_key // _BIG == d_clause) & (prev_key < d_key), d_key - prev_key - 1, _BIG
    )
    next_gap = np.where(
        (i < subj_key.size) & (next_key // _BIG == d_clause) & (next_key > d_key),
        next_key - d_key - 1,
        _BIG,
    )
    prev_ok = prev_gap <= WINDOW_AFTER
    next_ok = next_gap <= WINDOW_BEFORE
    use_next = next_ok & (~prev_ok | (2 * next_gap < prev_gap))
    use_prev = prev_ok & ~use_next
    found = use_next | use_prev
    s_key = np.where(use_next, next_key, prev_key)
    cat = np.where(
        use_next, subj_cat[np.minimum(i, subj_key.size - 1)], subj_cat[np.maximum(i - 1, 0)]
    )
    # Negation: between a preceding subject and the direction, or 3 words before it.
    lo = np.where(use_prev, np.minimum(s_key + 1, d_key - 3), d_key - 3)
    n_key = key[is_neg & (tag != "W")]
    negs = np.searchsorted(n_key, d_key) - np.searchsorted(n_key, np.maximum(lo, d_clause * _BIG))
    sign = np.where(negs > 0, -1.0, 1.0)
    rule = _PAIR_TABLE[cat[found], (tag[is_dir] == "W")[found].astype(np.int64)]
    np.add.at(hits, (d_clause[found], rule), sign[found])
    return hits


def lexicon_frame() -> pd.DataFrame:
    """The rules and modifiers as a frame: ``rule, kind, label_name, weight, pattern, example``.

    Rows of kind ``pair``/``phrase`` are :data:`LEXICON_RULES`; rows of kind ``modifier``
    (negation, diminisher, contrast, carried subject, nearest subject) change how the rules
    count, and ``label_name`` is the label of their example sentence.
    """
    rules = pd.DataFrame(
        {
            "rule": [r.name for r in LEXICON_RULES],
            "kind": [r.kind for r in LEXICON_RULES],
            "label_name": ["hawkish" if r.sign > 0 else "dovish" for r in LEXICON_RULES],
            "weight": [r.weight for r in LEXICON_RULES],
            "pattern": [r.pattern for r in LEXICON_RULES],
            "example": [r.example for r in LEXICON_RULES],
        }
    )
    modifiers = pd.DataFrame(
        [
            ("negation", "dovish", -1.0, _TAG_NEG.pattern, NEGATION_EXAMPLE),
            ("diminisher", "dovish", -1.0, rf"\b(?:{DIMINISHERS})\b", DIMINISHER_EXAMPLE),
            ("contrast", "hawkish", SUBORDINATE_WEIGHT, _CONCESSIVE.pattern, CONTRAST_EXAMPLE),
            ("carried_subject", "hawkish", 1.0, _CONTRAST_MAIN.pattern, CARRY_EXAMPLE),
            ("nearest_subject", "hawkish", 1.0, _TAG_SUBJECT.pattern, NEAREST_EXAMPLE),
        ],
        columns=["rule", "label_name", "weight", "pattern", "example"],
    ).assign(kind="modifier")
    return pd.concat([rules, modifiers[rules.columns]], ignore_index=True)


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
        pair_hits = _pair_hits(cl)
        contrib = np.zeros((len(cl), len(LEXICON_RULES)))
        for j, rule in enumerate(LEXICON_RULES):
            if rule.kind == "pair":
                hits = pair_hits[:, j]
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

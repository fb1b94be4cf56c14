"""Sentence splitting for FOMC texts (statements, minutes, press conferences).

Central-bank prose is full of full stops that do not end a sentence: ``U.S.``, ``a.m.`` and
``p.m.``, initials (``Jerome H. Powell``), ``e.g.``, decimals (``2.5 percent``), numbered
lists (``1. The Committee …``), footnote markers. :func:`split_sentences` handles these with
rules rather than a trained model, so its output is deterministic and needs no extra.

Line breaks: a blank line always ends a paragraph. A single line break ends a sentence in
texts that put one paragraph per line (the Federal Reserve website copies); in hard-wrapped
texts (the 1994-2016 statements, lines of about 70-80 characters) it is a space.
"""

from __future__ import annotations

import re

__all__ = ["normalize_whitespace", "split_sentences"]

#: Tokens ending in a full stop after which a sentence does not end (compared lower-case).
_ABBREVIATIONS = frozenset(
    {
        "u.s.",
        "u.k.",
        "u.n.",
        "e.g.",
        "i.e.",
        "etc.",
        "vs.",
        "cf.",
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "prof.",
        "st.",
        "jr.",
        "sr.",
        "inc.",
        "co.",
        "corp.",
        "ltd.",
        "no.",
        "nos.",
        "fig.",
        "approx.",
        "jan.",
        "feb.",
        "mar.",
        "apr.",
        "jun.",
        "jul.",
        "aug.",
        "sep.",
        "sept.",
        "oct.",
        "nov.",
        "dec.",
        "gov.",
        "sen.",
        "rep.",
        "pres.",
        "op.",
        "al.",
    }
)
#: After ``a.m.``/``p.m.`` these words continue the sentence ("10:00 a.m. Eastern Time").
_TIME_CONTINUATIONS = frozenset(
    {
        "eastern",
        "est",
        "edt",
        "et",
        "central",
        "pacific",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    }
)
# Candidate boundary: terminal punctuation, optional closing quotes/brackets, optional
# footnote number glued to it ("a.m.1"), whitespace, then something that can open a sentence.
_BOUNDARY = re.compile(r"([.!?][\"'”’)\]]*)(\d{0,2})(\s+)(?=[\"“‘'(\[]?[A-Z0-9])")
_LIST_MARKER = re.compile(r"^\(?(\d{1,2}|[a-z]|[ivx]{1,4})[.)]$", re.IGNORECASE)
_LIST_START = re.compile(r"^\s*(\(?\d{1,2}[.)]|\([a-z]\)|[•●▪\-–]\s)")
_PARAGRAPH = re.compile(r"\n[ \t\u00a0]*\n+")
_SPACES = re.compile(r"[ \t\u00a0\u2009\u202f]+")


def normalize_whitespace(text: str) -> str:
    """Collapse runs of spaces/tabs/NBSP into one space and strip each line."""
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines())


def _is_hard_wrapped(lines: list[str]) -> bool:
    """True when a block's lines look like a fixed-width wrap (statements 1994-2016)."""
    if len(lines) < 2:
        return False
    if max(len(line) for line in lines) > 110:
        return False
    lengths = sorted(len(line) for line in lines[:-1])
    return 50 <= lengths[len(lengths) // 2] <= 100


def _blocks(text: str) -> list[str]:
    """Paragraph-like blocks: blank lines split; single breaks split unless hard-wrapped."""
    out: list[str] = []
    for para in _PARAGRAPH.split(normalize_whitespace(text)):
        lines = [line for line in para.split("\n") if line]
        if not lines:
            continue
        if _is_hard_wrapped(lines):
            # keep list items on their own line even inside a wrapped block
            current: list[str] = []
            for line in lines:
                if current and _LIST_START.match(line):
                    out.append(" ".join(current))
                    current = []
                current.append(line)
            out.append(" ".join(current))
        else:
            out.extend(lines)
    return out


def _previous_token(block: str, end: int) -> str:
    start = block.rfind(" ", 0, end) + 1
    return block[start:end]


def _next_word(block: str, start: int) -> str:
    m = re.match(r"[\"“‘'(\[]?([A-Za-z]+)", block[start:])
    return m.group(1).lower() if m else ""


def _split_block(block: str) -> list[str]:
    pieces: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(block):
        punct_end = m.end(1)
        token = _previous_token(block, punct_end).lower()
        core = token.rstrip("\"'”’)]")
        nxt = m.end(3)
        if core.endswith("."):
            if core in _ABBREVIATIONS or core.lstrip('("“') in _ABBREVIATIONS:
                continue
            if re.fullmatch(r"[\"“(]?[a-z]\.", core):  # an initial: "H." in "Jerome H. Powell"
                continue
            if core in {"a.m.", "p.m."} and (
                _next_word(block, nxt) in _TIME_CONTINUATIONS or not block[nxt].isupper()
            ):
                continue
            if m.group(2) == "" and re.fullmatch(r"\d+\.", core) and block[nxt].isdigit():
                continue  # "Section 2. 3" style references: keep together
        pieces.append(block[start : m.end(2)].strip())
        start = nxt
    pieces.append(block[start:].strip())
    # glue lone list markers ("1.", "(a)") to the sentence that follows them
    merged: list[str] = []
    carry = ""
    for p in pieces:
        if not p:
            continue
        if _LIST_MARKER.match(p):
            carry = f"{carry} {p}".strip()
            continue
        merged.append(f"{carry} {p}".strip() if carry else p)
        carry = ""
    if carry:
        merged.append(carry)
    return merged


def split_sentences(text: str) -> list[str]:
    """Split an FOMC text into sentences.

    Parameters
    ----------
    text
        A document (statement, minutes, transcript), any line-break convention.

    Returns
    -------
    list of str
        Sentences in document order, whitespace-normalised, empty pieces dropped.
        Headings and other lines without terminal punctuation come out as their own
        "sentence" (callers filter them, see
        :func:`flowscope.analytics.text.tone.relevant_mask`).

    Examples
    --------
    >>> split_sentences("The U.S. economy grew 2.5 percent. Inflation rose at 2:00 p.m. today.")
    ['The U.S. economy grew 2.5 percent.', 'Inflation rose at 2:00 p.m. today.']
    """
    out: list[str] = []
    for block in _blocks(text):
        out.extend(_split_block(block))
    return out

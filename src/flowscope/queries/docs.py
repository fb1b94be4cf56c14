"""FOMC document readers and the per-document tone cache.

Documents come one per kind and meeting, from the most trusted source
(``store.preference("fomc_docs")``). Meeting dates are naive US/Eastern days; release
times are UTC. Tone counts are cached in the store under the SHA-256 of each text and the
model's key, so only new or edited documents are scored; a store opened read-only is read
but not written.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from flowscope.analytics.text import LexiconModel, score_document, tone_history
from flowscope.schemas import FOMC_DOCS

if TYPE_CHECKING:
    from flowscope.analytics.text import SentenceModel
    from flowscope.storage import Store

__all__ = ["cached_history", "held_docs", "model_key", "top_sentences", "warm_cache"]

_COUNTS = ("n_sentences", "n_hawkish", "n_dovish")


def held_docs(
    store: Store, *, kind: str | None = None, asof: pd.Timestamp | None = None
) -> pd.DataFrame:
    """FOMC documents held (one per kind and meeting, preferred source first).

    ``asof`` keeps documents released (or, without a release time, held) up to that day.

    Returns
    -------
    DataFrame
        ``fomc_docs`` rows (``meeting_date``, ``kind``, ``release_ts``, ``source``,
        ``text`` …) sorted by kind and meeting.
    """
    if "fomc_docs" not in store.datasets():
        return pd.DataFrame(columns=["meeting_date", "kind", "release_ts", "source", "text"])
    where = {"kind": kind} if kind else None
    docs = store.read("fomc_docs", where=where)
    if docs.empty:
        return docs
    if asof is not None:
        rel = docs["release_ts"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
        day = rel.fillna(docs["meeting_date"])
        docs = docs[day <= asof]
    rank = {s: i for i, s in enumerate(store.preference("fomc_docs"))}
    docs = docs.assign(_r=docs["source"].map(rank).fillna(len(rank)))
    docs = docs.sort_values(["_r"], kind="stable").drop_duplicates(["kind", "meeting_date"])
    return docs.drop(columns="_r").sort_values(["kind", "meeting_date"]).reset_index(drop=True)


def model_key(model: SentenceModel) -> str:
    """Cache key of a sentence model: its name, its settings, the code that defines it and,
    for a trained model, its ``version`` (a hash of the fitted weights), so retraining
    invalidates the cached counts."""
    try:
        code = Path(inspect.getfile(type(model))).read_bytes()
    except (OSError, TypeError):
        code = b""
    version = str(getattr(model, "version", ""))
    digest = hashlib.sha256(code + repr(model).encode() + version.encode()).hexdigest()[:16]
    return f"{model.name}@{digest}"


def _sha(text: object) -> str:
    return hashlib.sha256(str(text).encode("utf-8")).hexdigest()


def cached_history(store: Store, docs: pd.DataFrame, model: SentenceModel) -> pd.DataFrame:
    """Tone history of ``docs`` with per-document counts cached in the store.

    The result equals :func:`flowscope.analytics.text.tone_history` of ``docs`` with the
    ``fomc_docs`` source preference.

    Returns
    -------
    DataFrame
        ``meeting_date``, ``kind``, ``release_ts``, ``source``, ``score`` (hawkish minus
        dovish sentences over all sentences), ``n_sentences``, ``n_hawkish``, ``n_dovish``,
        ``change`` (score minus the previous same-kind document's).
    """
    d = docs[docs["text"].notna()].reset_index(drop=True)
    d = d.assign(_key=d["text"].map(_sha))
    key = model_key(model)
    held = store.cached_scores(key, d["_key"].unique().tolist())
    miss = d[~d["_key"].isin(held)]
    if not miss.empty:
        fresh = tone_history(miss.drop(columns="_key"), model, prefer=FOMC_DOCS.source_preference)
        fresh = fresh.merge(miss[["kind", "meeting_date", "_key"]], on=["kind", "meeting_date"])
        new = {k: json.dumps(dict.fromkeys(_COUNTS, 0)) for k in miss["_key"]}
        new.update(
            zip(
                fresh["_key"],
                (
                    json.dumps(dict(zip(_COUNTS, map(int, r), strict=True)))
                    for r in fresh[list(_COUNTS)].to_numpy()
                ),
                strict=True,
            )
        )
        store.cache_scores(key, new)
        held = {**held, **new}
    counts = pd.DataFrame.from_records([json.loads(v) for v in held.values()], index=list(held))
    cols = ["meeting_date", "kind", "release_ts", "source", "score", *_COUNTS, "change"]
    out = d.join(counts, on="_key")
    out = out[out["n_sentences"] > 0]
    if out.empty:
        return pd.DataFrame(columns=cols)
    out = out.drop_duplicates(["kind", "meeting_date"], keep="first")
    for c in ("release_ts", "source"):
        if c not in out.columns:
            out[c] = None
    out["score"] = (out["n_hawkish"] - out["n_dovish"]) / out["n_sentences"]
    out = out.sort_values(["kind", "meeting_date"], kind="stable")
    out["change"] = out.groupby("kind")["score"].diff()
    return out[cols].reset_index(drop=True)


def warm_cache(store: Store) -> None:
    """Score every held document the cache lacks with the brief's model (a writable store).

    ``flowscope init`` and ``flowscope update`` call it after writing, so the brief, which
    opens the store read-only, finds every document's tone and the newest document's quoted
    sentences already cached.
    """
    from flowscope.queries.brief import warm_top_sentences  # the brief imports this module

    docs = held_docs(store)
    cached_history(store, docs, LexiconModel())
    warm_top_sentences(store, docs)


def top_sentences(store: Store, text: str, model: SentenceModel) -> dict[str, list[str]]:
    """The two most hawkish and most dovish sentences of ``text``, cached like the counts."""
    key, k = model_key(model) + ":top2", _sha(text)
    held = store.cached_scores(key, [k])
    if k in held:
        top: dict[str, list[str]] = json.loads(held[k])
        return top
    tone = score_document(text, model)
    top = {side: tone.top(2, side=side)["sentence"].tolist() for side in ("hawkish", "dovish")}
    store.cache_scores(key, {k: json.dumps(top)})
    return top

"""Brief section: Fed tone — the latest FOMC text's hawkish/dovish score against history.

Uses the licence-clean dictionary model (:class:`~flowscope.analytics.text.LexiconModel`)
so the section works on any install. When the store holds the FedWatch as-of panel
(dataset ``fedwatch_panel``), the move in the next meeting's cut odds on the release day is
shown beside the tone.
"""

from __future__ import annotations

import hashlib
import inspect
import json
from pathlib import Path

import pandas as pd

from flowscope.analytics.text import (
    LEXICON_F1,
    LexiconModel,
    SentenceModel,
    percentile_of,
    score_document,
    tone_history,
)
from flowscope.report._brief_model import BriefContext, BriefSection
from flowscope.schemas import FOMC_DOCS
from flowscope.storage import Store

__all__ = [
    "SOURCE_PREFERENCE",
    "build",
    "cached_history",
    "cut_odds_around",
    "held_docs",
    "history_for",
    "model_key",
    "warm_cache",
]

#: When several sources hold the same document, the first listed wins: the ``fomc_docs``
#: dataset's declared order (:func:`held_docs` uses ``store.preference("fomc_docs")``).
SOURCE_PREFERENCE: tuple[str, ...] = FOMC_DOCS.source_preference


def held_docs(
    store: Store, *, kind: str | None = None, asof: pd.Timestamp | None = None
) -> pd.DataFrame:
    """FOMC documents held (one per kind and meeting, preferred source first).

    ``asof`` keeps documents released (or, without a release time, held) up to that day.
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


def history_for(docs: pd.DataFrame, model: SentenceModel) -> pd.DataFrame:
    """Tone history of ``docs`` (see :func:`flowscope.analytics.text.tone_history`)."""
    return tone_history(docs, model, prefer=SOURCE_PREFERENCE)


def model_key(model: SentenceModel) -> str:
    """Cache key of a sentence model: its name, its settings and the code that defines it."""
    try:
        code = Path(inspect.getfile(type(model))).read_bytes()
    except (OSError, TypeError):
        code = b""
    digest = hashlib.sha256(code + repr(model).encode()).hexdigest()[:16]
    return f"{model.name}@{digest}"


def _sha(text: object) -> str:
    return hashlib.sha256(str(text).encode("utf-8")).hexdigest()


_COUNTS = ("n_sentences", "n_hawkish", "n_dovish")


def cached_history(store: Store, docs: pd.DataFrame, model: SentenceModel) -> pd.DataFrame:
    """:func:`history_for` with per-document counts cached in the store.

    Each document's sentence counts are kept under the SHA-256 of its text and
    :func:`model_key`, so only new or edited documents are scored; the result equals
    ``history_for(docs, model)``. A store opened read-only is read but not written.
    """
    d = docs[docs["text"].notna()].reset_index(drop=True)
    d = d.assign(_key=d["text"].map(_sha))
    key = model_key(model)
    held = store.cached_scores(key, d["_key"].unique().tolist())
    miss = d[~d["_key"].isin(held)]
    if not miss.empty:
        fresh = history_for(miss.drop(columns="_key"), model)
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
    opens the store read-only, finds every document's tone already cached.
    """
    cached_history(store, held_docs(store), LexiconModel())


def _top_sentences(store: Store, text: str, model: SentenceModel) -> dict[str, list[str]]:
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


def cut_odds_around(panel: pd.DataFrame, release_day: pd.Timestamp) -> dict[str, object] | None:
    """P(cut) at the next meeting before and on a release day, from the FedWatch panel.

    Returns ``None`` unless the panel has the release day and an earlier watch date.
    ``p_cut_*`` are in % (sum of the probabilities of ranges below the watch date's).
    """
    if panel.empty:
        return None
    p = panel.copy()
    p["watch_date"] = pd.to_datetime(p["watch_date"])
    p["meeting_date"] = pd.to_datetime(p["meeting_date"])
    on = p[p["watch_date"] == release_day]
    before_dates = p.loc[p["watch_date"] < release_day, "watch_date"]
    if on.empty or before_dates.empty:
        return None
    nxt = on.loc[on["meeting_date"] > release_day, "meeting_date"]
    if nxt.empty:
        return None
    meeting = nxt.min()
    prev = before_dates.max()

    def p_cut(day: pd.Timestamp) -> float:
        sub = p[(p["watch_date"] == day) & (p["meeting_date"] == meeting)]
        return float(100.0 * sub.loc[sub["change_bp"] < 0, "probability"].sum())

    before, after = p_cut(prev), p_cut(release_day)
    return {
        "meeting": meeting,
        "watch_before": prev,
        "p_cut_before": before,
        "p_cut_on": after,
        "change_pp": after - before,
    }


def build(ctx: BriefContext) -> BriefSection | None:
    """Return the Fed-tone section, or None when no FOMC text is held."""
    docs = held_docs(ctx.store, asof=ctx.asof)
    if docs.empty:
        return None
    model = LexiconModel()
    hist = cached_history(ctx.store, docs, model)
    if hist.empty:
        return None
    day = hist["release_ts"].dt.tz_convert("UTC").dt.tz_localize(None).dt.normalize()
    hist = hist.assign(day=day.fillna(hist["meeting_date"]))
    latest = hist.sort_values(["day", "kind"], ascending=[True, False]).iloc[-1]
    same = hist[hist["kind"] == latest["kind"]]
    pct = percentile_of(float(latest["score"]), same["score"])
    text = docs[(docs["kind"] == latest["kind"]) & (docs["meeting_date"] == latest["meeting_date"])]
    top = _top_sentences(ctx.store, str(text["text"].iloc[0]), model)
    kind_name = {"minutes": "minutes", "statement": "statement"}.get(
        str(latest["kind"]), str(latest["kind"])
    )
    first = same["meeting_date"].min()
    bullets = [
        f"Latest FOMC {kind_name} (meeting {latest['meeting_date']:%Y-%m-%d}, released "
        f"{latest['day']:%Y-%m-%d}): tone {latest['score']:+.3f} "
        f"({int(latest['n_hawkish'])} hawkish, {int(latest['n_dovish'])} dovish of "
        f"{int(latest['n_sentences'])} policy sentences; model: rule lexicon, weighted F1 "
        f"{LEXICON_F1['combine'][0]:.2f} on the Trillion Dollar Words test sets).",
        f"Percentile {pct:.0f} of {len(same)} {kind_name} held since {first:%Y}"
        + (
            f"; change vs previous meeting {latest['change']:+.3f}."
            if pd.notna(latest["change"])
            else "."
        ),
    ]
    facts: dict[str, object] = {
        "meeting_date": f"{latest['meeting_date']:%Y-%m-%d}",
        "kind": latest["kind"],
        "release_date": f"{latest['day']:%Y-%m-%d}",
        "score": float(latest["score"]),
        "change": None if pd.isna(latest["change"]) else float(latest["change"]),
        "percentile": pct,
        "n_history": len(same),
        "model": model.name,
    }
    hawk, dove = top["hawkish"], top["dovish"]
    bullets += [f"Hawkish: “{s}”" for s in hawk] + [f"Dovish: “{s}”" for s in dove]
    if "fedwatch_panel" in ctx.store.datasets():
        panel = ctx.store.read("fedwatch_panel", end=latest["day"])
        odds = cut_odds_around(panel, latest["day"])
        if odds is not None:
            bullets.append(
                f"FedWatch on the release day: P(cut) at the {odds['meeting']:%Y-%m-%d} meeting "
                f"{odds['p_cut_on']:.1f}% ({odds['change_pp']:+.1f} pp vs {odds['watch_before']:%Y-%m-%d})."
            )
            facts["fedwatch"] = {
                k: (f"{v:%Y-%m-%d}" if isinstance(v, pd.Timestamp) else v) for k, v in odds.items()
            }
    table = (
        hist[hist["kind"] == latest["kind"]]
        .tail(6)[["meeting_date", "day", "score", "change", "n_sentences"]]
        .rename(columns={"day": "released"})
        .reset_index(drop=True)
    )
    figures = []
    try:
        import plotly.graph_objects as go

        fig = go.Figure()
        for k, g in hist.groupby("kind"):
            fig.add_trace(
                go.Scatter(x=g["meeting_date"], y=g["score"], mode="lines+markers", name=str(k))
            )
        fig.update_layout(
            title="FOMC tone (hawkish − dovish) / sentences, dictionary model",
            yaxis_title="tone",
            height=360,
        )
        figures.append(fig)
    except ImportError:  # plotly is a core dependency; keep the section if it is broken
        pass
    provenance = [
        f"fomc_docs: {s} ({g['meeting_date'].min():%Y-%m-%d}..{g['meeting_date'].max():%Y-%m-%d})"
        for s, g in docs.groupby("source")
    ]
    return BriefSection(
        key="tone",
        title="Fed tone",
        bullets=bullets,
        table=table,
        figures=figures,
        facts=facts,
        provenance=provenance,
        asof=pd.Timestamp(latest["day"]),
    )

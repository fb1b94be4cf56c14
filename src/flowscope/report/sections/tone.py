"""Brief section: Fed tone — the latest FOMC text's hawkish/dovish score against history.

Uses the licence-clean dictionary model (:class:`~flowscope.analytics.text.LexiconModel`)
so the section works on any install. When the store holds the FedWatch as-of panel
(dataset ``fedwatch_panel``), the move in the next meeting's cut odds on the release day is
shown beside the tone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from flowscope.analytics.text import (
    LEXICON_F1,
    LexiconModel,
    SentenceModel,
    percentile_of,
    tone_history,
)
from flowscope.report._brief_model import BriefContext, BriefSection
from flowscope.report.charts import break_gaps
from flowscope.schemas import FOMC_DOCS

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = [
    "CHART_KINDS",
    "MAX_MEETING_GAP",
    "SOURCE_PREFERENCE",
    "build",
    "cut_odds_around",
    "history_for",
]

#: Document kinds drawn on the tone chart.
CHART_KINDS: tuple[str, ...] = ("statement", "minutes")
#: Meetings further apart than this are not joined by a line (missing meetings or years).
MAX_MEETING_GAP = pd.Timedelta(days=100)

#: When several sources hold the same document, the first listed wins: the ``fomc_docs``
#: dataset's declared order (as :func:`flowscope.queries.docs.held_docs` applies it).
SOURCE_PREFERENCE: tuple[str, ...] = FOMC_DOCS.source_preference


def history_for(docs: pd.DataFrame, model: SentenceModel) -> pd.DataFrame:
    """Tone history of ``docs`` (see :func:`flowscope.analytics.text.tone_history`)."""
    return tone_history(docs, model, prefer=SOURCE_PREFERENCE)


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


def _figure(hist: pd.DataFrame) -> go.Figure:
    """Tone score by meeting, one line per kind of :data:`CHART_KINDS` (gaps not joined)."""
    import plotly.graph_objects as go

    fig = go.Figure()
    for k in CHART_KINDS:
        g = hist[hist["kind"] == k].sort_values("meeting_date")
        if g.empty:
            continue
        line = break_gaps(g.set_index("meeting_date")["score"], MAX_MEETING_GAP)
        fig.add_trace(
            go.Scatter(
                x=line.index,
                y=[None if pd.isna(v) else round(float(v), 4) for v in line],
                mode="lines+markers",
                name=str(k),
                connectgaps=False,
            )
        )
    fig.update_layout(
        title="FOMC tone by meeting: (hawkish − dovish) / policy sentences, dictionary model",
        yaxis_title="tone score (−1 dovish .. +1 hawkish)",
        xaxis_title="meeting date",
        height=360,
        template="plotly_white",
    )
    return fig


def build(ctx: BriefContext) -> BriefSection | None:
    """Return the Fed-tone section, or None when no FOMC text is held."""
    fr = ctx.frames
    docs, hist = fr.docs, fr.tone
    if docs.empty or hist.empty or fr.tone_top is None:
        return None
    model = LexiconModel()
    latest = hist.sort_values(["day", "kind"], ascending=[True, False]).iloc[-1]
    same = hist[hist["kind"] == latest["kind"]]
    pct = percentile_of(float(latest["score"]), same["score"])
    top = fr.tone_top
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
    panel = fr.fedwatch_panel
    if panel is not None:
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
    provenance = [
        f"fomc_docs: {s} ({g['meeting_date'].min():%Y-%m-%d}..{g['meeting_date'].max():%Y-%m-%d})"
        for s, g in docs.groupby("source")
    ]
    return BriefSection(
        key="tone",
        title="Fed tone",
        bullets=bullets,
        table=table,
        charts=[lambda: _figure(hist)],
        facts=facts,
        provenance=provenance,
        asof=pd.Timestamp(latest["day"]),
    )

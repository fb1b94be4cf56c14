"""Calibration of FOMC text tone against the fed funds futures market.

Definitions
-----------
* **Tone change** of a document: its tone score minus that of the previous document of the
  same kind (``change`` of :func:`flowscope.analytics.text.tone_history`; the score is
  (hawkish − dovish) / policy sentences, dimensionless).
* **Cut-odds move** of its release: the FedWatch probability of a cut at the next meeting
  still upcoming on the release day, on the release day's ZQ settlement minus on the
  previous trade date's, in **percentage points** (``d_cut_pp`` of
  :func:`flowscope.analytics.fedwatch.event_moves`). Statements and minutes come out at
  2 p.m. ET, before the 2 p.m. Chicago settlement, so the release day's settle holds the
  reaction. Both readings use the target range in force after the release as reference.
* **Agreement**: a hawkish tone change with falling cut odds, or a dovish one with rising
  cut odds. Releases whose tone change is 0 or whose cut odds moved by less than
  ``flat_pp`` are not signed (in a hiking cycle cut odds often sit at 0 on both days).
* **Spearman** rank correlation between tone change and cut-odds move over all releases
  (average ranks for ties); the expected sign is negative.

Intervals: Wilson score interval for the share of agreement; percentile bootstrap
(resampling releases, numpy generator seeded) for Spearman. When the interval spans the
no-effect value (0.5 for agreement, 0 for Spearman) there is **no evidence** either way.

Pure: frames in, frames out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flowscope.errors import ValidationError

__all__ = [
    "POOLED",
    "calibrate_tone",
    "release_pairs",
    "release_watch_dates",
    "spearman",
    "wilson_interval",
]

#: ``kind`` of the row that pools every document kind.
POOLED = "pooled"

_PAIR_COLUMNS = [
    "kind",
    "meeting_date",
    "release_date",
    "next_meeting",
    "tone_score",
    "tone_change",
    "p_cut_before_pct",
    "p_cut_on_pct",
    "d_cut_pp",
]


def release_watch_dates(
    release_days: pd.Series, trade_dates: pd.Series
) -> tuple[pd.DatetimeIndex, pd.DataFrame]:
    """Trade dates needed to read the odds move of each release (the day before and the day).

    Parameters
    ----------
    release_days
        Release days (US/Eastern calendar dates).
    trade_dates
        ZQ settlement dates held.

    Returns
    -------
    DatetimeIndex
        Sorted unique watch dates: for each release inside the settlements held, the first
        trade date on or after it (``on``) and the trade date before that (``before``).
    DataFrame
        ``release_date``, ``before_date``, ``on_date`` of the releases inside the settlements.
    """
    td = np.sort(pd.to_datetime(pd.Series(trade_dates)).dt.normalize().unique())
    rd = pd.to_datetime(pd.Series(release_days)).dt.normalize().to_numpy()
    i_on = np.searchsorted(td, rd, side="left")
    ok = (i_on >= 1) & (i_on < len(td))
    on = td[i_on[ok]]
    before = td[i_on[ok] - 1]
    frame = pd.DataFrame({"release_date": rd[ok], "before_date": before, "on_date": on})
    return pd.DatetimeIndex(np.unique(np.concatenate([on, before]))), frame


def release_pairs(tone: pd.DataFrame, moves: pd.DataFrame) -> pd.DataFrame:
    """Join each document's tone change with the cut-odds move on its release day.

    Parameters
    ----------
    tone
        :func:`~flowscope.analytics.text.tone_history` output (``meeting_date``, ``kind``,
        ``score``, ``change``).
    moves
        :func:`~flowscope.analytics.fedwatch.event_moves` output for releases built by
        :func:`~flowscope.analytics.events.fomc_events`: ``date`` (release day, US/Eastern),
        ``kind``, ``meeting`` (the meeting the document belongs to), ``meeting_date`` (next
        meeting priced), ``p_cut_before``, ``p_cut_on`` (0..1), ``d_cut_pp`` (pp).

    Returns
    -------
    DataFrame
        One row per release with both figures, sorted by release date: ``kind``,
        ``meeting_date``, ``release_date``, ``next_meeting``, ``tone_score``,
        ``tone_change``, ``p_cut_before_pct``, ``p_cut_on_pct`` (%), ``d_cut_pp`` (pp).
        The first document of each kind (no change) is left out.
    """
    need_t = {"meeting_date", "kind", "score", "change"}
    need_m = {"date", "kind", "meeting", "meeting_date", "p_cut_before", "p_cut_on", "d_cut_pp"}
    for name, frame, need in (("tone", tone, need_t), ("moves", moves, need_m)):
        if not need.issubset(frame.columns):
            msg = f"{name} needs columns {sorted(need)}"
            raise ValidationError(msg, param_name=name, received=list(frame.columns))
    if tone.empty or moves.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in _PAIR_COLUMNS})
    t = tone.assign(meeting_date=pd.to_datetime(tone["meeting_date"]).dt.normalize())
    m = moves.rename(columns={"meeting_date": "next_meeting"}).assign(
        meeting_date=pd.to_datetime(moves["meeting"]).dt.normalize(),
        release_date=pd.to_datetime(moves["date"]).dt.normalize(),
    )
    m = m.drop_duplicates(["kind", "meeting_date"])
    out = t[["kind", "meeting_date", "score", "change"]].merge(
        m[
            ["kind", "meeting_date", "release_date", "next_meeting", "p_cut_before", "p_cut_on"]
        ].assign(d_cut_pp=m["d_cut_pp"]),
        on=["kind", "meeting_date"],
        how="inner",
    )
    out = out.dropna(subset=["change", "d_cut_pp"])
    out = out.rename(columns={"score": "tone_score", "change": "tone_change"})
    out["p_cut_before_pct"] = out.pop("p_cut_before") * 100
    out["p_cut_on_pct"] = out.pop("p_cut_on") * 100
    return out[_PAIR_COLUMNS].sort_values(["release_date", "kind"]).reset_index(drop=True)


def wilson_interval(k: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson score interval of a binomial share ``k / n`` (0..1; NaN when ``n == 0``)."""
    if n == 0:
        return (float("nan"), float("nan"))
    from statistics import NormalDist

    z = NormalDist().inv_cdf(0.5 + level / 2)
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (float(max(0.0, centre - half)), float(min(1.0, centre + half)))


def _rank_rows(a: np.ndarray) -> np.ndarray:
    """Average ranks along the last axis (ties share their mean rank)."""
    ranks = pd.DataFrame(np.atleast_2d(a)).rank(axis=1, method="average")
    return np.asarray(ranks, dtype=float)


def _pearson_rows(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    xc = x - x.mean(axis=1, keepdims=True)
    yc = y - y.mean(axis=1, keepdims=True)
    den = np.sqrt((xc * xc).sum(axis=1) * (yc * yc).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(den > 0, (xc * yc).sum(axis=1) / den, np.nan), dtype=float)


def spearman(x: np.ndarray | pd.Series, y: np.ndarray | pd.Series) -> float:
    """Spearman rank correlation of two equal-length samples (NaN if either is constant)."""
    xa = np.asarray(x, dtype=float)[None, :]
    ya = np.asarray(y, dtype=float)[None, :]
    return float(_pearson_rows(_rank_rows(xa), _rank_rows(ya))[0])


def _verdict(low: float, high: float, null: float, n: int) -> str:
    if n == 0 or not np.isfinite(low):
        return "no data"
    if low <= null <= high:
        return "no evidence"
    return "agrees" if (high < null if null == 0.0 else low > null) else "opposite"


def _summary(
    kind: str, p: pd.DataFrame, rng: np.random.Generator, n_boot: int, level: float, flat: float
) -> dict[str, object]:
    tc = p["tone_change"].to_numpy(dtype=float)
    dc = p["d_cut_pp"].to_numpy(dtype=float)
    signed = (tc != 0) & (np.abs(dc) >= flat)
    agree = np.sign(tc[signed]) == -np.sign(dc[signed])
    k, n_signed = int(agree.sum()), int(signed.sum())
    a_lo, a_hi = wilson_interval(k, n_signed, level)
    n = len(p)
    rho = spearman(tc, dc) if n >= 3 else float("nan")
    r_lo = r_hi = float("nan")
    if n >= 3 and np.isfinite(rho):
        idx = rng.integers(0, n, size=(n_boot, n))
        boot = _pearson_rows(_rank_rows(tc[idx]), _rank_rows(dc[idx]))
        boot = boot[np.isfinite(boot)]
        if boot.size:
            r_lo, r_hi = (float(v) for v in np.quantile(boot, [(1 - level) / 2, (1 + level) / 2]))
    share = k / n_signed if n_signed else float("nan")
    return {
        "kind": kind,
        "n_releases": n,
        "n_signed": n_signed,
        "n_agree": k,
        "agree_share": share,
        "agree_low": a_lo,
        "agree_high": a_hi,
        "agree_verdict": _verdict(a_lo, a_hi, 0.5, n_signed),
        "spearman": rho,
        "spearman_low": r_lo,
        "spearman_high": r_hi,
        "spearman_verdict": _verdict(r_lo, r_hi, 0.0, n),
        "first_release": p["release_date"].min() if n else pd.NaT,
        "last_release": p["release_date"].max() if n else pd.NaT,
    }


def calibrate_tone(
    pairs: pd.DataFrame,
    *,
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
    flat_pp: float = 0.05,
) -> pd.DataFrame:
    """Does the tone change of FOMC texts line up with the market's cut-odds move?

    Parameters
    ----------
    pairs
        :func:`release_pairs` output (``kind``, ``release_date``, ``tone_change``,
        ``d_cut_pp`` in percentage points).
    n_boot
        Bootstrap resamples for the Spearman interval.
    seed
        Seed of the numpy generator (results are reproducible).
    level
        Two-sided level of both intervals.
    flat_pp
        Cut-odds moves smaller than this (pp, absolute) are not signed.

    Returns
    -------
    DataFrame
        One row per kind (sorted) and a ``pooled`` row: ``n_releases``, ``n_signed``,
        ``n_agree``, ``agree_share`` (0..1), ``agree_low``/``agree_high`` (Wilson),
        ``agree_verdict``, ``spearman``, ``spearman_low``/``spearman_high`` (bootstrap
        percentile), ``spearman_verdict`` (``agrees`` = hawkish ↔ falling cut odds,
        ``opposite``, ``no evidence`` when the interval spans the null, ``no data``),
        ``first_release``, ``last_release``.

    Examples
    --------
    >>> p = pd.DataFrame({"kind": ["minutes"] * 4, "release_date": pd.date_range("2020", periods=4),
    ...                   "tone_change": [0.1, -0.2, 0.05, -0.1], "d_cut_pp": [-3.0, 5.0, 1.0, 0.0]})
    >>> r = calibrate_tone(p, n_boot=100).iloc[0]
    >>> r["kind"], int(r["n_signed"]), int(r["n_agree"])
    ('minutes', 3, 2)
    """
    missing = {"kind", "release_date", "tone_change", "d_cut_pp"} - set(pairs.columns)
    if missing:
        msg = f"pairs needs columns {sorted(missing)} (see release_pairs)"
        raise ValidationError(msg, param_name="pairs", received=list(pairs.columns))
    if not 0 < level < 1:
        msg = f"level must lie in (0, 1), got {level}"
        raise ValidationError(msg, param_name="level", received=level)
    rng = np.random.default_rng(seed)
    rows = [
        _summary(str(kind), part, rng, n_boot, level, flat_pp)
        for kind, part in pairs.groupby("kind", sort=True)
    ]
    rows.append(_summary(POOLED, pairs, rng, n_boot, level, flat_pp))
    return pd.DataFrame(rows)

"""Compare flowscope's FedWatch probabilities with CME's published figures.

The engine panel (:func:`flowscope.analytics.fedwatch.fedwatch_panel`) and the reference
(dataset ``fedwatch_reference``, CME FedWatch exports) are matched on watch date, meeting and
target range. Only (watch date, meeting) pairs present on both sides are compared. Inside a
pair, a range listed on one side only has probability 0 on the other: both distributions sum
to 1 and leave out ranges with no probability.

Units: probabilities are shown in percent (``*_pct``) and differences in percentage points
(``gap_pp`` = engine - reference). Dates are naive calendar dates (watch date: US trading day;
meeting: US/Eastern end date). Pure functions: frames in, frames out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from flowscope.errors import ValidationError

__all__ = ["compare_with_reference", "reference_gaps"]

_KEY = ["watch_date", "meeting_date", "target_lower"]
_NEEDED = ("watch_date", "meeting_date", "target_lower", "target_upper", "probability")


def _checked(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    missing = [c for c in _NEEDED if c not in frame.columns]
    if missing:
        msg = f"{name}: missing column(s) {missing}; expected {list(_NEEDED)}"
        raise ValidationError(msg, param_name=name, received=list(frame.columns))
    out = frame[list(_NEEDED)].copy()
    for c in ("watch_date", "meeting_date"):
        out[c] = pd.to_datetime(out[c]).dt.normalize()
    out["target_lower"] = out["target_lower"].astype(float).round(4)
    return out


def compare_with_reference(panel: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Per-range difference between engine and reference probabilities.

    Parameters
    ----------
    panel
        Engine output: ``watch_date``, ``meeting_date``, ``target_lower``, ``target_upper``
        (%), ``probability`` (0..1), as :func:`~flowscope.analytics.fedwatch.fedwatch_panel`
        returns (other columns are ignored).
    reference
        CME's figures in the same columns (dataset ``fedwatch_reference``).

    Returns
    -------
    DataFrame
        One row per (watch_date, meeting_date, target range) of the pairs both sides hold:
        ``watch_date``, ``meeting_date``, ``target_lower``, ``target_upper`` (%),
        ``engine_pct``, ``reference_pct`` (%), ``gap_pp`` (engine - reference, percentage
        points), sorted by the key.

    Raises
    ------
    ValidationError
        A frame lacks one of the columns above.

    Examples
    --------
    >>> eng = pd.DataFrame({"watch_date": ["2026-07-14"] * 2, "meeting_date": ["2026-07-29"] * 2,
    ...                     "target_lower": [3.5, 3.75], "target_upper": [3.75, 4.0],
    ...                     "probability": [0.631, 0.369]})
    >>> ref = eng.assign(probability=[0.62, 0.38])
    >>> compare_with_reference(eng, ref)["gap_pp"].round(2).tolist()
    [1.1, -1.1]
    """
    eng, ref = _checked(panel, "panel"), _checked(reference, "reference")
    pairs = (
        eng[["watch_date", "meeting_date"]]
        .drop_duplicates()
        .merge(ref[["watch_date", "meeting_date"]].drop_duplicates())
    )
    eng = eng.merge(pairs)
    ref = ref.merge(pairs)
    both = eng.merge(ref, on=_KEY, how="outer", suffixes=("_engine", "_reference"))
    upper = both["target_upper_engine"].fillna(both["target_upper_reference"])
    out = pd.DataFrame(
        {
            "watch_date": both["watch_date"],
            "meeting_date": both["meeting_date"],
            "target_lower": both["target_lower"],
            "target_upper": upper,
            "engine_pct": both["probability_engine"].fillna(0.0) * 100.0,
            "reference_pct": both["probability_reference"].fillna(0.0) * 100.0,
        }
    )
    out["gap_pp"] = out["engine_pct"] - out["reference_pct"]
    return out.sort_values(_KEY, ignore_index=True)


def reference_gaps(comparison: pd.DataFrame) -> pd.DataFrame:
    """Largest absolute gap per watch date and meeting, and the range where it occurs.

    Parameters
    ----------
    comparison
        Output of :func:`compare_with_reference`.

    Returns
    -------
    DataFrame
        One row per (``watch_date``, ``meeting_date``): ``max_gap_pp`` (largest
        ``|engine - reference|``, percentage points), ``target_lower``, ``target_upper`` (%)
        of that range, ``engine_pct`` and ``reference_pct`` there.

    Examples
    --------
    >>> cmp = pd.DataFrame({"watch_date": ["2026-07-14"] * 2, "meeting_date": ["2026-07-29"] * 2,
    ...                     "target_lower": [3.5, 3.75], "target_upper": [3.75, 4.0],
    ...                     "engine_pct": [63.1, 36.9], "reference_pct": [62.0, 38.0],
    ...                     "gap_pp": [1.1, -1.1]})
    >>> float(reference_gaps(cmp)["max_gap_pp"].round(2).iloc[0])
    1.1
    """
    if comparison.empty:
        return pd.DataFrame(
            columns=[
                "watch_date",
                "meeting_date",
                "max_gap_pp",
                "target_lower",
                "target_upper",
                "engine_pct",
                "reference_pct",
            ]
        )
    absolute = comparison["gap_pp"].abs()
    idx = absolute.groupby([comparison["watch_date"], comparison["meeting_date"]]).idxmax()
    top = comparison.loc[np.asarray(idx)].reset_index(drop=True)
    top.insert(2, "max_gap_pp", top["gap_pp"].abs())
    return top.drop(columns="gap_pp")

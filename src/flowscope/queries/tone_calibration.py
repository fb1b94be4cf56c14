"""Inputs of the tone calibration: FOMC texts, FedWatch inputs and the release days held."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from flowscope.queries.docs import held_docs
from flowscope.queries.rates import FedWatchInputs, load_inputs, release_events

if TYPE_CHECKING:
    from flowscope.storage import Store

__all__ = ["CalibrationInputs", "load_calibration_inputs"]

#: Document kinds calibrated against the market.
KINDS: tuple[str, ...] = ("statement", "minutes")


@dataclass(frozen=True)
class CalibrationInputs:
    """What ``flowscope tone calibrate`` reads from the store.

    Attributes
    ----------
    docs
        Statements and minutes held (one per kind and meeting, preferred source).
    fedwatch
        ZQ settlements, FOMC calendar and target ranges (:func:`load_inputs`).
    releases
        Statement and minutes release days (``date``, ``kind``, ``meeting``, ``label``).
    """

    docs: pd.DataFrame
    fedwatch: FedWatchInputs
    releases: pd.DataFrame


def load_calibration_inputs(store: Store) -> CalibrationInputs:
    """Read the texts, the FedWatch inputs and the release days of statements and minutes.

    Raises
    ------
    InsufficientDataError
        No FOMC calendar is held (from :func:`load_inputs`).
    """
    docs = held_docs(store)
    if not docs.empty:
        docs = docs[docs["kind"].isin(KINDS)].reset_index(drop=True)
    fw = load_inputs(store)
    rel = release_events(store)
    rel = rel[rel["kind"].isin(KINDS)].reset_index(drop=True)
    return CalibrationInputs(docs, fw, rel)

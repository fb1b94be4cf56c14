"""FedWatch datasets: the panel flowscope computes, and CME's published figures as a reference.

``fedwatch_panel`` holds probabilities computed from ZQ settlements; ``fedwatch_reference``
holds the CME FedWatch tool's own figures imported from its CSV exports, to check the engine
against (``flowscope.analytics.fedwatch_compare``). CME data is imported for the user's own
use and never bundled.
"""

from __future__ import annotations

from flowscope.schemas._spec import Column, DatasetSpec
from flowscope.schemas.datasets import register_dataset

__all__ = ["FEDWATCH_PANEL", "FEDWATCH_REFERENCE"]

FEDWATCH_PANEL = register_dataset(
    DatasetSpec(
        name="fedwatch_panel",
        description="FedWatch probabilities implied by ZQ settlements, per watch date and meeting",
        columns=(
            Column(
                "watch_date",
                "DATE",
                "US trading day",
                "Settlement date the probabilities are computed from (data known that day)",
                False,
            ),
            Column("meeting_date", "DATE", "US/Eastern date", "FOMC meeting (end) date", False),
            Column(
                "change_bp",
                "INTEGER",
                "bp",
                "Cumulative change of the target from the watch date's range",
                False,
            ),
            Column("target_lower", "DOUBLE", "%", "Target range lower bound after the meeting"),
            Column("target_upper", "DOUBLE", "%", "Target range upper bound after the meeting"),
            Column("probability", "DOUBLE", "0..1", "Probability of that range"),
        ),
        key=("watch_date", "meeting_date", "change_bp"),
        time_column="watch_date",
        group_column="meeting_date",
    )
)

FEDWATCH_REFERENCE = register_dataset(
    DatasetSpec(
        name="fedwatch_reference",
        description="CME FedWatch tool probabilities as published (imported exports, reference)",
        columns=(
            Column(
                "watch_date",
                "DATE",
                "US trading day",
                "Date of the FedWatch reading (settlements of the previous trading day)",
                False,
            ),
            Column("meeting_date", "DATE", "US/Eastern date", "FOMC meeting (end) date", False),
            Column(
                "target_lower", "DOUBLE", "%", "Target range lower bound after the meeting", False
            ),
            Column("target_upper", "DOUBLE", "%", "Target range upper bound after the meeting"),
            Column("probability", "DOUBLE", "0..1", "Probability of that range, as CME gives it"),
        ),
        key=("watch_date", "meeting_date", "target_lower"),
        time_column="watch_date",
        group_column="meeting_date",
    )
)

"""The stored FedWatch as-of panel: target-range probabilities per watch date and meeting."""

from __future__ import annotations

from flowscope.schemas._spec import Column, DatasetSpec
from flowscope.schemas.datasets import register_dataset

__all__ = ["FEDWATCH_PANEL"]

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

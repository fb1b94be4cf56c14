"""Extra ETF-flow datasets: weekly / monthly aggregates from independent cross-check sources.

Artemis publishes per-fund monthly and all-fund weekly spot-ETF flows; they are not daily, so
they live beside ``etf_flows`` rather than in it, and serve to cross-check sums of the daily
series (``flowscope flows reconcile --period month``).
"""

from __future__ import annotations

from flowscope.schemas._spec import Column, DatasetSpec
from flowscope.schemas.datasets import register_dataset

__all__ = ["ETF_FLOWS_AGG"]

ETF_FLOWS_AGG = register_dataset(
    DatasetSpec(
        name="etf_flows_agg",
        description="US spot-crypto ETF net flows aggregated per week or month (cross-check sources)",
        columns=(
            Column(
                "period_end",
                "DATE",
                "US date",
                "Last calendar day of the period (Sunday for weeks, month end for months)",
                False,
            ),
            Column("period", "VARCHAR", "", "'week' (Monday..Sunday) or 'month'", False),
            Column("asset", "VARCHAR", "", "Underlying: 'bitcoin', 'ethereum', 'solana' …", False),
            Column("fund", "VARCHAR", "", "Fund ticker, or 'Total' for all funds", False),
            Column(
                "flow_usd", "DOUBLE", "USD", "Net creation (+) / redemption (-) over the period"
            ),
        ),
        key=("period", "asset", "fund", "period_end"),
        time_column="period_end",
        group_column="fund",
    )
)

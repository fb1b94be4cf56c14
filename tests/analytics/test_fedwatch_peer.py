"""Side by side with pyfedwatch on its own sample prices (golden file from scripts/pyfedwatch_peer.py).

pyfedwatch counts the meeting day as a day at the new rate and does not floor at zero, so
the engine runs with ``new_rate_from="meeting_day"`` and ``floor_at_zero=False``. Three
pyfedwatch quirks are left out of the comparison, each checked below:

* a first meeting whose implied move is exactly 0 gets probability 0 (its two outcomes
  H0 = H1 = 0 overwrite each other in a dict), so that meeting's probabilities sum to 0;
* on a meeting day it counts the day's (decided) meeting towards ``num_upcoming`` and so
  prices one meeting fewer;
* in a month with two listed meetings (2020-03-03 and 2020-03-15) it keeps only the first.
"""

from __future__ import annotations

import pandas as pd
import pytest

from flowscope.analytics.fedwatch import fedwatch_panel

GOLDEN = "rates/pyfedwatch_golden.csv"


@pytest.fixture(scope="module")
def compared(shared_data):
    from tests.conftest import FIXTURES

    from flowscope.sources import read_file

    golden = pd.read_csv(FIXTURES / GOLDEN, parse_dates=["watch_date", "meeting_date"])
    fomc = pd.read_csv(shared_data / "fed_futures" / "pyfedwatch_fomc_data.csv")["FOMCDate"]
    zq = read_file(shared_data / "fed_futures" / "pyfedwatch_zq_daily_long.csv.gz").frame
    ours = fedwatch_panel(
        zq,
        fomc,
        watch_dates=golden["watch_date"].unique(),
        max_meetings=6,
        floor_at_zero=False,
        new_rate_from="meeting_day",
    )
    return golden, ours, pd.to_datetime(fomc)


def test_golden_file_covers_at_least_100_watch_dates(compared):
    golden, ours, _ = compared
    assert golden["watch_date"].nunique() >= 100
    assert set(ours["watch_date"]) == set(golden["watch_date"])


def test_same_probabilities_as_pyfedwatch_within_0_1_pp(compared):
    golden, ours, fomc = compared
    sums = golden.groupby(["watch_date", "meeting_date"])["probability"].sum()
    complete = sums[(sums - 1).abs() < 1e-9].index
    months = fomc.dt.to_period("M")
    double = months[months.duplicated()].unique()
    near_double = golden["watch_date"].apply(
        lambda w: any(
            w.to_period("M") <= m <= (w + pd.DateOffset(months=12)).to_period("M") for m in double
        )
    )
    keep = golden.set_index(["watch_date", "meeting_date"]).index.isin(complete) & ~near_double
    ref = golden[keep]
    both = ref.merge(ours, on=["watch_date", "meeting_date", "change_bp"], how="left")
    gap_pp = (both["probability_y"].fillna(0) - both["probability_x"]).abs() * 100
    assert ref["watch_date"].nunique() >= 100
    assert gap_pp.max() < 0.1
    # nothing of ours is left over for the compared (watch date, meeting) pairs
    pairs = ref[["watch_date", "meeting_date"]].drop_duplicates()
    mine = ours.merge(pairs, on=["watch_date", "meeting_date"])
    assert mine["probability"].sum() == pytest.approx(len(pairs), abs=1e-6)


def test_pyfedwatch_zero_move_quirk_is_the_only_incomplete_case(compared):
    golden, ours, _ = compared
    sums = golden.groupby(["watch_date", "meeting_date"])["probability"].sum()
    broken = sums[(sums - 1).abs() > 1e-9]
    assert (broken.abs() < 1e-9).all()  # probability 0, not a partial distribution
    first = golden.groupby("watch_date")["meeting_date"].min()
    for w, m in broken.index:
        assert first[w] == m  # always the first meeting
        row = ours[(ours.watch_date == w) & (ours.meeting_date == m)]
        assert row["change_bp"].tolist() == [0]  # we give 100 % hold


def test_pyfedwatch_prices_fewer_meetings_only_on_meeting_days(compared):
    golden, ours, fomc = compared
    n_peer = golden.groupby("watch_date")["meeting_date"].nunique()
    n_ours = ours.groupby("watch_date")["meeting_date"].nunique()
    fewer = n_peer[n_peer < n_ours.reindex(n_peer.index)].index
    sums = golden.groupby(["watch_date", "meeting_date"])["probability"].sum()
    zero_move = set(sums[sums.abs() < 1e-9].index.get_level_values("watch_date"))
    on_meeting_day = {w for w in fewer if w in set(fomc)}
    assert len(on_meeting_day) >= 3
    assert (n_peer[list(on_meeting_day)] <= 5).all()
    # the rest: the zero-move quirk (pyfedwatch drops that first meeting to probability 0)
    assert set(fewer) - on_meeting_day - zero_move == set()
    assert len(zero_move) >= 5

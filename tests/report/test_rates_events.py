"""FOMC release days for `flowscope rates events` and the brief, on the bundled calendar and docs.

Oracles: the Federal Reserve's published release dates (minutes of the 2025-10-28/29 meeting
released 2025-11-19) and its published 2026-2027 meeting calendar.
"""

from __future__ import annotations

import importlib.resources

import pandas as pd
import pytest

from flowscope._bundle import bundle_manifest
from flowscope.analytics.events import fomc_events
from flowscope.data.events import event_set
from flowscope.queries.rates import release_events
from flowscope.storage import Store

OCT_2025 = pd.Timestamp("2025-10-29")
# Fed calendar: scheduled meetings after the bundled calendar's last recorded decision (2026-09-16)
FUTURE_MEETINGS = pd.to_datetime(
    [
        "2026-10-28", "2026-12-09", "2027-01-27", "2027-03-17", "2027-04-28",
        "2027-06-09", "2027-07-28", "2027-09-15", "2027-10-27", "2027-12-08",
    ]
)  # fmt: skip


def _bundled(name: str) -> tuple[pd.DataFrame, dict]:
    entry = next(e for e in bundle_manifest() if e["file"] == name)
    with (importlib.resources.files("flowscope") / "data" / name).open("rb") as fh:
        return pd.read_parquet(fh), entry


@pytest.fixture
def docs_store(tmp_path):
    """The bundled calendar with the Oct-2025 minutes_release cell blanked, and the bundled
    communications (whose minutes are stored at 00:00 UTC: release time unknown)."""
    with Store(tmp_path / "s.duckdb") as s:
        cal, entry = _bundled("fomc_meetings.parquet")
        cal.loc[pd.to_datetime(cal["meeting_date"]) == OCT_2025, "minutes_release"] = pd.NaT
        s.upsert("fomc_meetings", cal, source=entry["source"])
        docs, entry = _bundled("fomc_docs_communications.parquet")
        s.upsert("fomc_docs", docs, source=entry["source"])
        yield s


def test_minutes_with_unknown_time_are_dated_on_their_day(docs_store):
    docs = docs_store.read("fomc_docs", where={"kind": "minutes", "meeting_date": OCT_2025})
    assert docs["release_ts"].tolist() == [pd.Timestamp("2025-11-19", tz="UTC")]
    cal = docs_store.fomc_meetings().set_index("meeting_date")
    assert pd.isna(cal.loc[OCT_2025, "minutes_release"])
    ev = release_events(docs_store)
    row = ev[(ev["kind"] == "minutes") & (ev["meeting"] == OCT_2025)]
    # released 2025-11-19 at 2 p.m. ET; 00:00 UTC read as New York time would say 2025-11-18
    assert row["date"].tolist() == [pd.Timestamp("2025-11-19")]
    # every minutes release the communications hold keeps its stored day
    held = docs_store.read("fomc_docs", where={"kind": "minutes"})
    got = ev[ev["kind"] == "minutes"].set_index("meeting")["date"]
    want = held.set_index("meeting_date")["release_ts"].dt.tz_localize(None)
    assert len(want) == 59
    assert got.reindex(want.index).tolist() == want.tolist()


def test_documents_date_minutes_the_calendar_lacks():
    cal = pd.DataFrame(
        {
            "meeting_date": [OCT_2025],
            "kind": ["scheduled"],
            "decision": ["cut"],
            "minutes_release": [pd.NaT],
        }
    )
    docs = pd.DataFrame(
        {
            "meeting_date": [OCT_2025, OCT_2025],
            "kind": ["minutes", "statement"],
            "release_ts": pd.to_datetime(["2025-11-19 00:00", "2025-10-29 18:00"], utc=True),
        }
    )
    ev = fomc_events(cal, docs)
    assert ev[["date", "kind", "label"]].to_dict("list") == {
        "date": [OCT_2025, pd.Timestamp("2025-11-19")],
        "kind": ["statement", "minutes"],
        "label": ["FOMC 2025-10-29 cut", "minutes of FOMC 2025-10-29"],
    }


def test_rates_events_and_event_sets_agree_on_held_meetings(bundled_store):
    cal = bundled_store.fomc_meetings()
    rates = release_events(bundled_store)
    fomc = event_set("fomc", meetings=cal)
    minutes = event_set("minutes", meetings=cal)
    statements = rates.loc[rates["kind"] == "statement", "date"]
    # the same meetings up to the calendar's last recorded decision ...
    last = fomc["date"].max()
    assert last == pd.Timestamp("2026-09-16")
    assert statements[statements <= last].tolist() == fomc["date"].tolist()
    # ... and the rates list also has the scheduled meetings still ahead (held_only=False)
    assert statements[statements > last].tolist() == FUTURE_MEETINGS.tolist()
    # the same minutes days (documents and calendar agree on every bundled release)
    assert rates.loc[rates["kind"] == "minutes", "date"].tolist() == minutes["date"].tolist()
    row = minutes[minutes["label"] == "minutes of FOMC 2025-10-29"]
    assert row["date"].tolist() == [pd.Timestamp("2025-11-19")]


def test_options_of_the_one_event_function(bundled_store):
    cal = bundled_store.fomc_meetings()
    every = fomc_events(cal, kinds=("statement",), include_unscheduled=True)
    scheduled = fomc_events(cal, kinds=("statement",))
    emergency = pd.to_datetime(["2001-01-03", "2001-09-17", "2008-01-22", "2020-03-15"])
    assert set(emergency) <= set(every["date"])
    assert not set(emergency) & set(scheduled["date"])
    # 2020-03-03 cut between meetings; 1990s intermeeting moves (1991-12-20: -50 bp)
    assert {pd.Timestamp("2020-03-03"), pd.Timestamp("1991-12-20")} <= set(every["date"])
    assert pd.Timestamp("2025-08-22") not in set(every["date"])  # notation vote
    held = fomc_events(cal, kinds=("statement",), held_only=True)
    assert held["date"].max() == pd.Timestamp("2026-09-16")
    assert set(scheduled["date"]) - set(held["date"]) == set(FUTURE_MEETINGS)
    only_minutes = fomc_events(cal, kinds=("minutes",))
    assert set(only_minutes["kind"]) == {"minutes"}
    # minutes of the 2020-03-15 unscheduled meeting (released 2020-04-08) need the option
    assert pd.Timestamp("2020-04-08") in set(
        fomc_events(cal, kinds=("minutes",), include_unscheduled=True)["date"]
    )
    assert pd.Timestamp("2020-04-08") not in set(only_minutes["date"])


def test_unknown_kind_is_refused(bundled_store):
    from flowscope.errors import ValidationError

    with pytest.raises(ValidationError, match="kinds"):
        fomc_events(bundled_store.fomc_meetings(), kinds=("decision",))  # type: ignore[arg-type]

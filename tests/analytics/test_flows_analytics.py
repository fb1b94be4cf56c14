"""ETF flow analytics: real values from the bundled Farside data, and property tests against
naive reference implementations."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from flowscope.analytics import flows as fa
from flowscope.errors import InsufficientDataError, ValidationError
from flowscope.storage import Store


@pytest.fixture(scope="module")
def wide(bundled_store: Store) -> pd.DataFrame:
    return fa.flows_wide(bundled_store.etf_flows(source="farside"))


# -- real data ---------------------------------------------------------------------------------
def test_wide_frame_units_and_known_days(wide: pd.DataFrame) -> None:
    assert wide.columns[-1] == "Total"
    week = wide.loc["2025-11-13":"2025-11-18", ["IBIT", "Total"]] / 1e6
    assert week["IBIT"].round(1).tolist() == [-256.6, -463.1, -145.6, -523.2]
    assert week["Total"].round(1).tolist() == [-866.7, -492.1, -254.6, -372.8]
    # MSBT has no figure before its launch: NaN, not zero
    assert wide.loc["2024-01-11", "MSBT"] != wide.loc["2024-01-11", "MSBT"]


def test_ibit_records_real(wide: pd.DataFrame) -> None:
    rec = fa.flow_records(wide["IBIT"], fund="IBIT", windows=(1, 4), top=3)
    # "outflow almost never appeared in its first four months": first outflow 2024-05-01
    assert rec.first_outflow["date"] == pd.Timestamp("2024-05-01")
    assert rec.first_outflow["flow_usd"] == -36.9e6
    assert rec.first_outflow["sessions_after_first"] == 76
    one = rec.largest[1]
    assert one["end"].tolist()[:2] == [pd.Timestamp("2026-01-30"), pd.Timestamp("2025-11-18")]
    assert one["sum_usd"].tolist()[:2] == pytest.approx([-528.3e6, -523.2e6])
    four = rec.largest[4]
    assert four.iloc[0]["start"] == pd.Timestamp("2025-11-13")
    assert four.iloc[0]["end"] == pd.Timestamp("2025-11-18")
    assert four.iloc[0]["sum_usd"] == pytest.approx((-256.6 - 463.1 - 145.6 - 523.2) * 1e6)
    assert rec.longest_outflow_streak["length"] == 6
    assert rec.longest_outflow_streak["start"] == pd.Timestamp("2025-02-24")
    assert fa.window_rank(wide["IBIT"], 4, "2025-11-18") == 1
    assert fa.window_rank(wide["IBIT"], 1, "2025-11-18") == 2


def test_total_records_and_largest_buyer(wide: pd.DataFrame) -> None:
    rec = fa.flow_records(wide["Total"], fund="Total")
    assert rec.largest[1].iloc[0]["sum_usd"] == pytest.approx(
        -1113.7e6
    )  # Farside's all-time Minimum
    assert rec.largest[1].iloc[0]["end"] == pd.Timestamp("2025-02-25")
    assert fa.window_rank(wide["Total"], 1, "2025-11-13") == 3
    rank = fa.cumulative_rank(wide)
    assert rank.iloc[0]["fund"] == "IBIT"
    assert rank.iloc[-1]["fund"] == "GBTC"  # the only large net seller
    assert rank["net_usd"].sum() == pytest.approx(wide["Total"].sum(), abs=1e6 * len(wide) * 0.1)
    table = rec.to_frame()
    assert {"first outflow day", "largest 1-day outflow", "longest outflow streak"} <= set(
        table["record"]
    )


def test_reversals_and_zscore_real(wide: pd.DataFrame) -> None:
    rev = fa.detect_reversals(wide["Total"], window=5, band_usd=250e6)
    assert not rev.empty
    assert set(rev["to"]) == {"inflow", "outflow"}
    # flips alternate
    assert (rev["to"].to_numpy()[1:] != rev["to"].to_numpy()[:-1]).all()
    # the Nov 2025 outflow week is in an outflow regime
    before = rev[rev["date"] <= pd.Timestamp("2025-11-18")].iloc[-1]
    assert before["to"] == "outflow"
    z = fa.flow_zscore(wide["Total"], window=60)
    assert z.loc["2025-11-13"] < -2


def test_fund_share_and_cumulative(wide: pd.DataFrame) -> None:
    share = fa.fund_share(wide)
    day = share.loc["2025-11-13"]
    assert day["IBIT"] == pytest.approx(256.6 / 866.7)
    assert day.sum() == pytest.approx(1.0, abs=1e-3)
    cum = fa.cumulative_flows(wide)
    assert cum["Total"].iloc[-1] == pytest.approx(wide["Total"].sum())
    assert math.isnan(cum.loc["2024-01-11", "MSBT"])


def test_reconcile_flags_disagreement() -> None:
    d = pd.Timestamp("2026-04-10")
    flows = pd.DataFrame(
        {
            "date": [d, d, d, d],
            "fund": ["Total", "Total", "IBIT", "MSBT"],
            "flow_usd": [240.4e6, 256.7e6, 137.6e6, 16.3e6],
            "source": ["farside", "other", "farside", "other"],
        }
    )
    rec = fa.reconcile_sources(flows)
    by = rec.set_index("fund")
    assert by.loc["Total", "status"] == "disagree"
    assert by.loc["Total", "spread_usd"] == pytest.approx(16.3e6)
    assert by.loc["IBIT", "status"] == "single"
    canon = fa.select_canonical(flows)
    assert canon.set_index("fund").loc["Total", "flow_usd"] == 240.4e6


def test_errors_are_flowscope_errors() -> None:
    with pytest.raises(ValidationError):
        fa.rolling_flows(pd.Series([1.0]), (0,))
    with pytest.raises(InsufficientDataError):
        fa.flow_records(pd.Series([np.nan]))
    with pytest.raises(ValidationError):
        fa.longest_streak(pd.Series([1.0]), direction="up")


# -- property tests vs naive references --------------------------------------------------------
flows_lists = st.lists(
    st.one_of(
        st.floats(-2e9, 2e9, allow_nan=False).map(lambda x: round(x, -5)),
        st.just(0.0),
        st.just(float("nan")),
    ),
    min_size=0,
    max_size=80,
)


def _naive_rolling(xs: list[float], w: int) -> list[float]:
    out = []
    for i in range(len(xs)):
        win = xs[max(0, i - w + 1) : i + 1]
        if i + 1 < w or any(math.isnan(v) for v in win):
            out.append(float("nan"))
        else:
            out.append(sum(win))
    return out


def _naive_streaks(xs: list[float]) -> list[int]:
    out: list[int] = []
    for i, v in enumerate(xs):
        s = 0 if math.isnan(v) or v == 0 else (1 if v > 0 else -1)
        if s == 0:
            out.append(0)
        elif i > 0 and out[-1] != 0 and (out[-1] > 0) == (s > 0):
            out.append(out[-1] + s)
        else:
            out.append(s)
    return out


@settings(max_examples=150, deadline=None)
@given(flows_lists, st.integers(1, 12))
def test_rolling_matches_naive(xs: list[float], w: int) -> None:
    s = pd.Series(xs, dtype="float64")
    got = fa.rolling_flows(s, (w,))[f"sum_{w}d"].to_numpy()
    want = np.asarray(_naive_rolling(xs, w), dtype="float64")
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-3)


@settings(max_examples=150, deadline=None)
@given(flows_lists)
def test_streaks_match_naive(xs: list[float]) -> None:
    s = pd.Series(xs, dtype="float64")
    assert fa.flow_streaks(s).tolist() == _naive_streaks(xs)
    want = max((-v for v in _naive_streaks(xs) if v < 0), default=0)
    assert fa.longest_streak(s, direction="outflow")["length"] == want


@settings(max_examples=100, deadline=None)
@given(flows_lists, st.integers(1, 5))
def test_largest_outflows_non_overlapping_and_extreme(xs: list[float], n: int) -> None:
    s = pd.Series(xs, index=pd.bdate_range("2024-01-01", periods=len(xs)), dtype="float64")
    tab = fa.largest_outflows(s, n, top=3)
    clean = s.dropna()
    sums = clean.rolling(n, min_periods=n).sum().dropna()
    if (sums < 0).any():
        assert tab.iloc[0]["sum_usd"] == pytest.approx(sums.min())
        assert fa.window_rank(clean, n, tab.iloc[0]["end"]) == 1
    else:
        assert tab.empty
    # windows do not overlap, sums non-increasing in magnitude
    pos = [clean.index.get_loc(e) for e in tab["end"]]
    spans = sorted((p - n + 1, p) for p in pos)
    assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))
    assert tab["sum_usd"].is_monotonic_increasing


@settings(max_examples=100, deadline=None)
@given(flows_lists, st.integers(2, 10))
def test_zscore_matches_naive(xs: list[float], w: int) -> None:
    s = pd.Series(xs, dtype="float64")
    z = fa.flow_zscore(s, window=w, min_periods=2).to_numpy()
    for i in range(len(xs)):
        base = [v for v in xs[max(0, i - w) : i] if not math.isnan(v)]
        if len(base) < 2 or math.isnan(xs[i]):
            assert math.isnan(z[i])
            continue
        sd = float(np.std(base, ddof=1))
        if sd <= 1e-6 * max(1.0, max(abs(v) for v in base)):
            continue  # flat baseline: float noise decides, nothing to compare
        want = (xs[i] - float(np.mean(base))) / sd
        assert z[i] == pytest.approx(want, rel=1e-6, abs=1e-6)


@settings(max_examples=100, deadline=None)
@given(flows_lists, st.integers(1, 6), st.floats(0, 5e8))
def test_reversals_match_naive_state_machine(xs: list[float], w: int, band: float) -> None:
    s = pd.Series(xs, dtype="float64")
    got = fa.detect_reversals(s, window=w, band_usd=band)
    roll = _naive_rolling(xs, w)
    state = None
    flips = []
    for i, r in enumerate(roll):
        new = state
        if not math.isnan(r) and r > band:
            new = "inflow"
        elif not math.isnan(r) and r < -band:
            new = "outflow"
        if state is not None and new != state:
            flips.append((i, new))
        state = new
    assert list(zip(got["date"].tolist(), got["to"].tolist(), strict=True)) == flips


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4),
            st.sampled_from(["IBIT", "FBTC", "Total"]),
            st.sampled_from(["farside", "sosovalue", "artemis"]),
            st.integers(-5, 5).map(lambda v: v * 0.1e6),
        ),
        min_size=1,
        max_size=30,
        unique_by=lambda t: t[:3],
    )
)
def test_reconcile_and_canonical_match_naive(rows: list[tuple[int, str, str, float]]) -> None:
    flows = pd.DataFrame(rows, columns=["day", "fund", "source", "flow_usd"])
    flows["date"] = pd.Timestamp("2025-11-13") + pd.to_timedelta(flows.pop("day"), unit="D")
    rec = fa.reconcile_sources(flows, tolerance_usd=0.05e6).set_index(["date", "fund"])
    canon = fa.select_canonical(flows).set_index(["date", "fund"])
    prio = {"farside": 0, "sosovalue": 1, "artemis": 3}
    groups: dict[tuple[pd.Timestamp, str], list[tuple[str, float]]] = {}
    for r in flows.itertuples(index=False):
        groups.setdefault((r.date, r.fund), []).append((r.source, r.flow_usd))
    assert set(rec.index) == set(groups) == set(canon.index)
    for key, vals in groups.items():
        spread = max(v for _, v in vals) - min(v for _, v in vals)
        want = "single" if len(vals) == 1 else ("disagree" if spread > 0.05e6 else "agree")
        assert rec.loc[key, "status"] == want
        assert rec.loc[key, "n_sources"] == len(vals)
        best = min(vals, key=lambda sv: prio[sv[0]])
        assert canon.loc[key, "source"] == best[0]
        assert canon.loc[key, "flow_usd"] == best[1]

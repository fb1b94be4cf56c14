"""Fuzzing the readers of user input: files, claims TOML, regime rules TOML.

Inputs are real texts (the head of real data files from ../shared/data, the shipped claims
example and regime presets) mutated by hypothesis: characters dropped, inserted, replaced,
lines cut, duplicated or shuffled. Only flowscope errors may escape (``FlowscopeError``
subclasses, or ``FileNotFoundError``); every example must finish within its deadline and
the process must not grow by more than a bounded amount.

``FUZZ_EXAMPLES`` sets the examples per property (default 50); the count that ran is
printed as ``FUZZ <property> <n>`` (``pytest -s`` shows it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.resources
import os
import resource
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flowscope.errors import FlowscopeError, FlowscopeWarning
from flowscope.schemas.claims import parse_claims
from flowscope.signals.regime import rules_from_toml
from flowscope.sources import read_file

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "50"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=dt.timedelta(seconds=10),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    database=None,
)
#: Real files (path under ../shared/data, dataset), first lines kept as the seed text.
FILES = [
    ("etf_flows/moltovy_farside_btc_etf_flows_daily.csv", "etf_flows"),
    ("etf_flows/ciyberpunk_farside_btc_etf_flows_wide_daily.csv", "etf_flows"),
    ("etf_flows/juanbarmo10_farside_btc_page_trimmed_2026-07.html", "etf_flows"),
    ("btc_prices/moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv", "prices"),
    ("fed_futures/fred_policy_rates_riskdivergence/EFFR.csv", "rates"),
    ("http_payloads/stooq_daily_nvda_us__ForecastingNVIDIA.csv", "prices"),
]
SEED_LINES = 40
#: Most the process may grow (resident set, KiB) over one property's examples.
MAX_GROWTH_KIB = 512 * 1024


def _rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with a few random edits at line and character level."""
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(0, 4))):
        if not lines:
            break
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["drop", "dup", "cut", "swap", "noise"]))
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "cut":
            lines[i] = lines[i][: draw(st.integers(0, len(lines[i])))]
            lines = lines[: i + 1]
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        else:
            pos = draw(st.integers(0, len(lines[i])))
            junk = draw(st.text(max_size=12))
            cut = draw(st.integers(0, 3))
            lines[i] = lines[i][:pos] + junk + lines[i][pos + cut :]
    return "".join(lines)


def _seed(path: Path) -> str:
    with path.open(encoding="utf-8", errors="replace") as fh:
        return "".join(next(fh, "") for _ in range(SEED_LINES))


def _only_ours(fn, *args, **kwargs) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FlowscopeWarning)
        with contextlib.suppress(FlowscopeError, FileNotFoundError):
            fn(*args, **kwargs)


@pytest.mark.parametrize(("rel", "dataset"), FILES, ids=[Path(f).stem[:30] for f, _ in FILES])
def test_file_parsers_raise_only_flowscope_errors(rel, dataset, shared_data, tmp_path):
    seed = _seed(shared_data / rel)
    ran = 0
    start = _rss_kib()

    @FUZZ
    @given(text=mutated(seed))
    def prop(text: str) -> None:
        nonlocal ran
        ran += 1
        f = tmp_path / Path(rel).name  # the real name: format detection sees the real case
        f.write_text(text, encoding="utf-8", errors="surrogatepass")
        _only_ours(read_file, f, dataset)

    prop()
    print(f"FUZZ read_file:{Path(rel).name} {ran}")
    assert ran >= min(EXAMPLES, 10)
    assert _rss_kib() - start < MAX_GROWTH_KIB


def test_claims_reader_raises_only_flowscope_errors():
    files = sorted((ROOT / "examples" / "claims").glob("*.toml"))
    assert files, "examples/claims holds the shipped claims example"
    seed = files[0].read_text(encoding="utf-8")
    parse_claims(seed)  # the real file is valid
    ran = 0

    @FUZZ
    @given(text=mutated(seed))
    def prop(text: str) -> None:
        nonlocal ran
        ran += 1
        _only_ours(parse_claims, text)

    prop()
    print(f"FUZZ parse_claims {ran}")
    assert ran >= min(EXAMPLES, 10)


@pytest.mark.parametrize("preset", ["flows", "siege", "trend"])
def test_regime_rules_reader_raises_only_flowscope_errors(preset):
    res = importlib.resources.files("flowscope.signals") / "presets" / f"{preset}.toml"
    seed = res.read_text(encoding="utf-8")
    rules_from_toml(seed, origin=preset)  # the shipped preset is valid
    ran = 0

    @FUZZ
    @given(text=mutated(seed))
    def prop(text: str) -> None:
        nonlocal ran
        ran += 1
        _only_ours(rules_from_toml, text, origin=preset)

    prop()
    print(f"FUZZ rules_from_toml:{preset} {ran}")
    assert ran >= min(EXAMPLES, 10)

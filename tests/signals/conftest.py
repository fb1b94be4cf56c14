"""Regime inputs read once from the bundled store (real data)."""

from __future__ import annotations

import pytest

from flowscope.queries.regime import load_regime_inputs
from flowscope.signals.fronts import RegimeInputs


@pytest.fixture(scope="session")
def inputs(bundled_store) -> RegimeInputs:
    return load_regime_inputs(bundled_store, start="2025-01-01")

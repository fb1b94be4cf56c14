"""The public surface: every exported name importable, documented and public (as httpx tests it)."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
import types
from pathlib import Path

import pytest

import flowscope

SURFACES = (
    "flowscope",
    "flowscope.analytics",
    "flowscope.errors",
    "flowscope.queries",
    "flowscope.report",
    "flowscope.storage",
)
SRC = Path(__file__).resolve().parents[1] / "src"


def test_public_api_all_is_sorted_and_importable():
    assert list(flowscope.__all__) == sorted(flowscope.__all__)
    for name in flowscope.__all__:
        assert hasattr(flowscope, name), name


def test_top_level_offers_the_store_settings_errors_and_the_main_readers():
    assert {"Store", "open_store", "Settings", "load_settings", "errors"} <= set(flowscope.__all__)
    assert {"load_close", "etf_total_flows", "load_inputs", "build_brief"} <= set(flowscope.__all__)
    assert flowscope.load_close is importlib.import_module("flowscope.queries.prices").load_close


@pytest.mark.parametrize("module_name", SURFACES)
def test_every_exported_name_is_importable_documented_and_public(module_name):
    module = importlib.import_module(module_name)
    exported = list(module.__all__)
    assert len(exported) == len(set(exported))
    undocumented = []
    for name in exported:
        assert not name.startswith("_") or name == "__version__", name
        value = getattr(module, name)  # raises if the lazy table points nowhere
        if name == "__version__" or not (
            callable(value) or isinstance(value, types.ModuleType) or inspect.isclass(value)
        ):
            continue
        if not (inspect.getdoc(value) or "").strip():
            undocumented.append(name)
    assert undocumented == []


@pytest.mark.parametrize("module_name", ["flowscope.analytics", "flowscope.queries"])
def test_lazy_surface_lists_every_public_function_it_serves(module_name):
    module = importlib.import_module(module_name)
    assert sorted(dir(module)) == sorted(set(dir(module)))
    assert set(module.__all__) <= set(dir(module))
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        module.nope  # noqa: B018


def test_every_declared_error_is_used_somewhere():
    from pathlib import Path

    from flowscope import errors

    src = Path(errors.__file__).parent
    code = "\n".join(
        p.read_text(encoding="utf-8") for p in src.rglob("*.py") if p.name != "errors.py"
    )
    unused = [n for n in errors.__all__ if n not in code]
    assert unused == []
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, (errors.FlowscopeError, errors.FlowscopeWarning)), name


def test_importing_the_lazy_surfaces_loads_no_heavy_library():
    code = (
        "import sys, flowscope, flowscope.queries, flowscope.analytics; "
        "print(','.join(m for m in ('pandas', 'duckdb', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(SRC)},
        check=True,
    )
    assert out.stdout.strip() == ""

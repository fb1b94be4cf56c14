"""numba's compiled-kernel cache goes to the user cache dir, never into the package."""

import json
import os
import subprocess
import sys
from pathlib import Path

import flowscope

_SCRIPT = """
import json, numpy as np
from flowscope.backtest import _kernels
eq, *_ = _kernels.simulate(np.zeros(3), np.zeros(3), np.zeros(3), 1.0)
print(json.dumps({"cache_path": _kernels.simulate._cache._cache_path, "eq": float(eq[-1])}))
"""


def test_kernels_cache_under_user_cache_dir_not_in_package(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["PYTHONPATH"] = str(Path(flowscope.__file__).parents[1])
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT], env=env, capture_output=True, text=True, check=True
    )
    got = json.loads(out.stdout.strip().splitlines()[-1])
    package = Path(flowscope.__file__).parent
    assert got["eq"] == 1.0
    assert Path(got["cache_path"]).is_relative_to(tmp_path / "cache" / "flowscope" / "numba")
    assert not Path(got["cache_path"]).is_relative_to(package)
    assert list((tmp_path / "cache" / "flowscope" / "numba").rglob("*.nbi"))

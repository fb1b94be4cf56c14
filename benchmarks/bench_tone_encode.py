"""Learned tone scoring: the MiniLM encoding of a document, new batching and threads vs old.

Real inputs: the policy sentences (as ``score_document`` keeps them) of the October 2025
minutes (153) and statement (14) in ``shared/data/fomc_text``. Figures, each the median of
``rounds`` interleaved runs in one process, so both sides see the same machine load:

* ``<doc>_batch64_cpu_s`` / ``_wall_s``: sentence-transformers' ``encode`` with one batch
  size of 64 (sorted by characters), the earlier setting;
* ``<doc>_budget_cpu_s`` / ``_wall_s``: :func:`flowscope.analytics.text.encoders.encode`,
  batches of at most ``MAX_TOKENS`` padded tokens sorted by token count;
* ``<doc>_batch64_over_budget``: the CPU ratio (> 1: the budget is faster);
* ``<doc>_min_cosine``: the smallest cosine between the two sides' vectors (1 = same).

OpenMP wait policy, in two fresh processes each (torch reads the policy once, at import):
the minutes encoded with torch imported plainly (libgomp's default, spinning waits) and
through ``import_torch`` (passive waits), first with nothing else started by the benchmark
(``alone_*``) and then while one CPU-bound process of its own runs beside them (``busy_*``).
The ratios ``<case>_spin_over_passive_wall`` are > 1 when passive waiting is faster;
``load_average_1min`` is the machine's load when the benchmark started (other users' work
counts: "alone" is idle only on an idle machine).

Run ``PYTHONPATH=src python benchmarks/bench_tone_encode.py [rounds]`` (needs the nlp
extra; about 2 minutes on 2 cores).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FLOWSCOPE_SHARED_DATA", ROOT.parent / "shared" / "data"))
DOCS = {
    "minutes": "extracted_fomc_minutes_meeting-2025-10-29_released-2025-11-19.txt",
    "statement": "extracted_fomc_statement_2025-10-29.txt",
}

_CHILD = """
import json, os, statistics, sys, time
if sys.argv[1] == "spin":
    import torch  # libgomp's default wait policy
from flowscope.analytics.text.encoders import encode, get_encoder
sys.path.insert(0, sys.argv[3])
from bench_tone_encode import policy_sentences
sents = policy_sentences("minutes")
get_encoder("minilm")
encode("minilm", sents[:8])
wall, cpu = [], []
for _ in range(int(sys.argv[2])):
    t, c = time.perf_counter(), time.process_time()
    encode("minilm", sents)
    wall.append(time.perf_counter() - t)
    cpu.append(time.process_time() - c)
print(json.dumps({"wall_s": statistics.median(wall), "cpu_s": statistics.median(cpu)}))
"""

_BUSY = "while True: pass"


def policy_sentences(doc: str) -> list[str]:
    """Policy-relevant sentences of one October 2025 document, in text order."""
    from flowscope.analytics.text import relevant_mask, split_sentences

    sents = split_sentences((SHARED / "fomc_text" / DOCS[doc]).read_text(encoding="utf-8"))
    return [s for s, keep in zip(sents, relevant_mask(sents), strict=True) if keep]


def _batching(rounds: int) -> dict[str, float]:
    from flowscope.analytics.text.encoders import encode, get_encoder

    enc = get_encoder("minilm")
    out: dict[str, float] = {}
    for doc in DOCS:
        sents = policy_sentences(doc)
        sides = {
            "batch64": lambda s=sents: np.asarray(
                enc.encode(s, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
            ),
            "budget": lambda s=sents: encode("minilm", s),
        }
        times: dict[str, tuple[list[float], list[float]]] = {k: ([], []) for k in sides}
        vecs: dict[str, np.ndarray] = {}
        sides["budget"]()  # warm-up
        for _ in range(rounds):
            for name, fn in sides.items():
                t, c = time.perf_counter(), time.process_time()
                vecs[name] = fn()
                times[name][0].append(time.perf_counter() - t)
                times[name][1].append(time.process_time() - c)
        out[f"{doc}_sentences"] = float(len(sents))
        for name, (wall, cpu) in times.items():
            out[f"{doc}_{name}_cpu_s"] = statistics.median(cpu)
            out[f"{doc}_{name}_wall_s"] = statistics.median(wall)
        out[f"{doc}_batch64_over_budget"] = out[f"{doc}_batch64_cpu_s"] / out[f"{doc}_budget_cpu_s"]
        out[f"{doc}_min_cosine"] = float(np.sum(vecs["batch64"] * vecs["budget"], axis=1).min())
    return out


def _child(policy: str, rounds: int) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    res = subprocess.run(
        [sys.executable, "-c", _CHILD, policy, str(rounds), str(Path(__file__).parent)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(res.stdout.strip().splitlines()[-1]))


def _policy(rounds: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for case in ("alone", "busy"):
        busy = subprocess.Popen([sys.executable, "-c", _BUSY]) if case == "busy" else None
        try:
            for policy in ("spin", "passive"):
                for k, v in _child(policy, rounds).items():
                    out[f"{case}_{policy}_{k}"] = v
        finally:
            if busy is not None:
                busy.kill()
                busy.wait()
        out[f"{case}_spin_over_passive_wall"] = (
            out[f"{case}_spin_wall_s"] / out[f"{case}_passive_wall_s"]
        )
    return out


def measure(rounds: int = 3) -> dict[str, float]:
    """Batching figures (in this process) and wait-policy figures (in child processes)."""
    load = os.getloadavg()[0]
    return {"load_average_1min": load, **_batching(rounds), **_policy(rounds)}


def test_bench_tone_encode(benchmark):
    import pytest

    pytest.importorskip("sentence_transformers", reason="needs the nlp extra")
    res = benchmark.pedantic(measure, rounds=1, iterations=1)
    benchmark.extra_info.update(res)


if __name__ == "__main__":
    for k, v in measure(int(sys.argv[1]) if len(sys.argv) > 1 else 3).items():
        print(f"{k:<34} {v:12.7f}")

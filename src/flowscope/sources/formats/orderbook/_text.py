"""Reading capture files: gzip or plain text, ``<receive ns> <JSON>`` lines, cut last lines."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from flowscope.errors import ParseError

__all__ = ["iter_documents", "iter_json_lines", "read_text"]


def read_text(path: Path) -> str:
    """The whole file as text, un-gzipped when it starts with the gzip magic bytes."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            msg = f"damaged gzip file ({exc})"
            raise ParseError(msg, path=path) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(
            "not UTF-8 text", path=path, row=raw[: exc.start].count(b"\n") + 1
        ) from None


def iter_json_lines(
    path: Path, text: str, issues: list[str], *, needles: tuple[str, ...] = ()
) -> Iterator[tuple[int, int | None, Any]]:
    """``(line number, receive ns or None, decoded JSON)`` for each non-blank line.

    A line may be ``<ns> <JSON>`` (hftbacktest / tardis-machine captures) or bare JSON. A last
    line cut mid-way (no newline, not valid JSON) is set aside in ``issues``; any other
    unreadable line raises :class:`~flowscope.errors.ParseError` naming the file and line.
    With ``needles``, lines containing none of them are skipped unread (a fast pre-filter).
    """
    lines = text.split("\n")
    last = len(lines) if lines[-1].strip() else len(lines) - 1
    for no, line in enumerate(lines, start=1):
        s = line.strip()
        if not s or (needles and not any(n in s for n in needles)):
            continue
        ts: int | None = None
        body = s
        if s[0].isdigit():
            head, _, body = s.partition(" ")
            try:
                ts = int(head)
            except ValueError:
                raise ParseError(
                    "expected '<receive time ns> <JSON>'", path=path, row=no, received=s[:40]
                ) from None
        try:
            doc = json.loads(body)
        except json.JSONDecodeError as exc:
            if no == last and not text.endswith("\n"):
                issues.append(f"line {no}: cut-off last line set aside ({exc.msg})")
                continue
            msg = f"invalid JSON ({exc.msg} at character {exc.pos})"
            raise ParseError(msg, path=path, row=no) from None
        yield no, ts, doc


def iter_documents(
    path: Path, text: str, issues: list[str]
) -> Iterator[tuple[int, int | None, Any]]:
    """Like :func:`iter_json_lines`, but a file holding one JSON document (possibly spread
    over several lines, possibly a list) yields that document, or each item of the list."""
    head = text.lstrip()[:1]
    if head in ("{", "["):
        try:
            doc = json.loads(text)
        except json.JSONDecodeError:
            pass
        else:
            items = doc if isinstance(doc, list) else [doc]
            for item in items:
                yield 1, None, item
            return
    yield from iter_json_lines(path, text, issues)

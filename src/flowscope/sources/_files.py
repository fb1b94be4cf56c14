"""File importers: a registry of file formats, format detection, and parse results.

A :class:`FileFormat` knows how to recognise (``sniff``) and parse one real file layout into a
canonical dataset frame. ``flowscope import <dataset> <file>`` asks every registered format of
that dataset to sniff the file and parses it with the one that matches. Parsers validate the
whole file before anything is written, so a bad file never half-writes the store.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from flowscope.errors import ParseError, UnknownFormatError
from flowscope.schemas import get_dataset

__all__ = [
    "FileFormat",
    "ParsedFile",
    "RowIssue",
    "detect_format",
    "list_formats",
    "read_file",
    "read_head",
    "register_format",
]


@dataclass(frozen=True)
class RowIssue:
    """A row kept out of the canonical data (or flagged) while parsing, with the reason."""

    row: int | None
    reason: str
    date: str | None = None
    detail: str | None = None

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "file"
        when = f" ({self.date})" if self.date else ""
        return f"{where}{when}: {self.reason}" + (f" [{self.detail}]" if self.detail else "")


@dataclass
class ParsedFile:
    """Result of parsing one file: canonical rows for one dataset plus what was set aside."""

    dataset: str
    frame: pd.DataFrame
    source: str
    format: str
    path: str
    issues: list[RowIssue] = field(default_factory=list)
    #: Extra frames for other datasets found in the same file (rare), by dataset name.
    extra: dict[str, pd.DataFrame] = field(default_factory=dict)


Sniffer = Callable[[Path, str], bool]
Parser = Callable[[Path], ParsedFile]


@dataclass(frozen=True)
class FileFormat:
    """One importable file layout.

    Attributes
    ----------
    name
        Short id shown to users (``farside-wide-csv``).
    dataset
        Canonical dataset the file feeds.
    description
        One line: which real files look like this.
    sniff
        ``sniff(path, head_text) -> bool``; ``head_text`` is the first 64 KiB, decoded.
    parse
        ``parse(path) -> ParsedFile``; raises :class:`~flowscope.errors.ParseError`.
    """

    name: str
    dataset: str
    description: str
    sniff: Sniffer
    parse: Parser


_FORMATS: dict[str, FileFormat] = {}


def register_format(fmt: FileFormat) -> FileFormat:
    """Register ``fmt`` (replacing a format of the same name)."""
    get_dataset(fmt.dataset)
    _FORMATS[fmt.name] = fmt
    return fmt


def list_formats(dataset: str | None = None) -> list[FileFormat]:
    """Registered formats, optionally of one dataset."""
    _load_builtin()
    return [f for f in _FORMATS.values() if dataset is None or f.dataset == dataset]


def read_head(path: Path, n: int = 65536) -> str:
    """First ``n`` bytes of a (possibly gzipped) file, decoded as UTF-8 with replacement."""
    with open(path, "rb") as fh:
        raw = fh.read(n)
    if raw[:2] == b"\x1f\x8b":
        with gzip.open(path, "rb") as gz:
            raw = gz.read(n)
    return raw.decode("utf-8", errors="replace").lstrip("\ufeff")


def detect_format(path: str | Path, dataset: str | None = None) -> FileFormat:
    """Return the registered format that recognises ``path``.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    UnknownFormatError
        If no format (of ``dataset``) recognises it; the message lists those tried.
    """
    p = Path(path)
    if not p.is_file():
        msg = f"{p}: no such file"
        raise FileNotFoundError(msg)
    candidates = list_formats(dataset)
    head = read_head(p)
    for fmt in candidates:
        if fmt.sniff(p, head):
            return fmt
    first = head.splitlines()[0][:120] if head else "(empty file)"
    tried = ", ".join(f.name for f in candidates) or "none"
    msg = (
        f"{p}: no importer for {dataset or 'any dataset'} recognises this file "
        f"(first line: {first!r}); formats tried: {tried}"
    )
    raise UnknownFormatError(msg, param_name="file", received=str(p))


def read_file(
    path: str | Path, dataset: str | None = None, *, format: str | None = None
) -> ParsedFile:
    """Detect (or take) the format of ``path`` and parse it."""
    p = Path(path)
    if format is not None:
        _load_builtin()
        try:
            fmt = _FORMATS[format]
        except KeyError:
            msg = f"unknown format {format!r}; known: {', '.join(sorted(_FORMATS))}"
            raise UnknownFormatError(msg, param_name="format", received=format) from None
        if dataset is not None and fmt.dataset != dataset:
            msg = f"format {format!r} feeds {fmt.dataset!r}, not {dataset!r}"
            raise UnknownFormatError(msg, param_name="format", received=format)
        if not p.is_file():
            msg = f"{p}: no such file"
            raise FileNotFoundError(msg)
    else:
        fmt = detect_format(p, dataset)
    try:
        return fmt.parse(p)
    except (UnicodeDecodeError, gzip.BadGzipFile, EOFError) as exc:
        msg = f"cannot read file: {exc}"
        raise ParseError(msg, path=p) from exc


_loaded = False


def _load_builtin() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        import flowscope.sources.formats  # noqa: F401  (registers the built-in formats)

"""File importers: a registry of file formats, format detection, and parse results.

A :class:`FileFormat` knows how to recognise (``sniff``) and parse one real file layout into a
canonical dataset frame. ``flowscope import <dataset> <file>`` asks every registered format of
that dataset to sniff the file and parses it with the one that matches. Parsers validate the
whole file before anything is written, so a bad file never half-writes the store.

A Parquet file is accepted wherever its CSV export would be: sniffers see the CSV rendering of
its first rows and parsers read the same string cells (the format is reported with a
``+parquet`` suffix, e.g. ``tradingview-csv+parquet``). Other binary files (xlsx, zip, gzipped
binary …) are refused with their kind named, never echoed.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from flowscope.errors import ParseError, UnknownFormatError, ValidationError
from flowscope.schemas import get_dataset
from flowscope.sources._inputs import check_path, check_text
from flowscope.sources._parsing import binary_kind, read_parquet_text

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


#: Longest row detail echoed in a warning (a cell of 50 MB is cut, its length said).
_DETAIL_CHARS = 300


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
        detail = self.detail
        if detail and len(detail) > _DETAIL_CHARS:
            detail = f"{detail[:_DETAIL_CHARS]}… ({len(detail):,} characters)"
        return f"{where}{when}: {self.reason}" + (f" [{detail}]" if detail else "")


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
Parser = Callable[..., ParsedFile]

#: Suffix added to a format's name when the file read was Parquet.
PARQUET_SUFFIX = "+parquet"


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
        ``parse(path, **options) -> ParsedFile``; raises :class:`~flowscope.errors.ParseError`.
    options
        Keyword options ``parse`` accepts (e.g. ``("symbol", "interval")`` for price files).
    """

    name: str
    dataset: str
    description: str
    sniff: Sniffer
    parse: Parser
    options: tuple[str, ...] = ()


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
    """First ``n`` bytes of a (possibly gzipped) file, decoded as UTF-8 with replacement.

    For a Parquet file: the CSV rendering of its column names and first 100 rows.
    """
    if binary_kind(path) == "Parquet":
        text: str = read_parquet_text(path, nrows=100).to_csv(index=False, lineterminator="\n")
        return text
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
    check_path(p)
    candidates = list_formats(dataset)
    _refuse_binary(p)
    check_text(p)
    head = read_head(p)
    for fmt in candidates:
        if fmt.sniff(p, head):
            return fmt
    if head:
        line = head.splitlines()[0]
        first = f"first line: {line[:120]!r}{'…' if len(line) > 120 else ''}"
    else:
        first = "empty file"
    tried = ", ".join(f.name for f in candidates) or "none"
    msg = (
        f"{p}: no importer for {dataset or 'any dataset'} recognises this file "
        f"({first}); formats tried: {tried}"
    )
    raise UnknownFormatError(msg, param_name="file", received=str(p))


def _refuse_binary(p: Path) -> None:
    kind = binary_kind(p)
    if kind is not None and kind != "Parquet":
        msg = f"{p}: binary file ({kind}), not a CSV/HTML text; export it to CSV or Parquet first"
        raise UnknownFormatError(msg, param_name="file", received=str(p))


def read_file(
    path: str | Path,
    dataset: str | None = None,
    *,
    format: str | None = None,
    symbol: str | None = None,
    interval: str | None = None,
) -> ParsedFile:
    """Detect (or take) the format of ``path`` and parse it.

    Parameters
    ----------
    path
        CSV (optionally gzipped), Parquet or HTML file.
    dataset
        Only consider formats of this dataset.
    format
        Force this format (its columns are still checked); a ``+parquet`` suffix is accepted.
    symbol, interval
        Price files: the instrument and bar length, when the file name does not say them
        (``interval`` is checked against the timestamp spacing).

    Raises
    ------
    UnknownFormatError
        No format recognises the file, the forced format is unknown, or the file is binary
        (other than Parquet).
    ParseError
        The file does not fit the format; names the file, row and column.
    ValidationError
        A directory, FIFO or device, or a file past the import limits
        (:func:`flowscope.sources._inputs.check_input`).
    """
    p = Path(path)
    if format is not None:
        _load_builtin()
        if format.endswith(PARQUET_SUFFIX):
            format = format.removesuffix(PARQUET_SUFFIX)
        try:
            fmt = _FORMATS[format]
        except KeyError:
            msg = f"unknown format {format!r}; known: {', '.join(sorted(_FORMATS))}"
            raise UnknownFormatError(msg, param_name="format", received=format) from None
        if dataset is not None and fmt.dataset != dataset:
            msg = f"format {format!r} feeds {fmt.dataset!r}, not {dataset!r}"
            raise UnknownFormatError(msg, param_name="format", received=format)
        check_path(p)
        _refuse_binary(p)
        check_text(p)
    else:
        fmt = detect_format(p, dataset)
    options = {k: v for k, v in (("symbol", symbol), ("interval", interval)) if v is not None}
    for key in options:
        if key not in fmt.options:
            msg = f"--{key} does not apply to format {fmt.name!r} (it applies to price files)"
            raise ValidationError(msg, param_name=key, received=options[key])
    try:
        parsed = fmt.parse(p, **options)
    except UnicodeDecodeError as exc:
        msg = f"not UTF-8 text (undecodable byte at offset {exc.start})"
        raise ParseError(msg, path=p) from None
    except (gzip.BadGzipFile, EOFError) as exc:
        msg = f"cannot read file: {exc}"
        raise ParseError(msg, path=p) from None
    except KeyError as exc:
        key = exc.args[0] if exc.args else "?"
        msg = f"column {key!r} not found (format {fmt.name!r} needs it)"
        raise ParseError(msg, path=p, row=1, column=str(key)) from None
    if binary_kind(p) == "Parquet" and not parsed.format.startswith("canonical-"):
        parsed.format += PARQUET_SUFFIX
    return parsed


_loaded = False


def _load_builtin() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        import flowscope.sources.formats  # noqa: F401  (registers the built-in formats)

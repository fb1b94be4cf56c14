"""Bounds on what an import reads: file kind, size, decompressed size, line length, UTF-8.

:func:`check_input` runs before a file is hashed, sniffed or parsed, in one streaming pass
(constant memory), so a directory, a FIFO, a device such as ``/dev/zero``, a gzip that
inflates without end, a line of 50 MB or an undecodable byte ends in one clear message that
names the file, the line (row) or byte offset, and the limit. Standard library only, so the
``import`` command can call it before anything heavy is loaded.
"""

from __future__ import annotations

import codecs
import os
import stat
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, NoReturn

from flowscope.errors import ParseError, ValidationError

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_LINE_BYTES",
    "MAX_TEXT_BYTES",
    "check_input",
    "check_path",
    "check_text",
]

#: Largest file read (on disk), bytes.
MAX_FILE_BYTES = 2 * 1024**3
#: Largest text a file may hold once decompressed, bytes.
MAX_TEXT_BYTES = 1024**3
#: Longest line of a text file, bytes (a real CSV or HTML line is far shorter).
MAX_LINE_BYTES = 4 * 1024**2

_CHUNK = 1024**2
_PARQUET = b"PAR1"


def _mib(n: int) -> str:
    return f"{n / 1024**2:,.0f} MiB"


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def check_input(
    path: str | Path,
    *,
    max_file_bytes: int = MAX_FILE_BYTES,
    max_text_bytes: int = MAX_TEXT_BYTES,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> None:
    """Refuse a file an import must not read, before reading it whole.

    :func:`check_path` then :func:`check_text`.

    Parameters
    ----------
    path
        The file to import (CSV, gzipped CSV, HTML or Parquet).
    max_file_bytes, max_text_bytes, max_line_bytes
        Limits on the size on disk, the decompressed text and one line, in bytes.
    """
    check_path(path, max_file_bytes=max_file_bytes)
    check_text(path, max_text_bytes=max_text_bytes, max_line_bytes=max_line_bytes)


def check_path(path: str | Path, *, max_file_bytes: int = MAX_FILE_BYTES) -> None:
    """Refuse what is not a regular file of bounded size, without reading it.

    Raises
    ------
    FileNotFoundError
        The path does not exist.
    ValidationError
        The path is a directory, FIFO, device or socket, or the file is larger than
        ``max_file_bytes``.
    """
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        msg = f"{p}: no such file"
        raise FileNotFoundError(msg) from None
    except OSError as exc:
        msg = f"{p}: cannot read: {exc.strerror or exc}"
        raise ValidationError(msg, param_name="file", received=str(p)) from None
    kind = _kind(st.st_mode)
    if kind is not None:
        msg = f"{p}: is {kind}, not a file; give the path of a CSV, HTML or Parquet file"
        raise ValidationError(msg, param_name="file", received=str(p))
    if st.st_size > max_file_bytes:
        msg = f"{p}: {_mib(st.st_size)} on disk, over the {_mib(max_file_bytes)} import limit"
        raise ValidationError(msg, param_name="file", received=str(p))


def check_text(
    path: str | Path,
    *,
    max_text_bytes: int = MAX_TEXT_BYTES,
    max_line_bytes: int = MAX_LINE_BYTES,
) -> None:
    """Scan a text file (plain or gzipped) once; Parquet is skipped.

    Raises
    ------
    ParseError
        The text inflates past ``max_text_bytes``, has a line longer than
        ``max_line_bytes`` (row named), is not UTF-8 (row and byte offset named), or is a
        damaged gzip.
    """
    p = Path(path)
    with open(p, "rb") as fh:
        head = fh.read(4)
        fh.seek(0)
        if head == _PARQUET:
            return  # columnar: no lines to bound; pyarrow reads it
        _scan(p, _chunks(p, fh, gz=head[:2] == b"\x1f\x8b"), max_text_bytes, max_line_bytes)


def _chunks(p: Path, fh: BinaryIO, *, gz: bool) -> Iterator[bytes]:
    """The file's text in pieces of at most ``_CHUNK`` bytes (inflated when gzipped)."""
    if not gz:
        while raw := fh.read(_CHUNK):
            yield raw
        return
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        while raw := fh.read(_CHUNK):
            buf = raw
            while buf:
                out = inflate.decompress(buf, _CHUNK)
                if out:
                    yield out
                buf = inflate.unconsumed_tail
                if inflate.eof:
                    buf = inflate.unused_data  # a next gzip member, if any
                    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
                    if not buf.strip(b"\x00"):
                        break
        if tail := inflate.flush():
            yield tail
    except zlib.error as exc:
        msg = f"damaged gzip archive ({exc})"
        raise ParseError(msg, path=p) from None


def _scan(p: Path, chunks: Iterator[bytes], max_text: int, max_line: int) -> None:
    total = 0  # text bytes seen
    line = 1  # 1-based line at the start of the current chunk
    cur = 0  # bytes in the current (unfinished) line
    carry = b""  # an incomplete UTF-8 sequence at a chunk's end
    for data in chunks:
        total += len(data)
        if total > max_text:
            msg = (
                f"holds more than {_mib(max_text)} of text once decompressed (import limit); "
                "split the file"
            )
            raise ParseError(msg, path=p)
        parts = data.split(b"\n")
        lengths = [cur + len(parts[0]), *(len(x) for x in parts[1:-1])]
        longest = max(lengths)
        if longest > max_line or (len(parts) == 1 and lengths[0] > max_line):
            at = line + lengths.index(longest)
            msg = f"line longer than {_mib(max_line)} (import limit): not a CSV or HTML table"
            raise ParseError(msg, path=p, row=at)
        cur = lengths[0] if len(parts) == 1 else len(parts[-1])
        buf = carry + data
        try:
            _, used = codecs.utf_8_decode(buf, "strict", False)
        except UnicodeDecodeError as exc:
            _bad_byte(p, buf, exc.start, line - carry.count(b"\n"), total - len(buf))
        carry = buf[used:]
        line += len(parts) - 1
    if carry:
        _bad_byte(p, carry, 0, line, total - len(carry))


def _bad_byte(p: Path, buf: bytes, at: int, line: int, base: int) -> NoReturn:
    row = line + buf[:at].count(b"\n")
    msg = (
        f"not UTF-8 text: byte 0x{buf[at]:02x} at byte offset {base + at:,} cannot be "
        "decoded; save the file as UTF-8"
    )
    raise ParseError(msg, path=p, row=row)

"""Bounded inputs: file kinds, decompressed size, line length and UTF-8, named in one line."""

from __future__ import annotations

import gzip
import os
import re
import tracemalloc
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flowscope.cli import app
from flowscope.errors import ParseError, ValidationError
from flowscope.sources import read_file
from flowscope.sources._inputs import check_input

FRED = "macro/fred_riskdivergence/BAMLH0A0HYM2.csv"
FARSIDE = "etf_flows/moltovy_farside_btc_etf_flows_daily.csv"
runner = CliRunner()


def test_real_files_plain_and_gzipped_pass(shared_data: Path, tmp_path: Path) -> None:
    src = shared_data / FARSIDE
    check_input(src)
    gz = tmp_path / "farside.csv.gz"
    gz.write_bytes(gzip.compress(src.read_bytes()))
    check_input(gz)
    # Two gzip members (what `cat a.gz b.gz` makes) are one text.
    two = tmp_path / "two.csv.gz"
    half = len(src.read_bytes()) // 2
    two.write_bytes(gzip.compress(src.read_bytes()[:half]) + gzip.compress(src.read_bytes()[half:]))
    check_input(two)


def test_gzip_bomb_stops_at_the_limit_in_bounded_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.csv.gz"
    with gzip.open(bomb, "wb") as fh:
        fh.write(b"date,value\n")
        for _ in range(64):
            fh.write(b"2020-01-01,1\n" * 80_000)  # ~1 MiB of short lines each
    assert bomb.stat().st_size < 200_000  # 64 MiB of text in a small file
    tracemalloc.start()
    try:
        with pytest.raises(ParseError, match=r"more than 16 MiB of text once decompressed"):
            check_input(bomb, max_text_bytes=16 * 1024**2)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * 1024**2  # streamed in 1 MiB pieces, never held whole
    check_input(bomb)  # 64 MiB of text is within the default limit


def test_long_line_names_its_row(shared_data: Path, tmp_path: Path) -> None:
    lines = (shared_data / FRED).read_text().splitlines()
    lines[4] = lines[4] + "9" * 3_000_000
    f = tmp_path / "long.csv"
    f.write_text("\n".join(lines) + "\n")
    with pytest.raises(ParseError) as exc:
        check_input(f, max_line_bytes=1024**2)
    assert exc.value.row == 5
    assert "line longer than 1 MiB (import limit)" in str(exc.value)


def test_undecodable_byte_names_row_and_offset(shared_data: Path, tmp_path: Path) -> None:
    raw = (shared_data / FRED).read_bytes()
    lines = raw.split(b"\n")
    lines[6] = lines[6].replace(b",", b",\xe9", 1)
    f = tmp_path / "latin.csv"
    f.write_bytes(b"\n".join(lines))
    offset = sum(len(x) + 1 for x in lines[:6]) + lines[6].index(b"\xe9")
    with pytest.raises(ParseError) as exc:
        check_input(f)
    assert exc.value.row == 7
    assert f"byte 0xe9 at byte offset {offset:,}" in str(exc.value)


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda d: d, "a directory"),
        (lambda d: Path("/dev/zero"), "a character device"),
        (lambda d: (os.mkfifo(d / "fifo"), d / "fifo")[1], "a named pipe (FIFO)"),
    ],
)
def test_non_files_are_named(tmp_path: Path, make: object, kind: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(ValidationError, match=re.escape(f"is {kind}, not a file")):
        read_file(path, "rates")


def test_cli_refuses_device_and_bomb_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    res = runner.invoke(app, ["--db", str(db), "import", "rates", "/dev/zero"])
    assert res.exit_code == 1
    assert "/dev/zero: is a character device" in res.stderr
    bomb = tmp_path / "zeros.csv.gz"
    with gzip.open(bomb, "wb") as fh:
        fh.write(b"date,value\n" + b"0" * (8 * 1024**2))
    res = runner.invoke(app, ["--db", str(db), "import", "rates", str(bomb)])
    assert res.exit_code == 1
    assert "row 2: line longer than 4 MiB" in res.stderr
    assert len(res.stderr) < 400


def test_huge_cell_is_cut_in_the_message(shared_data: Path, tmp_path: Path) -> None:
    lines = (shared_data / FRED).read_text().splitlines()
    lines[3] = lines[3].split(",")[0] + "," + "x" * 3_000_000
    f = tmp_path / "cell.csv"
    f.write_text("\n".join(lines) + "\n")
    db = tmp_path / "s.duckdb"
    res = runner.invoke(app, ["--db", str(db), "import", "rates", str(f)])
    assert "characters)" in res.output
    assert len(res.output) < 5_000
    assert "Traceback" not in res.output

"""File formats for FOMC texts (dataset ``fomc_docs``).

* ``fomc-communications-csv`` — ``Date,Release Date,Type,Text`` (the fed-statement-scraping
  ``communications.csv`` files: statements and minutes 2019 → 2026). Their text went through
  one wrong Latin-1 decoding (``â\\x80\\x94`` for an em dash …) while other characters in the
  same rows are correct, so only the damaged sequences are repaired
  (:func:`repair_mojibake`). "Scheduled Meeting" rows carry no text and are set aside.
* ``fomc-statement-txt`` — one policy statement or implementation note per file,
  ``statements/YYYYMMDD.txt`` or ``implementation_notes/YYYYMMDD.txt`` (fomc/statements
  collection, 1994 → 2016); the file date is the meeting (release) date.
* ``fomc-minutes-txt`` — one minutes text per file in a folder whose name contains
  ``minutes`` (``tdw_meeting_minutes_txt/YYYYMMDD.txt``, 1996 → 2024-09). The file date
  follows the Fed's URL naming (the start date of older two-day meetings); when the
  collection's ``master_mm_final*.xlsx`` (columns ``StartDate, EndDate, ReleaseDate, Url``)
  sits in a sibling ``tdw_master_files`` folder, meeting end and release dates come from it.
* ``fomc-extracted-txt`` — ``extracted_fomc_{minutes|statement}_[meeting-]YYYY-MM-DD
  [_released-YYYY-MM-DD].txt``: one text, dates in the name.

:func:`read_fomc_text_folder` imports a whole folder of such ``.txt`` files at once.

Release times: the collections give release *dates* only, so ``release_ts`` is that date at
00:00 UTC (the ``fomc_docs`` convention for an unknown time).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from flowscope.errors import ParseError
from flowscope.sources._files import FileFormat, ParsedFile, RowIssue, register_format

__all__ = ["read_fomc_text_folder", "read_tdw_lookahead", "read_tdw_splits", "repair_mojibake"]

_MOJIBAKE = re.compile(
    "[\u00c2-\u00df][\u0080-\u00bf]|[\u00e0-\u00ef][\u0080-\u00bf]{2}|[\u00f0-\u00f4][\u0080-\u00bf]{3}"
)
_C1 = re.compile("[\u0080-\u009f]")
_DATE_NAME = re.compile(r"^(\d{8})\.txt$")
_ODD_NAME = re.compile(r"^(\d{8})\.[a-z]{1,3}$")
_EXTRACTED = re.compile(
    r"^extracted_fomc_(minutes|statement)_(?:meeting-)?(\d{4}-\d{2}-\d{2})"
    r"(?:_released-(\d{4}-\d{2}-\d{2}))?\.txt$"
)
_COMM_HEADER = ("Date", "Release Date", "Type", "Text")
_COMM_KINDS = {"statement": "statement", "minute": "minutes", "minutes": "minutes"}
_TITLES = {
    "statement": "FOMC statement",
    "minutes": "Minutes of the Federal Open Market Committee",
    "implementation_note": "Implementation Note",
}


def _one(m: re.Match[str]) -> str:
    try:
        return m.group(0).encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return m.group(0)


def _c1(m: re.Match[str]) -> str:
    try:
        return bytes([ord(m.group(0))]).decode("cp1252")
    except UnicodeDecodeError:
        return m.group(0)


def repair_mojibake(text: str) -> str:
    """Undo a single UTF-8-read-as-Latin-1 decoding, sequence by sequence.

    Only runs of characters that form a valid UTF-8 byte sequence when encoded as Latin-1
    are replaced (``"28â\\x80\\x9329"`` → ``"28–29"``); correct Latin-1-range characters
    next to them (NBSP, soft hyphen, ø, ó) are kept. Left-over C1 control characters
    (U+0080..U+009F, e.g. a stray cp1252 apostrophe U+0092) become their cp1252 character.
    The repair is idempotent on clean text.
    """
    return _C1.sub(_c1, _MOJIBAKE.sub(_one, text))


def _doc_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["meeting_date", "kind", "release_ts", "title", "url", "text"])
    df["meeting_date"] = pd.to_datetime(df["meeting_date"])
    df["release_ts"] = pd.to_datetime(df["release_ts"]).dt.tz_localize("UTC")
    return df


# --- communications CSV ------------------------------------------------------------------
def _sniff_comm(path: Path, head: str) -> bool:
    first = head.splitlines()[0] if head else ""
    return tuple(c.strip() for c in first.split(",")) == _COMM_HEADER


def _parse_comm(path: Path) -> ParsedFile:
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except ValueError as exc:
        msg = f"not a readable CSV: {exc}"
        raise ParseError(msg, path=path) from exc
    missing = [c for c in _COMM_HEADER if c not in raw.columns]
    if missing:
        msg = f"missing column(s) {missing}"
        raise ParseError(msg, path=path, expected=", ".join(_COMM_HEADER))
    issues: list[RowIssue] = []
    rows: list[dict[str, object]] = []
    for i, rec in enumerate(raw.itertuples(index=False)):
        row = i + 2
        date_s, rel_s, type_s, text = (str(v) for v in rec[:4])
        kind = _COMM_KINDS.get(type_s.strip().lower())
        if kind is None:
            if text.strip() in {"", "None"}:
                issues.append(RowIssue(row, f"{type_s!r} row without text", date_s))
                continue
            msg = f"unknown document type {type_s!r}"
            raise ParseError(msg, path=path, row=row, column="Type", expected="Statement or Minute")
        for col, val in (("Date", date_s), ("Release Date", rel_s)):
            if pd.isna(pd.to_datetime(val, format="%Y-%m-%d", errors="coerce")):
                msg = "not a date"
                raise ParseError(
                    msg, path=path, row=row, column=col, expected="YYYY-MM-DD", received=val
                )
        if text.strip() in {"", "None"}:
            issues.append(RowIssue(row, f"{type_s} without text", date_s))
            continue
        rows.append(
            {
                "meeting_date": date_s,
                "kind": kind,
                "release_ts": rel_s,
                "title": f"{_TITLES[kind]}, {date_s}",
                "url": None,
                "text": repair_mojibake(text.replace("\r\n", "\n")),
            }
        )
    if not rows:
        msg = "no statement or minutes text found"
        raise ParseError(msg, path=path)
    frame = _doc_frame(rows)
    dup = frame.duplicated(["kind", "meeting_date"], keep=False)
    if dup.any():
        first = frame.loc[dup, ["kind", "meeting_date"]].iloc[0]
        msg = f"two {first['kind']} texts for meeting {first['meeting_date']:%Y-%m-%d}"
        raise ParseError(msg, path=path, column="Date")
    return ParsedFile(
        "fomc_docs", frame, "fed_communications", "fomc-communications-csv", str(path), issues
    )


# --- one text per file ---------------------------------------------------------------------
def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        msg = f"cannot read: {exc}"
        raise ParseError(msg, path=path) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    text = repair_mojibake(text.lstrip("\ufeff").replace("\r\n", "\n"))
    if not text.strip():
        msg = "empty text file"
        raise ParseError(msg, path=path)
    return text


def _file_date(path: Path) -> pd.Timestamp:
    m = _DATE_NAME.match(path.name) or _ODD_NAME.match(path.name)
    if not m:
        msg = "file name is not YYYYMMDD.txt"
        raise ParseError(msg, path=path, expected="YYYYMMDD.txt", received=path.name)
    ts = pd.to_datetime(m.group(1), format="%Y%m%d", errors="coerce")
    if pd.isna(ts):
        msg = "file name is not a valid date"
        raise ParseError(msg, path=path, expected="YYYYMMDD.txt", received=path.name)
    return pd.Timestamp(ts)


def _statement_kind(path: Path) -> str | None:
    parent = path.parent.name.lower()
    if "implementation" in parent:
        return "implementation_note"
    if "statement" in parent:
        return "statement"
    return None


def _sniff_statement(path: Path, head: str) -> bool:
    return bool(_DATE_NAME.match(path.name)) and _statement_kind(path) is not None


def _parse_statement(path: Path) -> ParsedFile:
    kind = _statement_kind(path) or "statement"
    date = _file_date(path)
    text = _read_text(path)
    frame = _doc_frame(
        [
            {
                "meeting_date": date,
                "kind": kind,
                "release_ts": date,
                "title": f"{_TITLES[kind]}, {date:%Y-%m-%d}",
                "url": None,
                "text": text,
            }
        ]
    )
    return ParsedFile("fomc_docs", frame, "fomc_statements", "fomc-statement-txt", str(path))


def _sniff_minutes(path: Path, head: str) -> bool:
    return bool(_DATE_NAME.match(path.name)) and "minutes" in path.parent.name.lower()


def _master_dates(folder: Path) -> pd.DataFrame | None:
    """``file_date, meeting_date, release_date`` from a sibling master_mm_final*.xlsx."""
    masters = sorted((folder.parent / "tdw_master_files").glob("master_mm_final*.xlsx"))
    if not masters:
        return None
    best = max(masters, key=lambda p: p.stat().st_size)
    try:
        m = pd.read_excel(best, dtype={"StartDate": str, "EndDate": str, "Url": str})
    except (ValueError, OSError) as exc:
        msg = f"cannot read the minutes master file: {exc}"
        raise ParseError(msg, path=best) from exc
    need = ["EndDate", "ReleaseDate", "Url"]
    if any(c not in m.columns for c in need):
        msg = "missing column(s)"
        raise ParseError(msg, path=best, expected=", ".join(need))
    file_date = pd.to_datetime(
        m["Url"].str.extract(r"(\d{8})\.htm", expand=False), format="%Y%m%d", errors="coerce"
    )
    end = pd.to_datetime(
        m["EndDate"].str.replace(r"^(\w{3})\w*/", r"\1/", regex=True),
        format="%b/%d/%Y",
        errors="coerce",
    )
    return pd.DataFrame(
        {
            "file_date": file_date,
            "meeting_date": end,
            "release_date": pd.to_datetime(m["ReleaseDate"]),
        }
    ).dropna(subset=["file_date"])


def _minutes_rows(paths: list[Path], issues: list[RowIssue]) -> list[dict[str, object]]:
    if not paths:
        return []
    master = _master_dates(paths[0].parent)
    lookup = master.set_index("file_date") if master is not None else None
    if lookup is None:
        issues.append(
            RowIssue(
                None,
                "no master_mm_final*.xlsx beside the folder: the file date is used as "
                "meeting date (older files name the first day of two-day meetings) and "
                "release dates are unknown",
            )
        )
    rows: list[dict[str, object]] = []
    for path in paths:
        date = _file_date(path)
        meeting, release = date, pd.NaT
        if lookup is not None and date in lookup.index:
            hit = lookup.loc[date]
            if isinstance(hit, pd.DataFrame):
                hit = hit.iloc[0]
            meeting = hit["meeting_date"] if pd.notna(hit["meeting_date"]) else date
            release = hit["release_date"]
        elif lookup is not None:
            issues.append(
                RowIssue(
                    None,
                    "not in the master file: release date unknown",
                    f"{date:%Y-%m-%d}",
                    path.name,
                )
            )
        rows.append(
            {
                "meeting_date": meeting,
                "kind": "minutes",
                "release_ts": release,
                "title": f"{_TITLES['minutes']}, {pd.Timestamp(meeting):%Y-%m-%d}",
                "url": None,
                "text": _read_text(path),
            }
        )
    return rows


def _parse_minutes(path: Path) -> ParsedFile:
    issues: list[RowIssue] = []
    frame = _doc_frame(_minutes_rows([path], issues))
    return ParsedFile("fomc_docs", frame, "tdw", "fomc-minutes-txt", str(path), issues)


def _sniff_extracted(path: Path, head: str) -> bool:
    return bool(_EXTRACTED.match(path.name))


def _parse_extracted(path: Path) -> ParsedFile:
    m = _EXTRACTED.match(path.name)
    if m is None:
        msg = "file name does not follow extracted_fomc_<kind>_<date>[_released-<date>].txt"
        raise ParseError(msg, path=path)
    kind = "minutes" if m.group(1) == "minutes" else "statement"
    meeting = pd.Timestamp(m.group(2))
    release = (
        pd.Timestamp(m.group(3)) if m.group(3) else (meeting if kind == "statement" else pd.NaT)
    )
    frame = _doc_frame(
        [
            {
                "meeting_date": meeting,
                "kind": kind,
                "release_ts": release,
                "title": f"{_TITLES[kind]}, {meeting:%Y-%m-%d}",
                "url": None,
                "text": _read_text(path),
            }
        ]
    )
    return ParsedFile("fomc_docs", frame, "fed_communications", "fomc-extracted-txt", str(path))


def read_fomc_text_folder(path: str | Path) -> ParsedFile:
    """Parse every ``YYYYMMDD.txt`` text of a collection folder into one ``fomc_docs`` frame.

    Parameters
    ----------
    path
        A statements collection folder (``fomc_statements_1994_2016``, or its ``statements``
        / ``implementation_notes`` subfolders) or a minutes folder (name containing
        ``minutes``).

    Raises
    ------
    ParseError
        If the folder holds no such text, or a file is empty / misnamed.
    """
    folder = Path(path)
    if not folder.is_dir():
        msg = f"{folder}: not a folder"
        raise FileNotFoundError(msg)
    issues: list[RowIssue] = []
    if "minutes" in folder.name.lower():
        paths = sorted(p for p in folder.iterdir() if _DATE_NAME.match(p.name))
        frame = _doc_frame(_minutes_rows(paths, issues))
        source, fmt = "tdw", "fomc-minutes-txt"
    else:
        subdirs = [folder] + [d for d in sorted(folder.iterdir()) if d.is_dir()]
        rows: list[dict[str, object]] = []
        for d in subdirs:
            if _statement_kind(d / "x.txt") is None:
                continue
            for p in sorted(d.iterdir()):
                if _sniff_statement(p, ""):
                    rows.extend(_parse_statement(p).frame.to_dict("records"))
                elif _ODD_NAME.match(p.name):
                    # e.g. "20080916.xt" in the fomc/statements collection: a typo'd suffix
                    issues.append(
                        RowIssue(None, "file name is not YYYYMMDD.txt; imported", None, p.name)
                    )
                    rows.extend(_parse_statement(p).frame.to_dict("records"))
        frame = pd.DataFrame(rows) if rows else _doc_frame([])
        source, fmt = "fomc_statements", "fomc-statement-txt"
    if frame.empty:
        msg = "no YYYYMMDD.txt statement or minutes texts found"
        raise ParseError(msg, path=folder)
    return ParsedFile("fomc_docs", frame.reset_index(drop=True), source, fmt, str(folder), issues)


_TDW_XLSX = re.compile(r"^lab-manual-(.+)-(train|test)-(\d+)\.xlsx$")


def read_tdw_splits(path: str | Path) -> pd.DataFrame:
    """Read the Trillion Dollar Words labelled train/test splits (CC BY-NC 4.0 data).

    Parameters
    ----------
    path
        ``tdw_splits_long.csv`` (columns ``dataset, partition, seed, sentence, label`` …),
        a folder holding it, or a folder with ``training_data/`` and ``test_data/``
        subfolders of ``lab-manual-<dataset>-<train|test>-<seed>.xlsx`` files (searched
        also under ``tdw_train_test_splits/``).

    Returns
    -------
    DataFrame
        ``dataset, partition ('train'|'test'), seed, sentence, label (0 dovish, 1 hawkish,
        2 neutral)``.

    Raises
    ------
    FileNotFoundError
        If no split file is found.
    ParseError
        On a missing column or a label outside 0/1/2 (file and row named).
    """
    p = Path(path)
    cols = ["dataset", "partition", "seed", "sentence", "label"]
    if p.is_dir():
        long = p / "tdw_splits_long.csv"
        if long.is_file():
            p = long
        else:
            base = p / "tdw_train_test_splits" if (p / "tdw_train_test_splits").is_dir() else p
            files = sorted(base.glob("*_data/lab-manual-*.xlsx"))
            if not files:
                msg = f"{path}: no tdw_splits_long.csv and no */lab-manual-*.xlsx split files"
                raise FileNotFoundError(msg)
            parts = []
            for f in files:
                m = _TDW_XLSX.match(f.name)
                if m is None:
                    continue
                parts.append(_split_xlsx(f, m.group(1), m.group(2), int(m.group(3))))
            df = pd.concat(parts, ignore_index=True)
            return _check_labels(df, cols)
    if not p.is_file():
        msg = f"{p}: no such file"
        raise FileNotFoundError(msg)
    df = pd.read_csv(p)
    missing = [c for c in cols if c not in df.columns]
    if missing:
        msg = f"missing column(s) {missing}"
        raise ParseError(msg, path=p, expected=", ".join(cols))
    df = df.assign(_file=p.name, _row=np.arange(2, len(df) + 2))
    return _check_labels(df, cols)


def read_tdw_lookahead(path: str | Path) -> pd.DataFrame:
    """Read the TDW temporal split (train 1996-2019, test 2020-2022) as dataset ``lookahead``.

    Parameters
    ----------
    path
        A folder holding ``tdw_look_ahead_bias/`` (or that folder itself) with
        ``1996-2019-train.xlsx`` and ``2020-2022-test.xlsx``.

    Returns
    -------
    DataFrame
        ``dataset ('lookahead'), partition, seed (0), sentence, label``.
    """
    p = Path(path)
    base = p / "tdw_look_ahead_bias" if (p / "tdw_look_ahead_bias").is_dir() else p
    cols = ["dataset", "partition", "seed", "sentence", "label"]
    parts = []
    for name, part in (("1996-2019-train.xlsx", "train"), ("2020-2022-test.xlsx", "test")):
        f = base / name
        if not f.is_file():
            msg = f"{f}: no such file (the lookahead dataset needs tdw_look_ahead_bias/)"
            raise FileNotFoundError(msg)
        parts.append(_split_xlsx(f, "lookahead", part, 0))
    return _check_labels(pd.concat(parts, ignore_index=True), cols)


def _split_xlsx(f: Path, dataset: str, partition: str, seed: int) -> pd.DataFrame:
    """One labelled split file (``sentence``, ``label`` columns) with its file and row
    (spreadsheet row: header is row 1) kept for error messages."""
    x = pd.read_excel(f)
    if not {"sentence", "label"}.issubset(x.columns):
        msg = "missing column(s) sentence/label"
        raise ParseError(msg, path=f, expected="sentence, year, label")
    return pd.DataFrame(
        {
            "dataset": dataset,
            "partition": partition,
            "seed": seed,
            "sentence": x["sentence"].astype(str),
            "label": x["label"],
            "_file": f.name,
            "_row": np.arange(2, len(x) + 2),
        }
    )


def _check_labels(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    lab = pd.to_numeric(df["label"], errors="coerce")
    bad = ~lab.isin([0, 1, 2])
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        msg = "label must be 0 (dovish), 1 (hawkish) or 2 (neutral)"
        raise ParseError(
            msg,
            path=df["_file"].iloc[i],
            row=int(df["_row"].iloc[i]),
            column="label",
            received=df["label"].iloc[i],
        )
    df = df.assign(label=lab.astype(int))
    return df[cols].reset_index(drop=True)


register_format(
    FileFormat(
        "fomc-communications-csv",
        "fomc_docs",
        "Date,Release Date,Type,Text CSV of FOMC statements and minutes (dash encoding repaired)",
        _sniff_comm,
        _parse_comm,
    )
)
register_format(
    FileFormat(
        "fomc-statement-txt",
        "fomc_docs",
        "statements/YYYYMMDD.txt or implementation_notes/YYYYMMDD.txt (one text per file)",
        _sniff_statement,
        _parse_statement,
    )
)
register_format(
    FileFormat(
        "fomc-minutes-txt",
        "fomc_docs",
        "<…minutes…>/YYYYMMDD.txt: one minutes text per file",
        _sniff_minutes,
        _parse_minutes,
    )
)
register_format(
    FileFormat(
        "fomc-extracted-txt",
        "fomc_docs",
        "extracted_fomc_<minutes|statement>_<meeting>[_released-<date>].txt",
        _sniff_extracted,
        _parse_extracted,
    )
)

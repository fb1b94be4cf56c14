"""Canonical files: CSV or Parquet whose columns are already a dataset's canonical columns.

Such files come from ``flowscope … --format csv`` exports, from ``Store.read(...).to_parquet()``, or
from users who map their own data to flowscope's columns. A file qualifies for dataset *D* when it
has *D*'s key columns, and every other column is one of *D*'s canonical columns. Without a
``source`` column the rows are stored with source ``"file"`` (``--source`` overrides).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from flowscope.errors import ParseError
from flowscope.schemas import DATASETS, DatasetSpec
from flowscope.sources._files import FileFormat, ParsedFile, register_format
from flowscope.sources._parsing import read_csv_text, strict_dates, strict_numeric

__all__: list[str] = []

_NUMERIC = {"DOUBLE", "INTEGER", "BIGINT"}


def _columns(head: str) -> list[str] | None:
    # ``head`` is the CSV text, or the CSV rendering of a Parquet file's first rows
    first = head.splitlines()[0] if head else ""
    return [c.strip().strip('"') for c in first.split(",")] if first else None


def _fits(spec: DatasetSpec, cols: list[str] | None) -> bool:
    if not cols:
        return False
    names = set(spec.column_names)
    return set(spec.key) <= set(cols) and set(cols) <= names


def _coerce(spec: DatasetSpec, df: pd.DataFrame, path: Path) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if col in ("source",):
            continue
        sql_type = "TIMESTAMPTZ" if col == "ts_ingested" else spec.column(col).sql_type
        if sql_type in _NUMERIC:
            out[col] = strict_numeric(out, col, path=path, required=col in spec.key)
        elif sql_type == "DATE":
            out[col] = strict_dates(out, col, path=path)
        elif sql_type == "TIMESTAMPTZ":
            out[col] = strict_dates(out, col, path=path, utc=True)
        elif sql_type == "BOOLEAN":
            out[col] = out[col].str.lower().map({"true": True, "false": False, "": None})
    return out


def _register(spec: DatasetSpec) -> None:
    name = f"canonical-{spec.name.replace('_', '-')}"

    def sniff(_path: Path, head: str) -> bool:
        return _fits(spec, _columns(head))

    def parse(path: Path) -> ParsedFile:
        # Parquet is read as the string cells of its CSV export, then parsed the same way.
        df = read_csv_text(path)
        if not _fits(spec, list(df.columns)):
            cols = [str(c) for c in df.columns]
            missing = [c for c in spec.key if c not in cols]
            extra = [c for c in cols if c not in spec.column_names]
            raise ParseError(
                "columns do not match the dataset"
                + (f" (missing {missing})" if missing else "")
                + (f" (not canonical: {extra})" if extra else ""),
                path=path,
                row=1,
                column=next(iter(missing or extra), None),
                expected=f"key {list(spec.key)} and only canonical columns {list(spec.column_names)}",
                received=",".join(cols),
            )
        df = _coerce(spec, df, path)
        source = "file"
        if "source" in df.columns:
            sources = df["source"].dropna().unique().tolist()
            if len(sources) == 1:
                source = sources[0]
                df = df.drop(columns="source")
            else:  # several sources: each row keeps its own
                source = ""
        return ParsedFile(spec.name, df.reset_index(drop=True), source, name, str(path))

    register_format(
        FileFormat(
            name,
            spec.name,
            f"{spec.name} in canonical columns (CSV or Parquet)",
            sniff,
            parse,
        )
    )


for _spec in list(DATASETS.values()):
    _register(_spec)

"""Canonical files: CSV or Parquet whose columns are already a dataset's canonical columns.

Such files come from ``flowscope … --format csv`` exports, from ``Store.read(...).to_parquet()``, or
from users who map their own data to flowscope's columns. A file qualifies for dataset *D* when it
has *D*'s key columns, and every other column is one of *D*'s canonical columns. Without a
``source`` column the rows are stored with source ``"file"`` (``--source`` overrides).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from flowscope.errors import ParseError
from flowscope.schemas import DATASETS, DatasetSpec
from flowscope.sources._files import FileFormat, ParsedFile, register_format
from flowscope.sources._parsing import read_csv_text, strict_dates, strict_numeric

__all__: list[str] = []

_NUMERIC = {"DOUBLE", "INTEGER", "BIGINT"}


def _columns(path: Path, head: str) -> list[str] | None:
    if path.suffix.lower() == ".parquet":
        try:
            return list(pq.read_schema(path).names)
        except (OSError, ValueError):
            return None
    first = head.splitlines()[0] if head else ""
    return [c.strip().strip('"') for c in first.split(",")] if first else None


def _fits(spec: DatasetSpec, cols: list[str] | None) -> bool:
    if not cols:
        return False
    names = set(spec.column_names)
    return set(spec.key) <= set(cols) and set(cols) <= names


def _coerce(spec: DatasetSpec, df: pd.DataFrame, path: Path, from_text: bool) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        if col in ("source",):
            continue
        sql_type = "TIMESTAMPTZ" if col == "ts_ingested" else spec.column(col).sql_type
        if from_text:
            if sql_type in _NUMERIC:
                out[col] = strict_numeric(out, col, path=path, required=col in spec.key)
            elif sql_type == "DATE":
                out[col] = strict_dates(out, col, path=path)
            elif sql_type == "TIMESTAMPTZ":
                out[col] = strict_dates(out, col, path=path, utc=True)
            elif sql_type == "BOOLEAN":
                out[col] = out[col].str.lower().map({"true": True, "false": False, "": None})
        elif sql_type == "TIMESTAMPTZ" and not isinstance(out[col].dtype, pd.DatetimeTZDtype):
            out[col] = pd.to_datetime(out[col], utc=True)
    return out


def _register(spec: DatasetSpec) -> None:
    name = f"canonical-{spec.name.replace('_', '-')}"

    def sniff(path: Path, head: str) -> bool:
        return _fits(spec, _columns(path, head))

    def parse(path: Path) -> ParsedFile:
        if path.suffix.lower() == ".parquet":
            try:
                df = pd.read_parquet(path)
            except (OSError, ValueError) as exc:
                reason = f"cannot read Parquet: {exc}"
                raise ParseError(reason, path=path) from exc
            df = _coerce(spec, df, path, from_text=False)
        else:
            df = _coerce(spec, read_csv_text(path), path, from_text=True)
        if not _fits(spec, list(df.columns)):
            raise ParseError(
                "columns do not match the dataset",
                path=path,
                row=1,
                expected=f"key {list(spec.key)} and only canonical columns {list(spec.column_names)}",
                received=list(df.columns),
            )
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

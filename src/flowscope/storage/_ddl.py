"""DDL helpers: the SQL a dataset spec implies (used to write migrations and to check them)."""

from __future__ import annotations

from flowscope.schemas import DatasetSpec

__all__ = ["create_table_sql"]


def _columns_sql(spec: DatasetSpec) -> list[str]:
    cols = [f"    {c.name} {c.sql_type}{'' if c.nullable else ' NOT NULL'}" for c in spec.columns]
    cols.append("    source VARCHAR NOT NULL")
    cols.append("    ts_ingested TIMESTAMPTZ NOT NULL")
    return cols


def create_table_sql(spec: DatasetSpec) -> str:
    """Return ``CREATE TABLE`` statements for ``spec`` (and its revisions table)."""
    cols = _columns_sql(spec)
    key = ", ".join(spec.store_key)
    out = f"CREATE TABLE {spec.name} (\n" + ",\n".join(cols) + f",\n    PRIMARY KEY ({key})\n);\n"
    if spec.track_revisions:
        rcols = [c.replace(" NOT NULL", "") for c in cols]
        rcols.append("    ts_superseded TIMESTAMPTZ NOT NULL")
        out += f"CREATE TABLE {spec.name}__revisions (\n" + ",\n".join(rcols) + "\n);\n"
    return out

"""Canonical dataset specification: columns, keys, units and time zone, declared once."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Column", "DatasetSpec"]

#: Columns every dataset carries (provenance).
PROVENANCE = ("source", "ts_ingested")


@dataclass(frozen=True)
class Column:
    """One canonical column.

    Attributes
    ----------
    name
        Lower snake_case column name.
    sql_type
        DuckDB type (``DATE``, ``TIMESTAMPTZ``, ``DOUBLE``, ``VARCHAR``, ``BIGINT``, ``BOOLEAN``).
    unit
        Unit of the values (``USD``, ``%``, ``bp``, ``BTC``, ``UTC date`` …) or ``""``.
    description
        One line, reused by the CLI help and report tooltips.
    nullable
        Whether the value may be missing.
    """

    name: str
    sql_type: str
    unit: str = ""
    description: str = ""
    nullable: bool = True


@dataclass(frozen=True)
class DatasetSpec:
    """A canonical dataset held in the store.

    Attributes
    ----------
    name
        Table name (snake_case noun).
    columns
        Data columns, *excluding* ``source`` and ``ts_ingested`` (added to every dataset).
    key
        Columns that identify a row, *excluding* ``source``: each source keeps its own copy
        of a row, and the store's key is ``key + ("source",)``.
    time_column
        Column used for date ranges, coverage and gap detection.
    group_column
        Column that splits the dataset into series for coverage (``fund``, ``symbol`` …).
    track_revisions
        When a re-import changes the values of an existing key, keep the superseded row in
        ``<name>__revisions`` (with ``ts_superseded``) instead of discarding it.
    description
        One line for ``flowscope status`` and docs.
    source_preference
        Sources in order of trust, most trusted first. When several sources hold the same
        key, readers that ask for one row per key keep the most trusted source's row;
        sources not listed come after the listed ones, alphabetically. Overridable per
        dataset in the settings (``source_preference``).
    """

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    time_column: str
    group_column: str | None = None
    track_revisions: bool = False
    description: str = ""
    source_preference: tuple[str, ...] = ()
    _by_name: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {c.name: c for c in self.columns})
        missing = [k for k in (*self.key, self.time_column) if k not in self._by_name]
        if missing:
            msg = f"dataset {self.name!r}: key/time columns {missing} are not declared columns"
            raise ValueError(msg)

    @property
    def column_names(self) -> tuple[str, ...]:
        """Data column names followed by ``source`` and ``ts_ingested``."""
        return (*(c.name for c in self.columns), *PROVENANCE)

    @property
    def store_key(self) -> tuple[str, ...]:
        """Primary key in the store: ``key + ("source",)``."""
        return (*self.key, "source")

    @property
    def value_columns(self) -> tuple[str, ...]:
        """Data columns that are not part of the key (compared on re-import)."""
        return tuple(c.name for c in self.columns if c.name not in self.key)

    def column(self, name: str) -> Column:
        """Return the :class:`Column` called ``name``."""
        return self._by_name[name]

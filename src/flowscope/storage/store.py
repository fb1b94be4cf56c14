"""The flowscope store: one embedded DuckDB file holding every canonical dataset.

Writes are idempotent upserts inside one transaction: importing the same rows twice changes
nothing (not even ``ts_ingested``), a row whose values changed is replaced (and, for datasets
that track revisions, the superseded row is kept in ``<dataset>__revisions``), and a batch
that fails half-way leaves the store exactly as before.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.resources
import json
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import duckdb
import numpy as np
import pandas as pd

from flowscope._typing import DateLike
from flowscope.errors import (
    MigrationError,
    StorageError,
    ValidationError,
)
from flowscope.schemas import DATASETS, DatasetSpec, get_dataset
from flowscope.storage._files import FileFingerprint, files_in_force
from flowscope.storage._lock import StoreLock, busy_message, holder
from flowscope.storage._records import discard_record, write_record

__all__ = ["OPEN_WAIT_S", "Store", "UpsertResult", "open_store"]

#: How long an open retries when another process holds DuckDB's file lock, seconds.
OPEN_WAIT_S = 2.0

_MIGRATION_RE = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
Calendar = Literal["XNYS", "24/7"]


@dataclass(frozen=True)
class UpsertResult:
    """What an upsert did: rows ``inserted`` (new keys), ``updated`` (values changed) and
    ``unchanged`` (identical rows already held)."""

    dataset: str
    source: str
    inserted: int
    updated: int
    unchanged: int

    @property
    def rows(self) -> int:
        """Rows offered to the store."""
        return self.inserted + self.updated + self.unchanged


def _utc_now() -> pd.Timestamp:
    return pd.Timestamp.now(tz="UTC")


def _to_date(value: DateLike) -> dt.date:
    ts = pd.Timestamp(value)
    return dt.date(ts.year, ts.month, ts.day)


def _is_lock_error(exc: duckdb.Error) -> bool:
    return isinstance(exc, duckdb.IOException) and "lock" in str(exc).lower()


def _open_error(
    path: str | Path, read_only: bool, exc: duckdb.Error, waited_s: float | None = None
) -> StorageError:
    """One line for a failed open; a lock held by another process is said plainly.

    Never DuckDB's own text (which advises flags flowscope does not have): the holder named
    in the writers' lock sidecar if there is one, else "another flowscope process".
    """
    if _is_lock_error(exc):
        who = holder(Path(path)) if isinstance(path, Path) else None
        if read_only or who is not None:
            msg = busy_message(path, who, waited_s)
        else:
            msg = (
                f"the store {path} is open in another flowscope process; try again when it finishes"
            )
        return StorageError(msg)
    return StorageError(f"cannot open store {path}: {exc}")


def _migrations() -> list[tuple[int, str, str]]:
    pkg = importlib.resources.files("flowscope.storage") / "migrations"
    out = []
    for entry in pkg.iterdir():
        m = _MIGRATION_RE.match(entry.name)
        if m:
            out.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    out.sort()
    versions = [v for v, _, _ in out]
    if len(set(versions)) != len(versions):
        msg = f"two migrations share a number: {[n for _, n, _ in out]}"
        raise MigrationError(msg)
    return out


class Store:
    """An open flowscope store (a DuckDB file, or ``":memory:"``).

    Parameters
    ----------
    path
        DuckDB file; its folder is created if needed. ``":memory:"`` for a throw-away store.
    read_only
        Open without write access: the file must exist, no migrations are run, and other
        processes may read it at the same time (a writer must wait for readers to close).
        A store made by an older flowscope is read as it is; asking for a table it lacks
        raises a :class:`StorageError` saying how to upgrade it.
    source_preference
        Per dataset, sources in order of trust, replacing the order declared in the
        dataset's spec (see :meth:`preference`); usually ``Settings.source_preference``.
    lock
        The writers' lock already taken for this store (see :mod:`flowscope.storage._lock`);
        released when the store is closed or fails to open.
    open_wait_s
        While another process holds DuckDB's lock on the file (a writer, or readers when
        opening writable), retry the open for up to this many seconds before giving up
        with one line naming the holder.

    Examples
    --------
    >>> store = Store(":memory:")
    >>> {"etf_flows", "prices", "rates"} <= set(store.datasets())
    True
    >>> store.close()
    """

    def __init__(
        self,
        path: str | Path = ":memory:",
        *,
        read_only: bool = False,
        source_preference: Mapping[str, Sequence[str]] | None = None,
        lock: StoreLock | None = None,
        open_wait_s: float = OPEN_WAIT_S,
    ) -> None:
        self._lock = lock
        try:
            self._open(path, read_only, source_preference, open_wait_s)
        except BaseException:
            if lock is not None:
                lock.release()
            raise

    def _open(
        self,
        path: str | Path,
        read_only: bool,
        source_preference: Mapping[str, Sequence[str]] | None,
        open_wait_s: float,
    ) -> None:
        self.path = path if path == ":memory:" else Path(path).expanduser()
        self.read_only = read_only
        self._preference = {k: tuple(v) for k, v in (source_preference or {}).items()}
        if isinstance(self.path, Path):
            if read_only and not self.path.is_file():
                msg = f"no store at {self.path} (open it writable, or run `flowscope init`, to make one)"
                raise StorageError(msg)
            if not read_only:
                self.path.parent.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        while True:
            try:
                self._con = duckdb.connect(str(self.path), read_only=read_only)
                break
            except duckdb.Error as exc:
                waited = time.monotonic() - started
                if not _is_lock_error(exc) or waited >= open_wait_s:
                    raise _open_error(self.path, read_only, exc, waited) from None
            time.sleep(0.05)
        self._con.execute("SET TimeZone = 'UTC'")
        self._in_tx = False
        if not read_only:
            self.migrate()

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        """Close the connection (and give back the writers' lock, if this store holds it).

        A store holding the writers' lock first rewrites the record of imported files beside
        the store file (:mod:`flowscope.storage._records`), after the connection is closed and
        before the lock is given back, so that the record describes the store as written.
        """
        files = None
        if self._lock is not None and not self._in_tx:
            try:
                files = files_in_force(self._con)
            except duckdb.Error:
                files = None
        try:
            self._con.close()
        finally:
            if self._lock is not None:
                try:
                    if isinstance(self.path, Path):
                        if files is None:
                            discard_record(self.path)
                        else:
                            write_record(self.path, files)
                finally:
                    self._lock.release()
                    self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The underlying DuckDB connection (for ad-hoc SQL; prefer :meth:`sql`)."""
        return self._con

    # -- schema ----------------------------------------------------------------------------
    def migrate(self) -> list[str]:
        """Apply pending numbered migrations (each in its own transaction); return their names."""
        con = self._con
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            "version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)"
        )
        done = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
        applied = []
        for version, name, sql in _migrations():
            if version in done:
                continue
            try:
                con.execute("BEGIN TRANSACTION")
                con.execute(sql)
                con.execute(
                    "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                    [version, name, _utc_now().to_pydatetime()],
                )
                con.execute("COMMIT")
            except duckdb.Error as exc:
                con.execute("ROLLBACK")
                msg = f"migration {name} failed: {exc}"
                raise MigrationError(msg) from exc
            applied.append(name)
        return applied

    def schema_version(self) -> int:
        """Highest applied migration number (0 for a file no migration ever ran on)."""
        try:
            rows = self._con.execute("SELECT max(version) FROM schema_migrations").fetchall()
        except duckdb.CatalogException:
            return 0
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def is_outdated(self) -> bool:
        """Whether migrations of this flowscope are still to be applied (read-only opens)."""
        return self.schema_version() < _migrations()[-1][0]

    def datasets(self) -> list[str]:
        """Names of the canonical datasets that have a table in this store."""
        tables = {
            r[0]
            for r in self._con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            ).fetchall()
        }
        return sorted(name for name in DATASETS if name in tables)

    # -- transactions ----------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """Group several writes into one all-or-nothing transaction.

        Examples
        --------
        >>> store = Store(":memory:")
        >>> with store.transaction():
        ...     _ = store.upsert("rates", pd.DataFrame(
        ...         {"series": ["EFFR"], "date": ["2025-11-18"], "value": [3.88]}), source="doc")
        >>> len(store.read("rates"))
        1
        """
        if self._in_tx:
            yield self
            return
        self._con.execute("BEGIN TRANSACTION")
        self._in_tx = True
        try:
            yield self
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        else:
            self._con.execute("COMMIT")
        finally:
            self._in_tx = False

    # -- writes ----------------------------------------------------------------------------
    def upsert(
        self,
        dataset: str,
        frame: pd.DataFrame,
        *,
        source: str | None = None,
        ts_ingested: dt.datetime | pd.Timestamp | None = None,
        origin: str | None = None,
    ) -> UpsertResult:
        """Insert new rows and replace changed ones, atomically and idempotently.

        Parameters
        ----------
        dataset
            Dataset name (see :data:`flowscope.schemas.DATASETS`).
        frame
            Rows in canonical columns. Key columns are required; other data columns may be
            missing (stored as NULL). A ``source`` column may replace the ``source`` argument.
        source
            Source name stored on every row (e.g. ``"farside"``).
        ts_ingested
            When the data was retrieved (UTC); defaults to now.
        origin
            Free text recorded in the ingest log (file path or URL).

        Returns
        -------
        UpsertResult

        Raises
        ------
        ValidationError
            Unknown columns, missing key columns, NULL keys, or duplicate keys in ``frame``
            (nothing is written).
        """
        spec = get_dataset(dataset)
        staged = self._prepare(spec, frame, source=source, ts_ingested=ts_ingested)
        src = (
            ",".join(sorted(staged["source"].unique().tolist())) if len(staged) else (source or "")
        )
        casts = ", ".join(f"CAST({c.name} AS {c.sql_type}) AS {c.name}" for c in spec.columns)
        con = self._con
        view = "_flowscope_staged_df"
        con.register(view, staged)
        try:
            with self.transaction():
                try:
                    con.execute(
                        f"CREATE OR REPLACE TEMP TABLE _staged AS SELECT {casts}, "
                        f"CAST(source AS VARCHAR) AS source, "
                        f"CAST(ts_ingested AS TIMESTAMPTZ) AS ts_ingested FROM {view}"
                    )
                except duckdb.ConversionException as exc:
                    msg = f"{dataset}: a value cannot be converted to its column type: {exc}"
                    raise ValidationError(msg) from exc
                result = self._merge_staged(spec, len(staged), src, origin)
        finally:
            with contextlib.suppress(duckdb.Error):
                con.unregister(view)
        return result

    def _merge_staged(
        self, spec: DatasetSpec, n_rows: int, src: str, origin: str | None
    ) -> UpsertResult:
        """Merge the temp table ``_staged`` into the dataset (inside the caller's transaction)."""
        con = self._con
        on = " AND ".join(f"t.{k} = s.{k}" for k in spec.store_key)
        differs = " OR ".join(f"t.{c} IS DISTINCT FROM s.{c}" for c in spec.value_columns)
        differs = differs or "FALSE"
        t_cols = ", ".join(f"t.{c}" for c in spec.column_names)
        s_cols = ", ".join(f"s.{c}" for c in spec.column_names)
        (changed,) = con.execute(
            f"SELECT count(*) FROM {spec.name} t JOIN _staged s ON {on} WHERE {differs}"
        ).fetchone() or (0,)
        (held,) = con.execute(
            f"SELECT count(*) FROM {spec.name} t JOIN _staged s ON {on}"
        ).fetchone() or (0,)
        if changed:
            if spec.track_revisions:
                con.execute(
                    f"INSERT INTO {spec.name}__revisions SELECT {t_cols}, now() "
                    f"FROM {spec.name} t JOIN _staged s ON {on} WHERE {differs}"
                )
            con.execute(f"DELETE FROM {spec.name} t USING _staged s WHERE {on} AND ({differs})")
        con.execute(
            f"INSERT INTO {spec.name} ({', '.join(spec.column_names)}) SELECT {s_cols} "
            f"FROM _staged s ANTI JOIN {spec.name} t ON {on}"
        )
        result = UpsertResult(spec.name, src, n_rows - held, int(changed), int(held - changed))
        con.execute(
            "INSERT INTO ingest_log SELECT coalesce(max(id), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ? "
            "FROM ingest_log",
            [
                _utc_now().to_pydatetime(),
                spec.name,
                src,
                origin,
                n_rows,
                result.inserted,
                result.updated,
                result.unchanged,
            ],
        )
        con.execute("DROP TABLE _staged")
        return result

    def _prepare(
        self,
        spec: DatasetSpec,
        frame: pd.DataFrame,
        *,
        source: str | None,
        ts_ingested: dt.datetime | pd.Timestamp | None,
    ) -> pd.DataFrame:
        allowed = set(spec.column_names)
        unknown = [c for c in frame.columns if c not in allowed]
        if unknown:
            msg = (
                f"{spec.name}: unknown column(s) {unknown}; "
                f"canonical columns are {list(spec.column_names)}"
            )
            raise ValidationError(msg, param_name="frame", received=unknown)
        missing = [k for k in spec.key if k not in frame.columns]
        if missing:
            msg = f"{spec.name}: key column(s) {missing} missing from the frame"
            raise ValidationError(msg, param_name="frame", received=list(frame.columns))
        out = frame.copy()
        if "source" not in out.columns:
            if not source:
                msg = f"{spec.name}: give source= or a 'source' column"
                raise ValidationError(msg, param_name="source")
            out["source"] = source
        elif source:
            out["source"] = source
        if "ts_ingested" not in out.columns:
            out["ts_ingested"] = pd.Timestamp(ts_ingested or _utc_now())
        for c in spec.columns:
            if c.name not in out.columns:
                out[c.name] = None
        out = out[list(spec.column_names)]
        not_null = [c.name for c in spec.columns if not c.nullable] + ["source"]
        nulls = out[not_null].isna()
        if nulls.to_numpy().any():
            row, col = np.argwhere(nulls.to_numpy())[0]
            msg = f"{spec.name}: column {not_null[col]!r} is empty in row {row} of the batch"
            raise ValidationError(msg, param_name=not_null[col])
        dup = out.duplicated(list(spec.store_key), keep=False)
        if dup.any():
            first = out.loc[dup, list(spec.store_key)].head(2).to_dict("records")
            msg = f"{spec.name}: duplicate keys {list(spec.store_key)} in the batch, e.g. {first}"
            raise ValidationError(msg, param_name="frame", received=first)
        return out

    def delete(self, dataset: str, *, source: str) -> int:
        """Delete every row of ``dataset`` from ``source``; return how many were deleted."""
        spec = get_dataset(dataset)
        with self.transaction():
            (n,) = self._con.execute(
                f"SELECT count(*) FROM {spec.name} WHERE source = ?", [source]
            ).fetchone() or (0,)
            self._con.execute(f"DELETE FROM {spec.name} WHERE source = ?", [source])
            if n:  # logged as negative inserts, so rows held always equal the log's net sum
                self._con.execute(
                    "INSERT INTO ingest_log SELECT coalesce(max(id), 0) + 1, ?, ?, ?, ?, 0, ?, 0, 0 "
                    "FROM ingest_log",
                    [_utc_now().to_pydatetime(), spec.name, source, "delete", -int(n)],
                )
            self._con.execute(
                "DELETE FROM ingested_files WHERE list_contains(datasets, ?)", [spec.name]
            )
        return int(n)

    # -- integrity and interrupted runs ----------------------------------------------------
    def check(self) -> pd.DataFrame:
        """Check the store's integrity: rows held per dataset against the ingest log.

        Every batch is written with its ``ingest_log`` row in one transaction, so the rows a
        dataset holds equal the log's net inserts (deletes are logged as negative inserts).
        A difference means a half-written batch or a write that bypassed flowscope.

        Returns
        -------
        DataFrame
            One row per dataset: ``dataset``, ``rows``, ``logged_rows``, ``ok``; plus a row
            ``init`` with ``ok`` false while an interrupted ``flowscope init`` is to be resumed.
        """
        logged = self._df(
            "SELECT dataset, CAST(sum(inserted) AS BIGINT) AS n FROM ingest_log GROUP BY dataset"
        )
        net = dict(zip(logged["dataset"], logged["n"], strict=True))
        parts = []
        for name in self.datasets():
            ((n,),) = self._con.execute(f"SELECT count(*) FROM {name}").fetchall()
            parts.append((name, int(n), int(net.get(name, 0))))
        out = pd.DataFrame(parts, columns=["dataset", "rows", "logged_rows"])
        out["ok"] = out["rows"] == out["logged_rows"]
        started = self.interrupted_init()
        if started is not None:
            out.loc[len(out)] = ["init", 0, 0, False]
        return out

    def _init_runs(self) -> bool:
        """Whether the ``init_runs`` table exists (made by the first :meth:`begin_init`)."""
        ((n,),) = self._con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'init_runs'"
        ).fetchall()
        return bool(n)

    def begin_init(self) -> pd.Timestamp | None:
        """Record that ``flowscope init`` starts loading; return when an interrupted one began.

        The row is committed at once, so a run killed before :meth:`finish_init` leaves it
        behind and the next ``init`` knows it resumes one.
        """
        self._con.execute(
            "CREATE TABLE IF NOT EXISTS init_runs (started TIMESTAMPTZ NOT NULL, finished TIMESTAMPTZ)"
        )
        before = self.interrupted_init()
        if before is None:
            self._con.execute(
                "INSERT INTO init_runs VALUES (?, NULL)", [_utc_now().to_pydatetime()]
            )
        return before

    def finish_init(self) -> None:
        """Forget the started ``flowscope init`` runs: the bundle is loaded whole."""
        self._con.execute("DELETE FROM init_runs")

    def interrupted_init(self) -> pd.Timestamp | None:
        """When an unfinished ``flowscope init`` started (UTC), or ``None``."""
        if not self._init_runs():
            return None
        ((t,),) = self._con.execute(
            "SELECT min(started) FROM init_runs WHERE finished IS NULL"
        ).fetchall()
        return None if t is None else pd.Timestamp(t).tz_convert("UTC")

    # -- imported files and cached scores ---------------------------------------------------
    def record_file(
        self, fp: FileFingerprint, dataset: str, *, datasets: Sequence[str], options: str
    ) -> None:
        """Record that file ``fp`` was imported into ``datasets`` (call after its upserts).

        A later :func:`~flowscope.storage._files.find_unchanged` with the same content,
        ``dataset`` and ``options`` answers "unchanged" until another ingest writes to one
        of ``datasets``.
        """
        self._con.execute(
            "INSERT OR REPLACE INTO ingested_files "
            "SELECT ?, ?, ?, ?, ?, ?, ?, coalesce(max(id), 0), ? FROM ingest_log",
            [
                fp.sha256,
                dataset,
                options,
                list(datasets),
                fp.size_bytes,
                fp.mtime,
                fp.path,
                _utc_now().to_pydatetime(),
            ],
        )

    def cached_scores(self, model: str, text_sha256: Sequence[str]) -> dict[str, str]:
        """Cached payloads (JSON text) scored by ``model``, by text hash; misses are absent."""
        if not text_sha256:
            return {}
        rows = self._con.execute(
            "SELECT text_sha256, payload FROM tone_score_cache "
            "WHERE model = ? AND list_contains(?, text_sha256)",
            [model, list(text_sha256)],
        ).fetchall()
        return {str(k): str(v) for k, v in rows}

    def cache_scores(self, model: str, payloads: Mapping[str, str]) -> None:
        """Store payloads (JSON text) scored by ``model``, keyed by the text's SHA-256."""
        if not payloads:
            return
        now = _utc_now().to_pydatetime()
        rows = [[k, model, v, now] for k, v in payloads.items()]
        with contextlib.suppress(duckdb.InvalidInputException):  # a read-only store: skip
            self._con.executemany(
                "INSERT OR REPLACE INTO tone_score_cache VALUES (?, ?, ?, ?)", rows
            )

    # -- reads -----------------------------------------------------------------------------
    def read(
        self,
        dataset: str,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        source: str | Sequence[str] | None = None,
        where: Mapping[str, Any] | None = None,
        columns: Sequence[str] | None = None,
        preferred: bool = False,
    ) -> pd.DataFrame:
        """Read rows of ``dataset`` as a DataFrame sorted by key.

        Parameters
        ----------
        dataset
            Dataset name.
        start, end
            Inclusive bounds on the dataset's time column (dates; UTC for timestamps).
        source
            Keep only these sources.
        where
            Equality filters, ``{"fund": "IBIT"}`` or ``{"fund": ["IBIT", "FBTC"]}``.
        columns
            Columns to return (default: all, with ``source`` and ``ts_ingested``).
        preferred
            Return one row per key (without ``source``): the row of the most trusted source
            holding it (:meth:`preference`), so a curated history is continued by the
            connectors that keep it current. For ``prices`` one series never mixes
            adjustment variants: the variant of the source holding the newest bar is kept.

        Returns
        -------
        DataFrame
            One row per stored row (per key with ``preferred``), canonical columns; ``DATE``
            columns as ``datetime64`` (midnight), timestamps tz-aware UTC.
        """
        spec = get_dataset(dataset)
        clauses, params = self._filters(spec, start, end, source, where)
        cols = list(columns) if columns else list(spec.column_names)
        bad = [c for c in cols if c not in spec.column_names]
        if bad:
            msg = f"{dataset}: unknown column(s) {bad}"
            raise ValidationError(msg, param_name="columns", received=bad)
        need = cols
        if preferred:
            extra = [c for c in (*spec.store_key, "adjusted") if c in spec.column_names]
            need = [*cols, *(c for c in dict.fromkeys(extra) if c not in cols)]
        sql = f"SELECT {', '.join(need)} FROM {spec.name}"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        order = [k for k in spec.store_key if k in need]
        if order:
            sql += " ORDER BY " + ", ".join(order)
        df = self._df(sql, params)
        if preferred:
            df = _pick_preferred(df, spec, self.preference(dataset))[cols]
        return df

    def preference(self, dataset: str) -> tuple[str, ...]:
        """Sources of ``dataset`` in order of trust (settings override, else the spec's)."""
        spec = get_dataset(dataset)
        return self._preference.get(spec.name, spec.source_preference)

    def _filters(
        self,
        spec: DatasetSpec,
        start: DateLike | None,
        end: DateLike | None,
        source: str | Sequence[str] | None,
        where: Mapping[str, Any] | None,
    ) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        tcol = spec.time_column
        is_ts = spec.column(tcol).sql_type == "TIMESTAMPTZ"
        if start is not None:
            clauses.append(f"{tcol} >= ?")
            params.append(pd.Timestamp(start, tz="UTC") if is_ts else _to_date(start))
        if end is not None:
            if is_ts:
                e = pd.Timestamp(end, tz="UTC")
                if e == e.normalize():
                    e = e + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
                clauses.append(f"{tcol} <= ?")
                params.append(e)
            else:
                clauses.append(f"{tcol} <= ?")
                params.append(_to_date(end))
        filters: dict[str, Any] = dict(where or {})
        if source is not None:
            filters["source"] = source
        for col, val in filters.items():
            if col not in spec.column_names:
                msg = f"{spec.name}: cannot filter on unknown column {col!r}"
                raise ValidationError(msg, param_name="where", received=col)
            if isinstance(val, str) or not isinstance(val, Sequence):
                clauses.append(f"{col} = ?")
                params.append(val)
            else:
                vals = list(val)
                clauses.append(f"{col} IN ({', '.join('?' * len(vals))})")
                params.extend(vals)
        return clauses, params

    def _df(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        try:
            table = self._con.sql(sql, params=list(params) or None).to_arrow_table()
        except duckdb.CatalogException:
            if not (self.read_only and self.is_outdated()):
                raise
            msg = (
                f"the store {self.path} has schema version {self.schema_version()}, older than "
                f"this flowscope's {_migrations()[-1][0]}, and lacks what was asked for; run "
                "`flowscope init --no-bundle` once to upgrade it"
            )
            raise StorageError(msg) from None
        df = table.to_pandas(date_as_object=False)
        for col in df.columns:
            s = df[col]
            if isinstance(s.dtype, pd.DatetimeTZDtype):
                df[col] = s.dt.tz_convert("UTC")
        return df

    def sql(self, query: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        """Run one read-only query (``SELECT`` / ``WITH … SELECT``) and return a DataFrame.

        Raises
        ------
        ValidationError
            If ``query`` is not exactly one statement that only reads: ``DELETE``,
            ``DROP``, ``COPY … TO``, ``ATTACH``, ``INSTALL``, ``PRAGMA``, ``SET``, several
            statements, or a ``SELECT`` whose CTE modifies data are refused, unrun.
        """
        self._check_read_only(query)
        return self._df(query, params)

    def _check_read_only(self, query: str) -> None:
        def refuse(why: str) -> ValidationError:
            shown = " ".join(query.split())
            shown = shown[:80] + ("…" if len(shown) > 80 else "")
            msg = f"Store.sql runs read-only queries only: {why} ({shown!r})"
            return ValidationError(msg, param_name="query", received=shown)

        try:
            statements = self._con.extract_statements(query)
        except duckdb.Error as exc:
            why = f"cannot parse it ({str(exc).splitlines()[0]})"
            raise refuse(why) from None
        if len(statements) != 1:
            why = f"{len(statements)} statements, expected exactly one"
            raise refuse(why)
        kind = statements[0].type
        if kind != duckdb.StatementType.SELECT:
            why = f"a {kind.name} statement"
            raise refuse(why)
        rows = self._con.execute("SELECT json_serialize_sql(?)", [query]).fetchall()
        tree = json.loads(rows[0][0]) if rows else {"error": True}
        if tree.get("error"):
            why = "cannot check it"
            raise refuse(why)
        nodes = {n for n in _node_types(tree) if n not in _READ_NODES}
        if nodes:
            why = f"it contains {', '.join(sorted(nodes))}"
            raise refuse(why)

    def revisions(self, dataset: str, **filters: Any) -> pd.DataFrame:
        """Superseded rows of a dataset that tracks revisions (oldest first)."""
        spec = get_dataset(dataset)
        if not spec.track_revisions:
            msg = f"dataset {dataset!r} does not track revisions"
            raise ValidationError(msg, param_name="dataset", received=dataset)
        clauses, params = self._filters(spec, None, None, None, filters)
        sql = f"SELECT * FROM {spec.name}__revisions"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        return self._df(sql + " ORDER BY ts_superseded", params)

    # -- dataset readers (documented columns) ----------------------------------------------
    def etf_flows(
        self,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        funds: str | Sequence[str] | None = None,
        source: str | Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """ETF flows, one row per (date, fund, source).

        Returns
        -------
        DataFrame
            Columns ``date`` (US trading day), ``fund`` (ticker or ``"Total"``),
            ``flow_usd`` (USD), ``aum_usd`` (USD), ``source``, ``ts_ingested`` (UTC).
        """
        where = {"fund": funds} if funds is not None else None
        return self.read("etf_flows", start=start, end=end, source=source, where=where)

    def prices(
        self,
        symbol: str | Sequence[str] | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        interval: str = "1d",
        source: str | Sequence[str] | None = None,
        preferred: bool = False,
    ) -> pd.DataFrame:
        """OHLCV bars.

        Parameters
        ----------
        symbol
            One symbol or several (default: all).
        start, end
            Inclusive bounds (dates are UTC days).
        interval
            Bar length (``"1d"``, ``"1h"`` …).
        source
            Only these sources.
        preferred
            One bar per symbol and time, from the most trusted source holding it (see
            :meth:`read`); the ``source`` column says which.

        Returns
        -------
        DataFrame
            Columns ``ts`` (UTC bar start), ``symbol``, ``interval``, ``open``, ``high``,
            ``low``, ``close``, ``volume``, ``adjusted``, ``source``, ``ts_ingested``.
        """
        where: dict[str, Any] = {"interval": interval}
        if symbol is not None:
            where["symbol"] = symbol
        return self.read(
            "prices", start=start, end=end, source=source, where=where, preferred=preferred
        )

    def rates(
        self,
        series: str | Sequence[str] | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        source: str | Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Rate series (percent per year): columns ``series``, ``date``, ``value``, ``source``,
        ``ts_ingested``."""
        where = {"series": series} if series is not None else None
        return self.read("rates", start=start, end=end, source=source, where=where)

    def fomc_meetings(
        self, *, start: DateLike | None = None, end: DateLike | None = None
    ) -> pd.DataFrame:
        """FOMC meetings: ``meeting_date``, ``start_date``, ``kind``, ``sep``,
        ``statement_release`` (UTC), ``minutes_release``, ``target_lower``/``upper`` (%),
        ``decision``, ``source``, ``ts_ingested``."""
        return self.read("fomc_meetings", start=start, end=end)

    # -- coverage --------------------------------------------------------------------------
    def coverage(
        self,
        dataset: str | None = None,
        *,
        by_group: bool = False,
        end: DateLike | None = None,
        with_values: bool = False,
    ) -> pd.DataFrame:
        """What the store holds.

        Parameters
        ----------
        dataset
            One dataset, or ``None`` for all.
        by_group
            Split each dataset by its group column (fund, symbol, series …).
        end
            Count only rows dated on or before this day (the store as seen that day).
            Datasets not subject to staleness (the FOMC calendar, which lists future
            meetings) are counted whole.
        with_values
            Count only rows that hold a figure: some numeric value column is not null
            (a blank cell is missing, not a value). Datasets without numeric value
            columns (texts) or not subject to staleness (calendars) are counted whole.

        Returns
        -------
        DataFrame
            Columns ``dataset``, (``group``,) ``source``, ``rows``, ``start``, ``end``,
            ``last_ingested``; one row per dataset and source (datasets with no rows appear
            once with ``rows`` 0).
        """
        names = [get_dataset(dataset).name] if dataset else self.datasets()
        if not names:
            return pd.DataFrame()
        grouped = by_group and any(DATASETS[n].group_column for n in names)
        selects: list[str] = []
        params: list[Any] = []
        for i, name in enumerate(names):  # one statement for all datasets, not one each
            spec = DATASETS[name]
            t = spec.time_column
            grp = spec.group_column if by_group and spec.group_column else None
            g_sel = f'CAST({grp} AS VARCHAR) AS "group", ' if grp else 'NULL AS "group", '
            order = f"{grp}, source" if grp else "source"
            conds: list[str] = []
            subject = spec.publication.subject
            if end is not None and subject:
                conds.append(f"CAST({t} AS DATE) <= ?")
                params.append(pd.Timestamp(end).date())
            numeric = [
                c.name
                for c in spec.columns
                if c.name in spec.value_columns and c.sql_type == "DOUBLE"
            ]
            if with_values and numeric and subject:
                conds.append("(" + " OR ".join(f"{c} IS NOT NULL" for c in numeric) + ")")
            where = f"WHERE {' AND '.join(conds)} " if conds else ""
            selects.append(
                f"SELECT {i} AS _ord, row_number() OVER (ORDER BY {order}) AS _pos, "
                f"'{name}' AS dataset, {g_sel}CAST(source AS VARCHAR) AS source, "
                f'count(*) AS rows, CAST(min({t}) AS DATE) AS start, CAST(max({t}) AS DATE) AS "end", '
                f"max(ts_ingested) AS last_ingested FROM {name} {where}"
                f"GROUP BY {f'{grp}, ' if grp else ''}source"
            )
        held = self._df(
            "SELECT * FROM (" + " UNION ALL ".join(selects) + ") ORDER BY _ord, _pos", params
        )
        empty = [n for i, n in enumerate(names) if i not in set(held["_ord"].tolist())]
        if empty:
            # a dataset with no rows appears once, with rows 0
            none = pd.DataFrame(
                {
                    "_ord": [names.index(n) for n in empty],
                    "_pos": 0,
                    "dataset": empty,
                    "group": None,
                    "source": None,
                    "rows": 0,
                    "start": [pd.NaT] * len(empty),
                    "end": [pd.NaT] * len(empty),
                    "last_ingested": [pd.NaT] * len(empty),
                }
            )
            none["last_ingested"] = pd.to_datetime(none["last_ingested"], utc=True)
            if held.empty:
                held = none
            else:
                kinds = {c: held[c].dtype for c in ("start", "end", "last_ingested")}
                held = pd.concat([held, none.astype(kinds)], ignore_index=True)
            held = held.sort_values(["_ord", "_pos"], kind="stable", ignore_index=True)
        out = held.drop(columns=["_ord", "_pos"] if grouped else ["_ord", "_pos", "group"])
        if grouped:
            no_group = [n for n in names if not DATASETS[n].group_column]
            out.loc[out["dataset"].isin(no_group), "group"] = np.nan  # as a column left out
        out["rows"] = out["rows"].astype("int64")
        return out

    def missing_intervals(
        self,
        dataset: str,
        *,
        start: DateLike,
        end: DateLike,
        where: Mapping[str, Any] | None = None,
        source: str | Sequence[str] | None = None,
        calendar: Calendar | None = None,
    ) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
        """Disjoint, sorted date gaps in ``[start, end]`` for which no row is held.

        Parameters
        ----------
        dataset
            Dataset name (daily granularity on its time column).
        start, end
            Inclusive date range to check.
        where, source
            Restrict to one series / source (as in :meth:`read`).
        calendar
            ``"XNYS"`` (NYSE sessions, via exchange-calendars) or ``"24/7"`` (every day).
            Default: XNYS for ``etf_flows`` and ``fed_futures``, 24/7 otherwise.

        Returns
        -------
        list of (first_missing_day, last_missing_day)
            Each gap as a pair of dates (``Timestamp`` at midnight); expected days only.
        """
        spec = get_dataset(dataset)
        if calendar is None:
            calendar = "XNYS" if spec.name in {"etf_flows", "fed_futures"} else "24/7"
        s, e = pd.Timestamp(_to_date(start)), pd.Timestamp(_to_date(end))
        if e < s:
            msg = f"end {e.date()} is before start {s.date()}"
            raise ValidationError(msg, param_name="end", received=str(end))
        expected = _expected_days(s, e, calendar)
        clauses, params = self._filters(spec, s, e, source, where)
        t = spec.time_column
        held = self._df(
            f"SELECT DISTINCT CAST({t} AS DATE) AS d FROM {spec.name}"
            + (" WHERE " + " AND ".join(clauses) if clauses else ""),
            params,
        )
        held_days = pd.DatetimeIndex(pd.to_datetime(held["d"])).normalize()
        missing = expected[~expected.isin(held_days)]
        if missing.empty:
            return []
        pos = expected.get_indexer(missing)
        breaks = np.flatnonzero(np.diff(pos) != 1)
        starts = np.r_[0, breaks + 1]
        ends = np.r_[breaks, len(pos) - 1]
        return [(missing[a], missing[b]) for a, b in zip(starts, ends, strict=True)]


def _ordinal(col: pd.Series) -> np.ndarray[tuple[int], np.dtype[np.intp]]:
    """Codes that sort as the column's values (missing values last, as ``sort_values``)."""
    codes, uniques = pd.factorize(col, sort=True)
    return np.where(codes < 0, len(uniques), codes)


def _pick_preferred(df: pd.DataFrame, spec: DatasetSpec, order: Sequence[str]) -> pd.DataFrame:
    """One row per key of ``spec``: the row of the first source in ``order`` holding it.

    Rows come back sorted by key. Where the dataset has an ``adjusted`` column and a group
    column, only the adjustment variant of the source holding each series' newest row is kept.
    """
    if df.empty:
        return df
    src_codes, src_names = pd.factorize(df["source"].astype(str))
    ranking = {s: i for i, s in enumerate(order)}
    others = sorted(x for x in src_names if x not in ranking)
    ranking.update({s: len(order) + i for i, s in enumerate(others)})
    rank = np.array([ranking[s] for s in src_names], dtype=np.int64)[src_codes]
    key = list(spec.key)
    codes = {c: _ordinal(df[c]) for c in key}
    rows = np.arange(len(df))
    if "adjusted" in df.columns and spec.group_column:
        # one adjustment variant per series: that of the source holding the newest row
        series = [c for c in key if c != spec.time_column]
        newest_first = np.lexsort(
            (rank, -codes[spec.time_column], *(codes[c] for c in reversed(series)))
        )
        sid = np.zeros(len(df), dtype=np.int64)
        for c in series:
            sid = sid * (int(codes[c].max()) + 1) + codes[c]
        sid_sorted = sid[newest_first]
        head = newest_first[np.r_[True, sid_sorted[1:] != sid_sorted[:-1]]]
        adj = pd.factorize(df["adjusted"], use_na_sentinel=False)[0]
        wanted = dict(zip(sid[head].tolist(), adj[head].tolist(), strict=True))
        rows = rows[adj == pd.Series(sid).map(wanted).to_numpy()]
    by_key = rows[np.lexsort((rank[rows], *(codes[c][rows] for c in reversed(key))))]
    kc = np.column_stack([codes[c][by_key] for c in key])
    first = np.r_[True, (kc[1:] != kc[:-1]).any(axis=1)]
    return df.iloc[by_key[first]].reset_index(drop=True)


def _expected_days(start: pd.Timestamp, end: pd.Timestamp, calendar: Calendar) -> pd.DatetimeIndex:
    if calendar == "24/7":
        return pd.date_range(start, end, freq="D")
    if calendar == "XNYS":
        from flowscope.calendars import sessions_in_range

        return sessions_in_range(start, end)
    msg = f"calendar must be 'XNYS' or '24/7', got {calendar!r}"  # type: ignore[unreachable]
    raise ValidationError(msg, param_name="calendar", received=calendar)


def open_store(
    path: str | Path | None = None,
    *,
    read_only: bool = False,
    source_preference: Mapping[str, Sequence[str]] | None = None,
) -> Store:
    """Open the flowscope store (a writable open creates it if needed).

    Parameters
    ----------
    path
        DuckDB file. ``None`` uses the settings (``FLOWSCOPE_DB``, ``FLOWSCOPE_DB_PATH``, the
        TOML file, or ``<user data dir>/flowscope/flowscope.duckdb``).
    read_only
        Open without write access; the file must exist (see :class:`Store`).
    source_preference
        Per-dataset source order (default: the settings' ``source_preference``).

    Returns
    -------
    Store
    """
    if path is None or source_preference is None:
        from flowscope.config import load_settings

        settings = load_settings()
        path = settings.resolved_db_path if path is None else path
        if source_preference is None:
            source_preference = settings.source_preference
    return Store(path, read_only=read_only, source_preference=source_preference)


#: Query-node types a read-only query may contain (anything else, e.g. a DELETE in a CTE, is refused).
_READ_NODES = frozenset({"SELECT_NODE", "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE", "CTE_NODE"})


def _node_types(tree: Any) -> Iterator[str]:
    """Every query-node type (``…_NODE``) in a ``json_serialize_sql`` tree."""
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            kind = item.get("type")
            if isinstance(kind, str) and kind.endswith("_NODE"):
                yield kind
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)

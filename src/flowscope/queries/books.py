"""Order-book snapshot datasets (``flowscope book collect``): read, view and compute metrics.

A dataset is a directory of Parquet files partitioned ``date=YYYY-MM-DD/venue=NAME`` (hive
style), one row per level: ``ts`` (UTC), ``symbol``, ``last_update_id``, ``side``, ``level``,
``price`` (USD), ``size`` (base units). Hidden files (``.tmp-*``, a write in progress) are
never read.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import duckdb
import pandas as pd

from flowscope.analytics.liquidity.metrics import DEPTH_PCTS, RefPrice
from flowscope.analytics.liquidity.snapshots import snapshot_metrics
from flowscope.errors import InsufficientDataError, MissingDependencyError, UsageError

__all__ = [
    "create_snapshot_view",
    "metrics_over_dataset",
    "partitions",
    "read_partition",
    "read_snapshot_levels",
]

Engine = Literal["local", "dask"]


def partitions(root: str | Path) -> list[Path]:
    """The ``date=…/venue=…`` directories holding at least one snapshot file, sorted."""
    root = Path(root).expanduser()
    if not root.is_dir():
        msg = f"{root}: no such snapshot directory (collect one with `flowscope book collect`)"
        raise InsufficientDataError(msg)
    parts = sorted({f.parent for f in root.glob("date=*/venue=*/[!.]*.parquet")})
    if not parts:
        msg = f"{root}: no order-book snapshots held (no date=*/venue=*/*.parquet files)"
        raise InsufficientDataError(msg)
    return parts


def _glob(root: Path) -> str:
    return str(root / "date=*" / "venue=*" / "[!.]*.parquet").replace("'", "''")


def _select(con: duckdb.DuckDBPyConnection, pattern: str) -> pd.DataFrame:
    df = con.execute(
        "select ts, venue, symbol, last_update_id, side, level, price, size, "
        f"cast(date as varchar) as date from read_parquet('{pattern}', hive_partitioning=true, "
        "hive_types={'date': date, 'venue': varchar}) order by venue, symbol, ts, side, level"
    ).df()
    df["ts"] = pd.to_datetime(df["ts"], utc=True)
    return df


def read_partition(part: str | Path) -> pd.DataFrame:
    """The levels of one ``date=…/venue=…`` partition (columns as :func:`read_snapshot_levels`)."""
    part = Path(part)
    with duckdb.connect() as con:
        df = _select(con, str(part / "[!.]*.parquet").replace("'", "''"))
    df["venue"] = part.name.removeprefix("venue=")
    df["date"] = part.parent.name.removeprefix("date=")
    return df


def read_snapshot_levels(root: str | Path) -> pd.DataFrame:
    """Every level held under ``root``: ``ts`` (UTC), ``venue``, ``symbol``,
    ``last_update_id``, ``side``, ``level``, ``price`` (USD), ``size`` (base), ``date``.

    Raises
    ------
    InsufficientDataError
        ``root`` is missing or holds no snapshot.
    """
    root = Path(root).expanduser()
    partitions(root)
    with duckdb.connect() as con:
        return _select(con, _glob(root))


def create_snapshot_view(con: duckdb.DuckDBPyConnection, root: str | Path) -> None:
    """Create (or replace) the view ``book_snapshots_parquet`` over the dataset at ``root``."""
    pattern = _glob(Path(root).expanduser().resolve())
    con.execute(
        "create or replace view book_snapshots_parquet as select * from "
        f"read_parquet('{pattern}', hive_partitioning=true, "
        "hive_types={'date': date, 'venue': varchar})"
    )


def _partition_metrics(
    part: str,
    ref: RefPrice,
    pcts: tuple[float, ...],
    sizes_usd: tuple[float, ...],
    n_levels: int | None,
) -> pd.DataFrame:
    return snapshot_metrics(
        read_partition(part), ref=ref, pcts=pcts, sizes_usd=sizes_usd, n_levels=n_levels
    )


def metrics_over_dataset(
    root: str | Path,
    *,
    engine: Engine = "local",
    scheduler: str | None = None,
    ref: RefPrice = "mid",
    pcts: Sequence[float] = DEPTH_PCTS,
    sizes_usd: Sequence[float] = (100_000.0, 1_000_000.0),
    n_levels: int | None = None,
) -> pd.DataFrame:
    """Snapshot metrics of every partition, computed here (``local``) or on Dask distributed.

    With ``engine="dask"`` each partition is one task on the cluster at ``scheduler``
    (``tcp://host:port``), or on a ``LocalCluster`` started for the call when it is ``None``.
    Both engines run the same kernels on the same partitions, so their results are equal.

    Returns
    -------
    DataFrame
        :func:`~flowscope.analytics.liquidity.snapshots.snapshot_metrics` rows, partitions
        in (date, venue) order.
    """
    if engine not in ("local", "dask"):
        msg = f"--engine: unknown engine {engine!r}; use local or dask"
        raise UsageError(msg, param_name="engine", received=engine)
    parts = [str(p) for p in partitions(root)]
    args = (ref, tuple(pcts), tuple(sizes_usd), n_levels)
    if engine == "dask":
        frames = _on_dask(parts, args, scheduler)
    else:
        frames = [_partition_metrics(p, *args) for p in parts]
    return pd.concat(frames, ignore_index=True)


def _on_dask(
    parts: list[str],
    args: tuple[RefPrice, tuple[float, ...], tuple[float, ...], int | None],
    scheduler: str | None,
) -> list[pd.DataFrame]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        msg = "--engine dask needs the `scale` extra: pip install 'flowscope[scale]'"
        raise MissingDependencyError(msg) from None
    columns = [[a] * len(parts) for a in args]
    if scheduler is None:
        kw = {"n_workers": 2, "processes": True, "host": "127.0.0.1", "dashboard_address": None}
        cluster = LocalCluster(**kw)  # type: ignore[no-untyped-call]
        with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
            return list(client.gather(client.map(_partition_metrics, parts, *columns)))
    with Client(scheduler, timeout="10s") as client:  # type: ignore[no-untyped-call]
        return list(client.gather(client.map(_partition_metrics, parts, *columns)))

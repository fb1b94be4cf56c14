"""A writer killed with SIGKILL in the middle of a large import leaves all or none of its batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from flowscope.storage import Store

WRITER = textwrap.dedent(
    """
    import sys
    import pandas as pd
    from flowscope.sources import read_file
    from flowscope.storage import Store

    path, csv = sys.argv[1], sys.argv[2]
    bars = read_file(csv, "prices").frame
    # A large batch made of the real BTC bars, repeated under 200 instrument names.
    big = pd.concat([bars.assign(symbol=f"BTC-COPY-{i:03d}") for i in range(200)], ignore_index=True)
    store = Store(path)
    with store.transaction():
        store.upsert("prices", bars, source="cryptoquant")
        print("STARTED", len(bars) + len(big), flush=True)
        store.upsert("prices", big, source="cryptoquant")
    print("COMMITTED", flush=True)
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("delay_s", [0.0, 0.3, 1.0])
def test_sigkill_mid_import_leaves_all_or_nothing(tmp_path, shared_data, delay_s):
    db = tmp_path / "crash.duckdb"
    Store(db).close()
    csv = shared_data / "btc_prices" / "moltovy_cryptoquant_btc_usd_spot_ohlcv_daily.csv"
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(csv)], stdout=subprocess.PIPE, text=True
    ) as proc:
        line = proc.stdout.readline()
        assert line.startswith("STARTED"), line
        expected = int(line.split()[1])
        time.sleep(delay_s)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    with Store(db) as store:
        n = store.sql("SELECT count(*) AS n FROM prices")["n"].iloc[0]
        logged = store.sql("SELECT count(*) AS n FROM ingest_log")["n"].iloc[0]
    assert n in (0, expected)
    assert logged == (0 if n == 0 else 2)
    assert proc.returncode == -signal.SIGKILL

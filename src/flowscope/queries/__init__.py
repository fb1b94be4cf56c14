"""Store to frames: the read side used by the CLI, the brief and the dashboard.

Each module here opens nothing itself; it takes an open :class:`flowscope.storage.Store`
and returns pandas DataFrames in base units (USD, %, UTC), choosing one source per
dataset with the dataset's declared preference. No SQL lives outside ``storage`` and
``queries``.
"""

"""Type aliases that carry meaning (dates, sessions, frames)."""

from __future__ import annotations

import datetime as dt
from typing import Literal, TypeAlias

import numpy as np
import pandas as pd

__all__ = ["DateLike", "Float64Array", "Frame", "OutputFormat", "Session"]

#: Anything :func:`pandas.Timestamp` accepts as a calendar date ("2025-11-13", date, Timestamp).
DateLike: TypeAlias = str | dt.date | dt.datetime | pd.Timestamp
#: A date that must be a trading session of the calendar in use (XNYS unless said otherwise).
Session: TypeAlias = DateLike
Frame: TypeAlias = pd.DataFrame
Float64Array: TypeAlias = np.ndarray[tuple[int, ...], np.dtype[np.float64]]
OutputFormat: TypeAlias = Literal["table", "csv", "json"]

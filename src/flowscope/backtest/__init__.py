"""Vectorised backtests, sweeps and walk-forward over daily or intraday bars (pure)."""

"""Pure analytics: frames in, frames out, base units (USD, %, UTC); no I/O."""

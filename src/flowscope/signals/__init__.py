"""Point-in-time front signals and the composite regime (pure: frames in, frames out)."""

"""The local dashboard and its JSON API (the ``serve`` extra)."""

"""Sign views (being written)."""

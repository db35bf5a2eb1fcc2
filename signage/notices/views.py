"""Public notice pages (being written)."""

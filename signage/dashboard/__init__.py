"""The operator's home page: what needs attention today."""

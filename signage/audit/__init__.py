"""The tamper-evident audit log: every change to a record appends one entry."""

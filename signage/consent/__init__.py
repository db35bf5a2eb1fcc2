"""Consent records of regulation.md §7: appended events, signed receipts, withdrawal and deletion."""

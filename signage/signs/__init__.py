"""Printable warning signs: the first layer, each a record with a QR code."""

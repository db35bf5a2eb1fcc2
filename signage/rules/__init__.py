"""The rules engine of regulation.md §4: packs, required fields, findings, settings and the CN calendar.

Pure: no Flask, no SQLAlchemy, no clock. `signage.rules.engine.site_findings` is the one entry point.
"""

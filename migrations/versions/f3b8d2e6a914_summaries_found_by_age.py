"""summaries found by age

Housekeeping looks for sites whose stored findings summary is missing or older than a day; without an
index on findings_at that is a scan of every site on every pass.

Revision ID: f3b8d2e6a914
Revises: e1f5a3c9b7d4
Create Date: 2026-12-01 12:10:00

"""
from alembic import op


revision = 'f3b8d2e6a914'
down_revision = 'e1f5a3c9b7d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_sites_findings_at', 'sites', ['findings_at'])


def downgrade():
    op.drop_index('ix_sites_findings_at', table_name='sites')

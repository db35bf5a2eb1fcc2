"""summaries found by age, and jobs that count their failed attempts

Housekeeping looks for sites whose stored findings summary is missing or older than a day; without an
index on findings_at that is a scan of every site on every pass. A job whose batch fails is tried again
by later runs and set aside only after failing the same batch several runs in a row.

Revision ID: f3b8d2e6a914
Revises: e1f5a3c9b7d4
Create Date: 2026-12-01 12:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f3b8d2e6a914'
down_revision = 'e1f5a3c9b7d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_sites_findings_at', 'sites', ['findings_at'])
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_column('attempts')
    op.drop_index('ix_sites_findings_at', table_name='sites')

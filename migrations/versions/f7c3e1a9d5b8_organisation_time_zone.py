"""the organisation's time zone: the dashboard shows times in it, and audit-log days are its days

Revision ID: f7c3e1a9d5b8
Revises: d2a6c8e4f1b3
Create Date: 2026-12-01 17:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f7c3e1a9d5b8'
down_revision = 'd2a6c8e4f1b3'
branch_labels = None
depends_on = None


def upgrade():
    # plain ALTER TABLE on both databases, as in b9d4e7a2c615; every organisation so far saw UTC
    op.add_column('organisations', sa.Column('time_zone', sa.String(length=64), nullable=False, server_default='UTC'))


def downgrade():
    op.drop_column('organisations', 'time_zone')

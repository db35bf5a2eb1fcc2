"""register jurisdictions carry their row's sort keys, with an index per sort

A list filtered by jurisdiction walked the register's sort index and probed each row for the jurisdiction:
at 100,000 sites, a quarter of them in China, a page of 50 touched 25,000 rows on PostgreSQL. With the
keys beside each jurisdiction, the page is one range of one index. The keys are copied from the rows the
table already has, so the filter answers the same before and after.

Revision ID: a4e8c2f6d1b9
Revises: c7d2e9a4f1b6
Create Date: 2026-12-02 19:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a4e8c2f6d1b9'
down_revision = 'c7d2e9a4f1b6'
branch_labels = None
depends_on = None

KEYS = (('status_rank', sa.Integer(), '0'), ('name_key', sa.String(length=200), ''),
        ('city_key', sa.String(length=100), ''), ('since_order', sa.BigInteger(), '0'))


def upgrade():
    with op.batch_alter_table('register_jurisdictions', schema=None) as batch_op:
        for name, type_, default in KEYS:
            batch_op.add_column(sa.Column(name, type_, nullable=False, server_default=default))
    for name, _type, _default in KEYS:
        op.execute(f"UPDATE register_jurisdictions SET {name} = (SELECT {name} FROM register_entries"
                   " WHERE register_entries.site_id = register_jurisdictions.site_id)")
    with op.batch_alter_table('register_jurisdictions', schema=None) as batch_op:
        for name, type_, _default in KEYS:
            batch_op.alter_column(name, existing_type=type_, existing_nullable=False, server_default=None)
        batch_op.create_index('ix_register_jurisdiction_by_name',
                              ['jurisdiction', 'status_rank', 'name_key', 'site_id'], unique=False)
        batch_op.create_index('ix_register_jurisdiction_by_city',
                              ['jurisdiction', 'status_rank', 'city_key', 'name_key', 'site_id'], unique=False)
        batch_op.create_index('ix_register_jurisdiction_by_since',
                              ['jurisdiction', 'status_rank', 'since_order', 'site_id'], unique=False)


def downgrade():
    with op.batch_alter_table('register_jurisdictions', schema=None) as batch_op:
        batch_op.drop_index('ix_register_jurisdiction_by_since')
        batch_op.drop_index('ix_register_jurisdiction_by_city')
        batch_op.drop_index('ix_register_jurisdiction_by_name')
        for name, _type, _default in reversed(KEYS):
            batch_op.drop_column(name)

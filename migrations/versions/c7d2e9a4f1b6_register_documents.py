"""register documents: each register row's CSV line, JSON document and GeoJSON feature as the downloads write
them, kept beside the row, so a download joins text instead of encoding every row

The table starts empty: until housekeeping has written a row's documents, a download writes that row itself,
with the same bytes, so the downloads are whole and correct at every moment of the upgrade.

Revision ID: c7d2e9a4f1b6
Revises: b5e1c0a7d3f2
Create Date: 2026-12-02 13:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c7d2e9a4f1b6'
down_revision = 'b5e1c0a7d3f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('register_documents',
    sa.Column('site_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('format', sa.Integer(), nullable=False),
    sa.Column('csv_text', sa.Text(), nullable=False),
    sa.Column('json_text', sa.Text(), nullable=False),
    sa.Column('geojson_text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['register_entries.site_id'], name=op.f('fk_register_documents_site_id_register_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('site_id', name=op.f('pk_register_documents'))
    )


def downgrade():
    op.drop_table('register_documents')

"""notice pages rendered ahead: the public page of each current notice version in each language

A derived cache that housekeeping fills; the public notice serves a page from it only while its format
and its MAC match, so an empty table (as right after this migration) only means pages are rendered live.

Revision ID: d2a6c8e4f1b3
Revises: b9d4e7a2c615
Create Date: 2026-12-01 18:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd2a6c8e4f1b3'
down_revision = 'b9d4e7a2c615'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'notice_pages',
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('language', sa.String(length=10), nullable=False),
        sa.Column('format', sa.String(length=80), nullable=False),
        sa.Column('parts', sa.LargeBinary(), nullable=False),
        sa.Column('mac', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['version_id'], ['notice_versions.id'],
                                name=op.f('fk_notice_pages_version_id_notice_versions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('version_id', 'language', name=op.f('pk_notice_pages')),
    )


def downgrade():
    op.drop_table('notice_pages')

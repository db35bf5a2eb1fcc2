"""a sign's placement in each language: a name, printed as written where a language has none

Revision ID: e9b3d7f1a2c4
Revises: c4e8a2f6b9d1
Create Date: 2026-12-01 20:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e9b3d7f1a2c4'
down_revision = 'c4e8a2f6b9d1'
branch_labels = None
depends_on = None


def upgrade():
    # plain ALTER TABLE ADD COLUMN on both databases: the signs made so far have their placement as written
    op.add_column('signs', sa.Column('text_translations', sa.JSON(), nullable=True))


def downgrade():
    op.drop_column('signs', 'text_translations')

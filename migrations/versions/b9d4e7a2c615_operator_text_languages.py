"""operator text in each language: the language of a site's main text, and the organisation's names

A site's main text fields are written in one language, recorded in text_language, with the other
languages in text_translations; rows from before are in English, as the API took them. The
organisation's legal name, address and officer's name may be given per language.

Revision ID: b9d4e7a2c615
Revises: f3b8d2e6a914
Create Date: 2026-12-01 14:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b9d4e7a2c615'
down_revision = 'f3b8d2e6a914'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_language', sa.String(length=10), nullable=False, server_default='en'))
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_translations', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_column('name_translations')
    with op.batch_alter_table('sites', schema=None) as batch_op:
        batch_op.drop_column('text_language')

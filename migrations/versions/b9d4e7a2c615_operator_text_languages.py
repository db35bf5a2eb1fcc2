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
    # plain ALTER TABLE on both databases (SQLite adds and drops columns in place since 3.35): a batch
    # rebuild of `sites` on SQLite would drop the triggers that keep its counts and its search table
    op.add_column('sites', sa.Column('text_language', sa.String(length=10), nullable=False, server_default='en'))
    op.add_column('organisations', sa.Column('name_translations', sa.JSON(), nullable=True))
    # SIGN-LANGUAGE and the way errors are counted are new: every stored findings summary is out of date, and
    # housekeeping (or the next page that shows one) computes it again
    op.execute("UPDATE sites SET findings_at = NULL")


def downgrade():
    op.drop_column('organisations', 'name_translations')
    op.drop_column('sites', 'text_language')

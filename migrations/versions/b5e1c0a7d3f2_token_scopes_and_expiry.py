"""API tokens get a scope (read, or read-write) and an expiry date

Tokens made before scopes existed could write, so they become read-write; they had no expiry, so they
expire a year after this upgrade (the longest a new token may live), not at once: an integration
keeps working while its owner rotates the token.

Revision ID: b5e1c0a7d3f2
Revises: 288623c3f561
Create Date: 2026-12-02 10:30:00

"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


revision = 'b5e1c0a7d3f2'
down_revision = '288623c3f561'
branch_labels = None
depends_on = None

#: What existing tokens are given: a year from the upgrade, as signage.auth.services.MAX_TOKEN_DAYS.
LEGACY_TOKEN_DAYS = 365


def upgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope', sa.String(length=10), nullable=False, server_default='read-write'))
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint('scope', "scope IN ('read', 'read-write')")
    tokens = sa.table('api_tokens', sa.column('expires_at', sa.DateTime(timezone=True)))
    expiry = datetime.now(timezone.utc) + timedelta(days=LEGACY_TOKEN_DAYS)
    if op.get_context().dialect.name == 'sqlite':
        expiry = expiry.replace(tzinfo=None)  # stored without an offset, as signage.database.UTCDateTime does
    op.execute(tokens.update().values(expires_at=expiry))
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_constraint('scope', type_='check')  # named ck_api_tokens_scope by the convention
        batch_op.drop_column('expires_at')
        batch_op.drop_column('scope')

"""the transparency log: the Merkle tree hashes its tiles publish, and the signed checkpoints

Revision ID: 288623c3f561
Revises: 7428f1ff9a14
Create Date: 2026-12-02 07:31:11.028510

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '288623c3f561'
down_revision = '7428f1ff9a14'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('log_checkpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('root', sa.LargeBinary(length=32), nullable=False),
    sa.Column('note', sa.String(length=2000), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_log_checkpoints'))
    )
    with op.batch_alter_table('log_checkpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_log_checkpoints_signed_at'), ['signed_at'], unique=False)

    op.create_table('log_hashes',
    sa.Column('level', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('index', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
    sa.PrimaryKeyConstraint('level', 'index', name=op.f('pk_log_hashes'))
    )


def downgrade():
    op.drop_table('log_hashes')
    with op.batch_alter_table('log_checkpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_log_checkpoints_signed_at'))

    op.drop_table('log_checkpoints')

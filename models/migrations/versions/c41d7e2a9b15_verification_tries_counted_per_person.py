"""verification tries counted per person: the national ID's keyed digest on each try

Revision ID: c41d7e2a9b15
Revises: 335a6b644a27
Create Date: 2026-11-22 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'c41d7e2a9b15'
down_revision: str | None = '335a6b644a27'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('verification_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_verification_attempts_subject_at', ['subject', 'attempted_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('verification_attempts', schema=None) as batch_op:
        batch_op.drop_index('ix_verification_attempts_subject_at')
        batch_op.drop_column('subject')

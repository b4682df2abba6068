"""follow-up standing keeps values, not words

The stored rows no longer carry the reason's wording (messages/ makes it when the list is
shown). Rows stored before are of the older format (services.standing.FORMAT), so they
are recomputed rather than read; downgrading empties the cache for the same reason.

Revision ID: 3b8e1f0c7d2a
Revises: e386256120a9
Create Date: 2026-11-30 06:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '3b8e1f0c7d2a'
down_revision: str | None = 'e386256120a9'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('followup_standing', schema=None) as batch_op:
        batch_op.drop_column('reason_text')


def downgrade() -> None:
    # a cache: the older code recomputes it (its format differs), so no wording is rebuilt here
    op.execute("DELETE FROM followup_standing")
    op.execute("UPDATE followup_standing_state SET format = NULL")
    with op.batch_alter_table('followup_standing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_text', sa.Text(), nullable=False, server_default=''))
        batch_op.alter_column('reason_text', server_default=None)

"""follow-up standing keeps its counts per district and reason

The refresh writes how many stored rows each district has of each reason, so an officer's
`วันนี้` reads them from the state row instead of counting every stored row each time. A list
stored before has none and is counted as before until the next refresh.

Revision ID: b5d1c0a7e9f2
Revises: aa23aa6e6002
Create Date: 2026-11-30 11:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'b5d1c0a7e9f2'
down_revision: str | None = 'aa23aa6e6002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('followup_standing_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counts', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('followup_standing_state', schema=None) as batch_op:
        batch_op.drop_column('counts')

"""proactive contacts indexed by day

Each reminder job reads the day's proactive contacts (one contact a day per person), and the
table keeps every day's: without an index on the day that read scans months of contacts
(100,000 a day on a national register's reminder day).

Revision ID: a4c7e2d9b310
Revises: d3f8a61c2e94
Create Date: 2026-11-30 15:15:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = 'a4c7e2d9b310'
down_revision: str | None = 'd3f8a61c2e94'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(op.f('ix_proactive_contacts_contact_day'), 'proactive_contacts', ['contact_day'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_proactive_contacts_contact_day'), table_name='proactive_contacts')

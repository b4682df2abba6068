"""applications record who reviewed and who decided, with their notes (the two-person rule)

Revision ID: a7c3e91d5b20
Revises: 7c1d2e3f4a5b
Create Date: 2026-11-23 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = 'a7c3e91d5b20'
down_revision: str | None = '7c1d2e3f4a5b'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('measure_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewed_by_staff_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('review_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('decided_by_staff_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decided_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('decided_at', models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('decision_note', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_measure_applications_reviewed_by_staff_id_staff_members'),
                                    'staff_members', ['reviewed_by_staff_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_measure_applications_decided_by_staff_id_staff_members'),
                                    'staff_members', ['decided_by_staff_id'], ['id'])
    # Before this, `officer` was whoever moved it last: for one under review that is who
    # reviewed it, for one approved or rejected who decided (the reviewer was not kept).
    op.execute("UPDATE measure_applications SET reviewed_by = officer, reviewed_at = status_changed_at "
               "WHERE status = 'under_review' AND officer IS NOT NULL")
    op.execute("UPDATE measure_applications SET decided_by = officer, decided_at = status_changed_at, "
               "decision_note = note WHERE status IN ('approved', 'rejected') AND officer IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('measure_applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_measure_applications_decided_by_staff_id_staff_members'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_measure_applications_reviewed_by_staff_id_staff_members'),
                                 type_='foreignkey')
        batch_op.drop_column('decision_note')
        batch_op.drop_column('decided_at')
        batch_op.drop_column('decided_by')
        batch_op.drop_column('decided_by_staff_id')
        batch_op.drop_column('review_note')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewed_by')
        batch_op.drop_column('reviewed_by_staff_id')

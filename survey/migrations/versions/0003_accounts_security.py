"""coordinator accounts, one-time tokens, credential lifetimes, login throttling, audit log

Credentials that exist at the upgrade get the default lifetime counted from the
upgrade (30 days for dashboard links, 365 for API tokens), so existing organisations
keep working: their link still claims the first coordinator account.

The audit log is append-only: triggers refuse UPDATE and DELETE (and, on PostgreSQL,
TRUNCATE) of its rows.

Revision ID: 0003
Revises: 0001
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LINK_LIFETIME = timedelta(days=30)
API_TOKEN_LIFETIME = timedelta(days=365)

PG_FUNCTION = """
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$
"""
PG_TRIGGERS = (
    "CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()",
)
SQLITE_TRIGGERS = tuple(
    f"CREATE TRIGGER audit_events_no_{op_name.lower()} BEFORE {op_name} ON audit_events "
    f"BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: {op_name} is not allowed'); END"
    for op_name in ("UPDATE", "DELETE")
)


def upgrade() -> None:
    now = datetime.now(UTC).replace(tzinfo=None)
    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("outcome", sa.String(length=10), nullable=False),
        sa.Column("actor_kind", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("actor_name", sa.String(length=254), nullable=True),
        sa.Column("organisation_id", sa.String(length=36), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("target", sa.String(length=120), nullable=True),
        sa.Column("detail", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_event"), ["event"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_events_organisation_id"), ["organisation_id"], unique=False
        )
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    op.create_table(
        "coordinators",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("credentials_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_coordinators_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coordinators")),
        sa.UniqueConstraint("email", name=op.f("uq_coordinators_email")),
    )
    with op.batch_alter_table("coordinators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coordinators_organisation_id"), ["organisation_id"], unique=False
        )
    op.create_table(
        "account_tokens",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("organisation_id", sa.String(length=36), nullable=False),
        sa.Column("coordinator_id", sa.String(length=36), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("created_by", sa.String(length=36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["coordinators.id"],
            name=op.f("fk_account_tokens_coordinator_id_coordinators"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_account_tokens_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_tokens_token_hash")),
    )
    with op.batch_alter_table("account_tokens", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_account_tokens_coordinator_id"), ["coordinator_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_account_tokens_organisation_id"), ["organisation_id"], unique=False
        )

    _add_expiring_column("organisations", "coordinator_token_expires_at", now + LINK_LIFETIME)
    _add_expiring_column("api_tokens", "expires_at", now + API_TOKEN_LIFETIME)
    for table, column in (
        ("organisations", "coordinator_token_revoked_at"),
        ("api_tokens", "revoked_at"),
        ("responses", "token_revoked_at"),
    ):
        op.add_column(table, sa.Column(column, sa.DateTime(timezone=True), nullable=True))
    op.add_column("users", sa.Column("totp_secret", sa.String(length=64), nullable=True))
    op.add_column("users", sa.Column("totp_last_step", sa.Integer(), nullable=True))

    if not _sqlite():
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _add_expiring_column(table: str, column: str, expires: datetime) -> None:
    """Add a NOT NULL expiry column, filled for the rows that exist now.

    Never by copying the table (SQLite's batch mode): with foreign keys on, dropping the
    old ``organisations`` table would delete every round through ON DELETE CASCADE. SQLite
    takes the value as a constant default instead (in SQLAlchemy's storage format).
    """
    if _sqlite():
        default = expires.strftime("%Y-%m-%d %H:%M:%S.%f")
        op.add_column(
            table,
            sa.Column(column, sa.DateTime(timezone=True), nullable=False, server_default=default),
        )
        return
    op.add_column(table, sa.Column(column, sa.DateTime(timezone=True), nullable=True))
    rows = sa.table(table, sa.column(column, sa.DateTime(timezone=True)))
    op.execute(rows.update().values({column: expires}))
    op.alter_column(table, column, existing_type=sa.DateTime(timezone=True), nullable=False)


def _drop_column(table: str, column: str) -> None:
    """SQLite (3.35+) drops a column in place, again without copying the table."""
    if _sqlite():
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    else:
        op.drop_column(table, column)


def downgrade() -> None:
    if not _sqlite():
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update_delete ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    for table, column in (
        ("users", "totp_last_step"),
        ("users", "totp_secret"),
        ("responses", "token_revoked_at"),
        ("api_tokens", "revoked_at"),
        ("api_tokens", "expires_at"),
        ("organisations", "coordinator_token_revoked_at"),
        ("organisations", "coordinator_token_expires_at"),
    ):
        _drop_column(table, column)
    op.drop_table("account_tokens")
    op.drop_table("coordinators")
    op.drop_table("login_throttle")
    op.drop_table("audit_events")

"""SQLAlchemy models: organisations, rounds, responses, answers and stored results;
accounts, one-time tokens, login throttling and the append-only audit log; actions;
personal invitations, round schedules, archived rounds and the mail outbox.

Long because it is every table of one metadata, which the migrations are checked
against; it holds declarations and their constraints (the audit log's append-only guard
among them), not services.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    TypeDecorator,
    event,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    ORMExecuteState,
    Session,
    mapped_column,
    relationship,
)

from survey.errors import AppendOnly
from survey.policy import DEFAULT_POLICY

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_id() -> str:
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC timestamps on both SQLite and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    sector: Mapped[str] = mapped_column(String(40), index=True)
    size_band: Mapped[str] = mapped_column(String(20), index=True)
    country: Mapped[str] = mapped_column(String(2), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    share_with_integrity_office: Mapped[bool] = mapped_column(Boolean, default=False)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    coordinator_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The dashboard link: it claims the first coordinator account, then is used up.
    coordinator_token_expires_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=lambda: DEFAULT_POLICY.expiry("coordinator_link", utcnow())
    )
    coordinator_token_revoked_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), nullable=True
    )

    rounds: Mapped[list[Round]] = relationship(
        back_populates="organisation", cascade="all, delete-orphan", order_by="Round.opened_at"
    )


class Round(Base):
    __tablename__ = "rounds"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    label: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="open")
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    invite_code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    control_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    enablement_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    quadrant: Mapped[str | None] = mapped_column(String(20), nullable=True)
    control_respondents: Mapped[int] = mapped_column(Integer, default=0)
    enablement_respondents: Mapped[int] = mapped_column(Integer, default=0)
    coherent: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    submitted_count: Mapped[int] = mapped_column(Integer, default=0)
    scheme: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    """The scoring rules of the round's instruments (their schema version: 1 or 2)."""
    control_margin: Mapped[float | None] = mapped_column(Float, nullable=True)
    enablement_margin: Mapped[float | None] = mapped_column(Float, nullable=True)
    near_line: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    control_left_out: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    enablement_left_out: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    organisation: Mapped[Organisation] = relationship(back_populates="rounds")
    instruments: Mapped[list[RoundInstrument]] = relationship(
        cascade="all, delete-orphan", order_by="RoundInstrument.position", lazy="selectin"
    )

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class RoundInstrument(Base):
    """An instrument chosen for a round, pinned to the version answered."""

    __tablename__ = "round_instruments"

    round_id: Mapped[str] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    instrument_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    instrument_version: Mapped[str] = mapped_column(String(20))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Response(Base):
    __tablename__ = "responses"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(40))
    lang: Mapped[str] = mapped_column(String(5), default="en")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_page: Mapped[int] = mapped_column(Integer, default=0)
    token_revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Answer(Base):
    """One answer per response and item; a later save replaces it."""

    __tablename__ = "answers"

    response_id: Mapped[str] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    instrument_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    option_value: Mapped[str] = mapped_column(String(60))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DimensionResult(Base):
    """An organisation's stored score per closed round, instrument and dimension."""

    __tablename__ = "dimension_results"

    round_id: Mapped[str] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    instrument_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    dimension_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    organisation_id: Mapped[str] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    instrument_version: Mapped[str] = mapped_column(String(20))
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    respondents: Mapped[int] = mapped_column(Integer, default=0)
    role_groups: Mapped[int] = mapped_column(Integer, default=0)
    dont_know_rate: Mapped[float | None] = mapped_column(Float, nullable=True)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    answering_respondents: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ungated_level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    left_out: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    fragile: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    turnover_error: Mapped[float | None] = mapped_column(Float, nullable=True)
    """The score's standard error from respondent turnover (never published)."""

    __table_args__ = (
        Index("ix_dimension_results_instrument", "instrument_id", "instrument_version"),
        Index("ix_dimension_results_organisation", "organisation_id"),
    )


class InstrumentResult(Base):
    __tablename__ = "instrument_results"

    round_id: Mapped[str] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    instrument_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    instrument_version: Mapped[str] = mapped_column(String(20))
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    dimensions: Mapped[int] = mapped_column(Integer, default=0)
    scored_dimensions: Mapped[int] = mapped_column(Integer, default=0)
    min_respondents: Mapped[int] = mapped_column(Integer, default=0)


class RoleResult(Base):
    """A role group's dimension score; shown only where the anonymity rule allows."""

    __tablename__ = "role_results"

    round_id: Mapped[str] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(40), primary_key=True)
    instrument_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    dimension_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    respondents: Mapped[int] = mapped_column(Integer, default=0)


class ItemResult(Base):
    __tablename__ = "item_results"

    round_id: Mapped[str] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    instrument_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    dimension_id: Mapped[str] = mapped_column(String(80))
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    respondents: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)
    dont_know_rate: Mapped[float | None] = mapped_column(Float, nullable=True)
    role_spread: Mapped[float | None] = mapped_column(Float, nullable=True)
    priority: Mapped[float | None] = mapped_column(Float, nullable=True)
    weight: Mapped[float] = mapped_column(Float, default=1.0)
    level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    advice: Mapped[str | None] = mapped_column(String(10), nullable=True)
    left_out: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class UseResult(Base):
    """Schema 2: an organisation's score per instrument and functional use."""

    __tablename__ = "use_results"

    round_id: Mapped[str] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    instrument_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    use: Mapped[str] = mapped_column(String(20), primary_key=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    respondents: Mapped[int] = mapped_column(Integer, default=0)
    views: Mapped[int] = mapped_column(Integer, default=0)
    left_out: Mapped[int] = mapped_column(Integer, default=0)
    fragile: Mapped[bool | None] = mapped_column(Boolean, nullable=True)


class OrientationResult(Base):
    """Schema 2: the balance (orientation) of one instrument's answers, with its margins."""

    __tablename__ = "orientation_results"

    round_id: Mapped[str] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    instrument_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    control: Mapped[float | None] = mapped_column(Float, nullable=True)
    enablement: Mapped[float | None] = mapped_column(Float, nullable=True)
    quadrant: Mapped[str | None] = mapped_column(String(20), nullable=True)
    control_respondents: Mapped[int] = mapped_column(Integer, default=0)
    enablement_respondents: Mapped[int] = mapped_column(Integer, default=0)
    control_margin: Mapped[float | None] = mapped_column(Float, nullable=True)
    enablement_margin: Mapped[float | None] = mapped_column(Float, nullable=True)
    near_line: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    control_left_out: Mapped[int] = mapped_column(Integer, default=0)
    enablement_left_out: Mapped[int] = mapped_column(Integer, default=0)


class ViewResult(Base):
    """Schema 2: a view (a role group, or ``other`` for the pool) of an item, a use or a
    balance axis; the dimension views are :class:`RoleResult` rows."""

    __tablename__ = "view_results"

    round_id: Mapped[str] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    instrument_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), primary_key=True)
    figure_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    view: Mapped[str] = mapped_column(String(40), primary_key=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    respondents: Mapped[int] = mapped_column(Integer, default=0)


class User(Base):
    """An integrity-office user who logs in to the sector view."""

    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Optional TOTP second factor: the base32 seed, and the time step of the last code
    # accepted (a code is usable once).
    totp_secret: Mapped[str | None] = mapped_column(String(64), nullable=True)
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Sessions that began before this moment are no longer valid (password changed).
    credentials_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ApiToken(Base):
    """An integrity-office API token, stored only as a hash."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=lambda: DEFAULT_POLICY.expiry("api_token", utcnow())
    )
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class Coordinator(Base):
    """A coordinator account of an organisation (e-mail address and argon2 password)."""

    __tablename__ = "coordinators"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Sessions that began before this moment are no longer valid (password changed or reset).
    credentials_changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The language of the pages when the account was claimed or the invitation accepted:
    # notices are sent in it (None, for older accounts: in every language).
    lang: Mapped[str | None] = mapped_column(String(5), nullable=True)


class AccountToken(Base):
    """A coordinator's token: a one-time, short-lived invitation or password reset, or a
    personal API token (kind ``personal``, with a label, used until it expires)."""

    __tablename__ = "account_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    kind: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    coordinator_id: Mapped[str | None] = mapped_column(
        ForeignKey("coordinators.id", ondelete="CASCADE"), nullable=True, index=True
    )
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    label: Mapped[str | None] = mapped_column(String(80), nullable=True)
    created_by: Mapped[str | None] = mapped_column(String(36), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class LoginThrottle(Base):
    """Failed sign-ins per account or client address, shared by every worker."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class AuditEvent(Base):
    """One security event: who, when, from where, what; never a secret. Append-only:
    the ORM refuses updates and deletes (below), and so do database triggers."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    event: Mapped[str] = mapped_column(String(40), index=True)
    outcome: Mapped[str] = mapped_column(String(10))
    actor_kind: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    actor_name: Mapped[str | None] = mapped_column(String(254), nullable=True)
    organisation_id: Mapped[str | None] = mapped_column(String(36), nullable=True, index=True)
    address: Mapped[str | None] = mapped_column(String(64), nullable=True)
    target: Mapped[str | None] = mapped_column(String(120), nullable=True)
    detail: Mapped[str | None] = mapped_column(String(500), nullable=True)


class ReportCache(Base):
    """A rendered report, kept until what it depends on changes (shared by all workers)."""

    __tablename__ = "report_cache"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


@event.listens_for(Session, "before_flush")
def _audit_rows_are_never_changed(session: Session, _context: Any, _instances: Any) -> None:
    for row in session.deleted:
        if isinstance(row, AuditEvent):
            raise AppendOnly("audit events cannot be deleted")
    for row in session.dirty:
        if isinstance(row, AuditEvent) and session.is_modified(row):
            raise AppendOnly("audit events cannot be changed")


@event.listens_for(Session, "do_orm_execute")
def _no_bulk_changes_to_audit_rows(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is AuditEvent for mapper in state.all_mappers
    ):
        raise AppendOnly("audit events cannot be changed or deleted")


class Action(Base):
    """An improvement action the coordinators agreed on after a round: what, who, by when.

    It targets one or more dimensions of one instrument of the round, may come from a
    finding (an item and the kind of finding) and is carried into the organisation's
    later rounds, which show the change of the dimensions it targets."""

    __tablename__ = "actions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[str] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    instrument_id: Mapped[str] = mapped_column(String(60))
    dimension_ids: Mapped[list[str]] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(200))
    owner_role: Mapped[str | None] = mapped_column(String(40), nullable=True)
    owner_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    due: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="planned")
    note: Mapped[str] = mapped_column(String(2000), default="")
    origin_item: Mapped[str | None] = mapped_column(String(80), nullable=True)
    origin_finding: Mapped[str | None] = mapped_column(String(20), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RoundSchedule(Base):
    """A round's optional deadline, reminder days and response targets per role."""

    __tablename__ = "round_schedules"

    round_id: Mapped[str] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    reminder_days: Mapped[str] = mapped_column(String(200), default="")
    """Days after the round opened on which reminders go out, comma separated."""
    reminders_sent: Mapped[int] = mapped_column(Integer, default=0)
    """How many of ``reminder_days`` have been sent (in order)."""
    targets: Mapped[str] = mapped_column(String(500), default="")
    """Response targets as ``role=count`` pairs, comma separated."""


class Invitation(Base):
    """A personal invitation: the address is kept only while the round is open."""

    __tablename__ = "invitations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    round_id: Mapped[str] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    email: Mapped[str | None] = mapped_column(String(254), nullable=True)
    role: Mapped[str] = mapped_column(String(40))
    lang: Mapped[str] = mapped_column(String(5))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    response_id: Mapped[str | None] = mapped_column(
        ForeignKey("responses.id", ondelete="SET NULL"), nullable=True, unique=True
    )
    """The response this link started; erased with the address when the round closes."""


class OutboxMessage(Base):
    """A mail waiting to be sent, claimed by one worker at a time, retried with back-off."""

    __tablename__ = "mail_outbox"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    recipient: Mapped[str] = mapped_column(String(254))
    lang: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(String(20_000))
    body_html: Mapped[str] = mapped_column(String(40_000))
    invitation_id: Mapped[str | None] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), nullable=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claim: Mapped[str | None] = mapped_column(String(36), nullable=True)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)


class RoundArchive(Base):
    """A closed round the coordinator archived: listed apart, its results unchanged."""

    __tablename__ = "round_archive"

    round_id: Mapped[str] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    archived_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

"""SQLAlchemy models: organisations, rounds, responses, answers and stored results."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

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


class ApiToken(Base):
    """An integrity-office API token, stored only as a hash."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReportCache(Base):
    """A rendered report, kept until what it depends on changes (shared by all workers)."""

    __tablename__ = "report_cache"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    media_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

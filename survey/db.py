"""Database engine and sessions: SQLite (embedded, WAL) or PostgreSQL.

SQLite's ``synchronous`` pragma is a setting (``SQLITE_SYNCHRONOUS``): ``normal``, the
default, syncs the write-ahead log at checkpoints only, so a commit costs no fsync and a
killed process loses nothing it acknowledged, while a crash of the operating system or a
power cut may lose the last commits (never corrupting the file); ``full`` syncs every
commit and survives those too, at about one fsync (some milliseconds) per save."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, Executable, create_engine, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


def normalise_url(url: str) -> str:
    """Use the psycopg 3 driver for plain ``postgresql://`` URLs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


Synchronous = Literal["full", "normal"]


DEFAULT_POOL_SIZE = 4


def make_engine(
    url: str,
    *,
    busy_timeout_ms: int = 30_000,
    synchronous: Synchronous = "normal",
    pool_size: int = DEFAULT_POOL_SIZE,
    **kwargs: Any,
) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
            **kwargs,
        )
        _configure_sqlite(engine, busy_timeout_ms, synchronous)
        return engine
    kwargs.setdefault("pool_size", pool_size)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int, synchronous: Synchronous) -> None:
    """WAL for concurrent readers, ``synchronous`` as configured (see the module), and
    BEGIN IMMEDIATE so writers queue instead of failing on lock upgrades."""
    if synchronous not in ("full", "normal"):
        raise ValueError(f"synchronous must be 'full' or 'normal', not {synchronous!r}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous.upper()}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """An engine and its session factory; built once by the composition root."""

    def __init__(
        self,
        url: str,
        *,
        busy_timeout_ms: int = 30_000,
        synchronous: Synchronous = "normal",
        pool_size: int = DEFAULT_POOL_SIZE,
        **engine_kwargs: Any,
    ):
        self.url = normalise_url(url)
        self.engine = make_engine(
            self.url,
            busy_timeout_ms=busy_timeout_ms,
            synchronous=synchronous,
            pool_size=pool_size,
            **engine_kwargs,
        )
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @property
    def capacity(self) -> int:
        """How many request sessions may hold a connection at once: one on SQLite (one
        writer at a time, every transaction begins ``IMMEDIATE``), else the pool's
        size (``DATABASE_POOL_SIZE``), which leaves its overflow to sessions opened
        outside a request's gate (``web.request_db``)."""
        if self.is_sqlite:
            return 1
        pool: Any = self.engine.pool
        return int(pool.size())

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session whose transaction commits on success and rolls back on error."""
        with self.sessions() as session, session.begin():
            yield session

    def ping(self) -> None:
        """Run ``SELECT 1`` on a connection of its own (raises when the database is
        unreachable or locked past the busy timeout)."""
        with self.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")

    def dispose(self) -> None:
        self.engine.dispose()


@dataclass(frozen=True)
class Upsert:
    """An insert-on-conflict statement, built once for each dialect.

    It takes its values as parameters (``session.execute(statement, rows)``), so
    SQLAlchemy compiles it once, whatever the rows and however many there are."""

    by_dialect: Mapping[str, Executable]

    def execute(self, session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run it in the session's transaction, as Core (no ORM bulk machinery)."""
        if rows:
            connection = session.connection()
            connection.execute(self.by_dialect[connection.dialect.name], list(rows))


def upsert(model: type[DeclarativeBase], keys: Sequence[str], update: Sequence[str] = ()) -> Upsert:
    """Insert rows of ``model``; where one with the same ``keys`` exists, overwrite its
    ``update`` columns (latest wins), or leave it as it is when ``update`` is empty."""

    def build(insert: Callable[[Any], Any]) -> Executable:
        statement = insert(model)
        if not update:
            return statement.on_conflict_do_nothing(index_elements=list(keys))  # type: ignore[no-any-return]
        return statement.on_conflict_do_update(  # type: ignore[no-any-return]
            index_elements=list(keys), set_={name: statement.excluded[name] for name in update}
        )

    return Upsert({"postgresql": build(pg_insert), "sqlite": build(sqlite_insert)})

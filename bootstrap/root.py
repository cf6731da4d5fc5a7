"""What the web app and the command line share, built once per process.

:func:`build_root` reads the settings (from the environment unless given), opens the
``Database``, loads the instrument library, makes the round → pinned instruments cache
and sizes the password-hashing slots; the benchmark frames cache is made on first use
(its module loads Polars, which most commands never need). ``web.app.create_app`` and every ``survey``
command that needs one of them take it from the :class:`Root`; nothing else builds
them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from instruments import InstrumentLibrary, default_library
from survey import passwords
from survey.db import Database
from survey.services.pinned import PinnedInstruments
from web.settings import WebSettings

if TYPE_CHECKING:
    from analytics.service import BenchmarkCache


@dataclass(frozen=True)
class Root:
    settings: WebSettings
    database: Database
    library: InstrumentLibrary
    pinned: PinnedInstruments

    @cached_property
    def benchmarks(self) -> BenchmarkCache:
        """The closed rounds' benchmark frames, shared by every request of the process."""
        from analytics.service import BenchmarkCache

        return BenchmarkCache()

    def close(self) -> None:
        """Give back the database's connections (the app's shutdown, a command's end)."""
        self.database.dispose()


def build_root(
    settings: WebSettings | None = None, *, library: InstrumentLibrary | None = None
) -> Root:
    """The root; tests pass their own settings or instruments."""
    settings = settings or WebSettings()
    library = library or default_library()
    passwords.configure(settings.password_hash_concurrency, settings.password_hash_wait_seconds)
    return Root(
        settings=settings,
        database=Database(
            settings.database_url,
            busy_timeout_ms=settings.sqlite_busy_timeout_ms,
            synchronous=settings.sqlite_synchronous,
            pool_size=settings.database_pool_size,
        ),
        library=library,
        pinned=PinnedInstruments(library),
    )

"""The composition root: builds the Litestar application from settings."""

from __future__ import annotations

from litestar import Litestar

from instruments import default_library
from survey.db import Database
from survey.settings import Settings, get_settings
from web.controllers.health import HealthController
from web.state import AppState


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    library = default_library()
    database = Database(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    state = AppState(settings=settings, database=database, library=library)
    return Litestar(
        route_handlers=[HealthController],
        state=state.as_litestar_state(),
        on_shutdown=[lambda: database.dispose()],
        debug=settings.debug,
    )

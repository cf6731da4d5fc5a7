from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.exceptions import ServiceUnavailableException
from sqlalchemy.exc import SQLAlchemyError

from survey.db import Database
from web.controllers.api.openapi import DATABASE, errors
from web.errors import RETRY_AFTER_SECONDS


class HealthController(Controller):
    path = "/health"
    tags = ["health"]

    @get(
        sync_to_thread=True,
        summary="Liveness and database check",
        responses=errors(DATABASE),
    )
    def health(self, database: NamedDependency[Database]) -> dict[str, str]:
        # Outside the request session and its gate: it waits for no queue of writers,
        # only for the database itself.
        try:
            database.ping()
        except SQLAlchemyError as exc:
            raise ServiceUnavailableException(
                "database unavailable", headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
            ) from exc
        return {"status": "ok"}

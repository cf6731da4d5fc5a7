from __future__ import annotations

from litestar import Controller, get
from litestar.datastructures import State
from litestar.exceptions import ServiceUnavailableException
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from web.controllers.api.openapi import DATABASE, errors
from web.errors import RETRY_AFTER_SECONDS
from web.state import app_state


class HealthController(Controller):
    path = "/health"
    tags = ["health"]

    @get(
        sync_to_thread=True,
        summary="Liveness and database check",
        responses=errors(DATABASE),
    )
    def health(self, state: State) -> dict[str, str]:
        try:
            with app_state(state).database.session() as session:
                session.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            raise ServiceUnavailableException(
                "database unavailable", headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
            ) from exc
        return {"status": "ok"}

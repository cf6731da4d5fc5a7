from __future__ import annotations

from litestar import Controller, get
from litestar.exceptions import ServiceUnavailableException
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

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
    def health(self, db: Session) -> dict[str, str]:
        try:
            db.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            raise ServiceUnavailableException(
                "database unavailable", headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
            ) from exc
        return {"status": "ok"}

"""Report downloads, one path for the API and the pages.

A download is prepared in the request's transaction (the round read, the cache looked
up, the download recorded in the audit trail), which is then committed, so that its
gate slot goes to the next request and no SQLite writer waits while the report is
rendered outside any transaction. Neither a browser nor a proxy keeps the file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from anyio.to_thread import run_sync
from litestar import Request, Response
from sqlalchemy.orm import Session

from analytics.report.service import (
    PendingReport,
    Report,
    finish_report,
    prepare_report,
    prepare_sector_report,
)
from instruments import InstrumentLibrary
from survey.db import Database
from survey.models import Organisation
from survey.services import audit, rounds
from survey.settings import Settings
from web import downloads, request_db

AnyRequest = Request[Any, Any, Any]


def attachment(report: Report) -> Response[bytes]:
    """The report as a response: HTML inline, the other formats as an attachment."""
    content, media_type, filename = report
    media_type = media_type.split(";")[0]  # Litestar adds the charset of text types itself
    disposition = "inline" if media_type.startswith("text/html") else "attachment"
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


async def round_report(
    request: AnyRequest,
    db: Session,
    database: Database,
    coordinator: Organisation,
    round_id: str,
    library: InstrumentLibrary,
    settings: Settings,
    *,
    format: str,
    lang: str,
    peers: str,
) -> Response[bytes]:
    """The improvement report of the coordinator's round ``round_id``."""

    def prepare() -> Report | PendingReport:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        return prepare_report(
            db, round_, library, format=format, lang=lang, settings=settings, peer_group=peers
        )

    return await _downloaded(
        request,
        db,
        database,
        coordinator,
        prepare,
        target=f"round:{round_id}",
        detail=f"round report as {format}, {lang}, peers {peers}",
    )


async def sector_report(
    request: AnyRequest,
    db: Session,
    database: Database,
    caller: downloads.Caller,
    library: InstrumentLibrary,
    *,
    instrument: str,
    format: str,
    lang: str,
) -> Response[bytes]:
    """The sector report of ``instrument`` for the integrity office."""

    def prepare() -> Report | PendingReport:
        return prepare_sector_report(
            db, library, instrument_id=instrument, format=format, lang=lang
        )

    return await _downloaded(
        request,
        db,
        database,
        caller,
        prepare,
        target=f"instrument:{instrument}",
        detail=f"sector report as {format}, {lang}",
    )


async def _downloaded(
    request: AnyRequest,
    db: Session,
    database: Database,
    caller: downloads.Caller,
    prepare: Callable[[], Report | PendingReport],
    *,
    target: str,
    detail: str,
) -> Response[bytes]:
    """``prepare`` and the audit record in the request's transaction, the commit, then
    the rendering outside it."""

    def prepared_and_recorded() -> Report | PendingReport:
        prepared = prepare()
        downloads.record(db, request, caller, audit.REPORT_DOWNLOAD, target=target, detail=detail)
        return prepared

    prepared = await run_sync(prepared_and_recorded)
    await request_db.commit(request)
    return attachment(await run_sync(finish_report, database, prepared))

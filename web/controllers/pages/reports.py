"""Report downloads for signed-in coordinators and integrity-office users."""

from __future__ import annotations

from typing import Any

from anyio.to_thread import run_sync
from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect
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
from survey.models import Organisation, User
from survey.services import audit, rounds
from survey.settings import Settings
from web import downloads, request_db
from web.controllers.api.reports import attachment
from web.controllers.pages.common import PageController, redirect
from web.controllers.pages.coordinator_callers import report_page
from web.controllers.pages.visitor_callers import OFFICE_PAGES

ROUND_FORMATS = ("html", "pdf", "xlsx", "csv")
PEER_GROUPS = ("all", "sector", "size_band", "country", "sector,size_band", "sector,country")


async def _download(
    request: Request[Any, Any, Any], database: Database, prepared: Report | PendingReport
) -> Response[bytes]:
    """The report, rendered once the request's transaction has ended and given its slot
    of the session gate to the next request."""
    await request_db.commit(request)
    response = attachment(await run_sync(finish_report, database, prepared))
    response.headers["Cache-Control"] = "no-store"
    return response


class ReportPages(PageController):
    @get("/rounds/{round_id:str}/report", name="round_report", guards=[report_page])
    async def round_report(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        library: NamedDependency[InstrumentLibrary],
        settings: NamedDependency[Settings],
        database: NamedDependency[Database],
        page_lang: NamedDependency[str],
        round_id: FromPath[str],
    ) -> Response[bytes]:
        export_format = request.query_params.get("format") or "html"
        peers = request.query_params.get("peers") or "sector"
        if export_format not in ROUND_FORMATS or peers not in PEER_GROUPS:
            raise NotFoundException()

        def prepare() -> Report | PendingReport:
            round_ = rounds.get_round(db, round_id, of=coordinator)
            prepared = prepare_report(
                db,
                round_,
                library,
                format=export_format,
                lang=page_lang,
                settings=settings,
                peer_group=peers,
            )
            downloads.record(
                db,
                request,
                coordinator,
                audit.REPORT_DOWNLOAD,
                target=f"round:{round_.id}",
                detail=f"round report as {export_format}, {page_lang}, peers {peers}",
            )
            return prepared

        return await _download(request, database, await run_sync(prepare))

    @get(
        "/office/reports/sector",
        name="office_sector_report",
        dependencies=OFFICE_PAGES,
    )
    async def sector_report(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        office_user_or_none: NamedDependency[User | None],
        library: NamedDependency[InstrumentLibrary],
        database: NamedDependency[Database],
        page_lang: NamedDependency[str],
    ) -> Response[bytes] | Redirect:
        export_format = request.query_params.get("format") or "html"
        instrument = request.query_params.get("instrument") or "sm-maturity"
        if export_format not in ("html", "pdf"):
            raise NotFoundException()
        if office_user_or_none is None:
            return redirect(request, request.app.route_reverse("login"))
        user = office_user_or_none

        def prepare() -> Report | PendingReport:
            prepared = prepare_sector_report(
                db, library, instrument_id=instrument, format=export_format, lang=page_lang
            )
            downloads.record(
                db,
                request,
                user,
                audit.REPORT_DOWNLOAD,
                target=f"instrument:{instrument}",
                detail=f"sector report as {export_format}, {page_lang}",
            )
            return prepared

        return await _download(request, database, await run_sync(prepare))

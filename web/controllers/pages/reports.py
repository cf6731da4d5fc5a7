"""Report downloads for signed-in coordinators and integrity-office users."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect
from sqlalchemy.orm import Session

from analytics.benchmark import PEER_GROUPS
from analytics.report.formats import ROUND_FORMATS, SECTOR_FORMATS
from instruments import InstrumentLibrary
from survey.db import Database
from survey.models import Organisation, User
from survey.settings import Settings
from web import report_downloads
from web.controllers.pages.common import PageController, redirect
from web.controllers.pages.coordinator_callers import report_page
from web.controllers.pages.visitor_callers import OFFICE_PAGES


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
        return await report_downloads.round_report(
            request,
            db,
            database,
            coordinator,
            round_id,
            library,
            settings,
            format=export_format,
            lang=page_lang,
            peers=peers,
        )

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
        if export_format not in SECTOR_FORMATS:
            raise NotFoundException()
        if office_user_or_none is None:
            return redirect(request, request.app.route_reverse("login"))
        return await report_downloads.sector_report(
            request,
            db,
            database,
            office_user_or_none,
            library,
            instrument=instrument,
            format=export_format,
            lang=page_lang,
        )

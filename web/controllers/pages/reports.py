"""Report downloads for signed-in coordinators and integrity-office users."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import NotAuthorizedException, NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect

from analytics.report.service import finish_report, prepare_report, prepare_sector_report
from survey.models import User
from survey.services import audit, rounds
from web import downloads
from web.auth import coordinator_for, office_for
from web.controllers.api.reports import attachment
from web.controllers.pages.common import PageController, db_session, lang_of, redirect, state_of

ROUND_FORMATS = ("html", "pdf", "xlsx", "csv")
PEER_GROUPS = ("all", "sector", "size_band", "country", "sector,size_band", "sector,country")


class ReportPages(PageController):
    @get("/rounds/{round_id:str}/report", name="round_report", sync_to_thread=True)
    def round_report(
        self, request: Request[Any, Any, Any], round_id: FromPath[str]
    ) -> Response[bytes]:
        export_format = request.query_params.get("format") or "html"
        peers = request.query_params.get("peers") or "sector"
        if export_format not in ROUND_FORMATS or peers not in PEER_GROUPS:
            raise NotFoundException()
        app = state_of(request)
        with db_session(request) as session:
            organisation = coordinator_for(request, session)
            if organisation is None:
                raise NotAuthorizedException()
            round_ = rounds.get_round(session, round_id, of=organisation)
            prepared = prepare_report(
                session,
                round_,
                app.library,
                format=export_format,
                lang=lang_of(request),
                settings=app.settings,
                peer_group=peers,
            )
            downloads.record(
                session,
                request,
                organisation,
                audit.REPORT_DOWNLOAD,
                target=f"round:{round_.id}",
                detail=f"round report as {export_format}, {lang_of(request)}, peers {peers}",
            )
        report = finish_report(app.database, prepared)  # rendered after the transaction
        response = attachment(report)
        response.headers["Cache-Control"] = "no-store"
        return response

    @get("/office/reports/sector", name="office_sector_report", sync_to_thread=True)
    def sector_report(self, request: Request[Any, Any, Any]) -> Response[bytes] | Redirect:
        export_format = request.query_params.get("format") or "html"
        instrument = request.query_params.get("instrument") or "sm-maturity"
        if export_format not in ("html", "pdf"):
            raise NotFoundException()
        app = state_of(request)
        with db_session(request) as session:
            user = office_for(request, session)
            if not isinstance(user, User):
                return redirect(request, request.app.route_reverse("login"))
            prepared = prepare_sector_report(
                session,
                app.library,
                instrument_id=instrument,
                format=export_format,
                lang=lang_of(request),
            )
            downloads.record(
                session,
                request,
                user,
                audit.REPORT_DOWNLOAD,
                target=f"instrument:{instrument}",
                detail=f"sector report as {export_format}, {lang_of(request)}",
            )
        report = finish_report(app.database, prepared)  # rendered after the transaction
        response = attachment(report)
        response.headers["Cache-Control"] = "no-store"
        return response

"""Improvement reports of a round (coordinator) and sector reports (integrity office)."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Request, Response, get
from litestar.datastructures import State
from litestar.params import FromPath, Parameter

from analytics.report.formats import MEDIA_TYPES, ROUND_FORMATS, SECTOR_FORMATS
from analytics.report.service import (
    Report,
    finish_report,
    prepare_report,
    prepare_sector_report,
)
from survey.services import audit, rounds
from web import downloads
from web.auth import current_coordinator, current_office, require_coordinator, require_office
from web.controllers.api.openapi import GUARDED, documented_as, errors
from web.controllers.api.schemas import BEARER, Lang
from web.security import TOKEN_LIMIT
from web.state import app_state

RoundFormat = Literal["html", "pdf", "xlsx", "csv"]
SectorFormat = Literal["html", "pdf"]
PeerGroup = Literal["all", "sector", "size_band", "country", "sector,size_band", "sector,country"]


def attachment(report: Report) -> Response[bytes]:
    content, media_type, filename = report
    media_type = media_type.split(";")[0]  # Litestar adds the charset of text types itself
    disposition = "inline" if media_type.startswith("text/html") else "attachment"
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
    )


class RoundReportController(Controller):
    path = "/api/rounds"
    tags = ["reports"]
    guards = [require_coordinator]
    opt = TOKEN_LIMIT
    security = BEARER

    @get(
        "/{round_id:str}/report",
        summary="The round's improvement report (coordinator)",
        description="HTML or PDF report, XLSX action plan or CSV of the scores, in English "
        "or Dutch. Rendered once per round, language, format and peer group and served "
        "from a cache shared by all workers until what it depends on changes. "
        "409 while the round is open.",
        operation_class=documented_as([MEDIA_TYPES[f] for f in ROUND_FORMATS]),
        responses=errors(*GUARDED, 409),
        sync_to_thread=True,
    )
    def report(
        self,
        request: Request,
        state: State,
        round_id: FromPath[str],
        format: Annotated[RoundFormat, Parameter(description="Report format")] = "html",
        lang: Annotated[Lang, Parameter(description="Language of the report")] = "en",
        peers: Annotated[PeerGroup, Parameter(description="Peer group")] = "sector",
    ) -> Response[bytes]:
        app = app_state(state)
        with app.database.session() as db:
            caller = current_coordinator(request, db)
            round_ = rounds.get_round(db, round_id, of=caller)
            prepared = prepare_report(
                db,
                round_,
                app.library,
                format=format,
                lang=lang,
                settings=app.settings,
                peer_group=peers,
            )
            downloads.record(
                db,
                request,
                caller,
                audit.REPORT_DOWNLOAD,
                target=f"round:{round_.id}",
                detail=f"round report as {format}, {lang}, peers {peers}",
            )
        return attachment(finish_report(app.database, prepared))  # rendered after the transaction


class SectorReportController(Controller):
    path = "/api/benchmarks"
    tags = ["reports"]
    guards = [require_office]
    opt = TOKEN_LIMIT
    security = BEARER

    @get(
        "/report",
        summary="The sector benchmark report of an instrument (integrity office)",
        description="Distributions by sector, size band and country, the year-on-year "
        "trend and the most common weak items, with the anonymity rules applied.",
        operation_class=documented_as([MEDIA_TYPES[f] for f in SECTOR_FORMATS]),
        responses=errors(*GUARDED, 422),
        sync_to_thread=True,
    )
    def sector_report(
        self,
        request: Request,
        state: State,
        instrument: Annotated[str, Parameter(description="Instrument id")],
        format: Annotated[SectorFormat, Parameter(description="Report format")] = "html",
        lang: Annotated[Lang, Parameter(description="Language of the report")] = "en",
    ) -> Response[bytes]:
        app = app_state(state)
        with app.database.session() as db:
            caller = current_office(request, db)
            prepared = prepare_sector_report(
                db, app.library, instrument_id=instrument, format=format, lang=lang
            )
            downloads.record(
                db,
                request,
                caller,
                audit.REPORT_DOWNLOAD,
                target=f"instrument:{instrument}",
                detail=f"sector report as {format}, {lang}",
            )
        return attachment(finish_report(app.database, prepared))  # rendered after the transaction

"""Improvement reports of a round (coordinator) and sector reports (integrity office)."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, Parameter
from sqlalchemy.orm import Session

from analytics.report.formats import MEDIA_TYPES, ROUND_FORMATS, SECTOR_FORMATS
from instruments import InstrumentLibrary
from survey.db import Database
from survey.models import Organisation
from survey.settings import Settings
from web import report_downloads
from web.auth import require_coordinator, require_office
from web.controllers.api.openapi import GUARDED, documented_as, errors
from web.controllers.api.schemas import BEARER, Lang
from web.dependencies import OfficeCaller
from web.security import TOKEN_LIMIT

RoundFormat = Literal["html", "pdf", "xlsx", "csv"]
SectorFormat = Literal["html", "pdf"]
PeerGroup = Literal["all", "sector", "size_band", "country", "sector,size_band", "sector,country"]


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
    )
    async def report(
        self,
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        library: NamedDependency[InstrumentLibrary],
        settings: NamedDependency[Settings],
        database: NamedDependency[Database],
        request: Request,
        round_id: FromPath[str],
        format: Annotated[RoundFormat, Parameter(description="Report format")] = "html",
        lang: Annotated[Lang, Parameter(description="Language of the report")] = "en",
        peers: Annotated[PeerGroup, Parameter(description="Peer group")] = "sector",
    ) -> Response[bytes]:

        return await report_downloads.round_report(
            request,
            db,
            database,
            coordinator,
            round_id,
            library,
            settings,
            format=format,
            lang=lang,
            peers=peers,
        )


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
    )
    async def sector_report(
        self,
        db: NamedDependency[Session],
        office: OfficeCaller,
        library: NamedDependency[InstrumentLibrary],
        database: NamedDependency[Database],
        request: Request,
        instrument: Annotated[str, Parameter(description="Instrument id")],
        format: Annotated[SectorFormat, Parameter(description="Report format")] = "html",
        lang: Annotated[Lang, Parameter(description="Language of the report")] = "en",
    ) -> Response[bytes]:

        return await report_downloads.sector_report(
            request, db, database, office, library, instrument=instrument, format=format, lang=lang
        )

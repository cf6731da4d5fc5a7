"""The integrity office's dashboard: sector benchmarks with filters, charts and the export.

Signed-in office users only (a session; others are sent to the login page). The
filters are a GET form (``dashboard_filters``), so every view has its own address and
works without JavaScript; charts are drawn as on the coordinator's benchmark page,
each followed by its table (``dashboard_charts``). Real and demo (synthetic)
organisations are never mixed: the ``data`` filter chooses one of them, and demo data
is labelled.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import polars as pl
from anyio.to_thread import run_sync
from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from analytics import export_filters, item_report, service
from analytics.service import BenchmarkCache
from instruments import InstrumentLibrary
from survey.models import User
from survey.services import audit
from web import downloads, request_db
from web.controllers.api.exports import FORMATS, download
from web.controllers.api.exports import detail as export_detail
from web.controllers.assets import vega_url
from web.controllers.pages.common import NO_STORE, PageController, gettext, redirect, render
from web.controllers.pages.dashboard_charts import office_charts
from web.controllers.pages.dashboard_filters import export_filters_of, filter_form, filters_of
from web.controllers.pages.visitor_callers import OFFICE_PAGES
from web.i18n import N_

NOT_A_PEER_GROUP = N_(
    "This combination of filters is not available: choose a size band or a country, not both."
)


class DashboardPages(PageController):
    dependencies = OFFICE_PAGES

    @get("/office/dashboard", name="office_dashboard", sync_to_thread=True)
    def dashboard(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        office_user_or_none: NamedDependency[User | None],
        library: NamedDependency[InstrumentLibrary],
        benchmarks: NamedDependency[BenchmarkCache],
        page_lang: NamedDependency[str],
    ) -> Template | Redirect:
        if office_user_or_none is None:
            return redirect(request, request.app.route_reverse("login"))
        filters, offered, years, countries = filters_of(
            request.query_params, db, benchmarks, library
        )
        shown = office_charts(db, benchmarks, filters, page_lang)
        answers = item_report.load_answers(db, filters.instrument, synthetic=filters.demo)
        return render(
            request,
            "office/dashboard.html",
            headers=NO_STORE,
            user=office_user_or_none,
            filters=filters,
            fields=filter_form(page_lang, filters, offered, years, countries),
            not_a_peer_group=gettext(request, NOT_A_PEER_GROUP),
            exports=[
                {
                    "format": f,
                    "url": request.app.route_reverse("office_export")
                    + "?"
                    + urlencode({**dict(request.query_params), "format": f}),
                }
                for f in FORMATS
            ],
            vega_url=vega_url(request),
            item_statistics=item_report.item_statistics(answers, filters.instrument, page_lang),
            **shown,
        )

    @get("/office/dashboard/export", name="office_export")
    async def export(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        office_user_or_none: NamedDependency[User | None],
        library: NamedDependency[InstrumentLibrary],
        benchmarks: NamedDependency[BenchmarkCache],
    ) -> Response[bytes] | Redirect:
        """The scores export (as ``GET /api/exports/scores``) for a signed-in user, written
        once the request's transaction has ended."""
        export_format = request.query_params.get("format") or "csv"
        if export_format not in FORMATS:
            raise NotFoundException()
        if office_user_or_none is None:
            return redirect(request, request.app.route_reverse("login"))
        user = office_user_or_none

        def scores() -> pl.DataFrame:
            filters, *_ = filters_of(request.query_params, db, benchmarks, library)
            frame = export_filters.apply(
                service.export_scores(db, cache=benchmarks), export_filters_of(filters)
            )
            downloads.record(
                db,
                request,
                user,
                audit.EXPORT,
                target="scores",
                detail=export_detail(frame, export_format),
            )
            return frame

        frame = await run_sync(scores)
        await request_db.commit(request)
        response = await run_sync(download, frame, export_format)
        response.headers["Cache-Control"] = "no-store"
        return response

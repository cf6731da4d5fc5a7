"""Builds the Litestar application from the composition root (:mod:`bootstrap`)."""

from __future__ import annotations

import anyio
from litestar import Litestar
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from analytics.report.prerender import Prerenderer
from analytics.report.service import warm_up as warm_up_reports
from bootstrap import Root, build_root
from survey.mail.task import MailWorkerTask
from web.auth import SESSION_COOKIE, session_config
from web.collector import freeze_start_up_objects, unfreeze_start_up_objects
from web.controllers.api import API_CONTROLLERS
from web.controllers.api.benchmarks import BenchmarkController, RoundBenchmarkController
from web.controllers.api.exports import ExportController
from web.controllers.assets import AssetController
from web.controllers.favicon import favicon
from web.controllers.health import HealthController
from web.controllers.pages import PAGE_CONTROLLERS
from web.dependencies import DEPENDENCIES
from web.errors import exception_handlers
from web.input_guard import InputGuardMiddleware
from web.logs import mask_tokens_in_logs
from web.query_check import QueryCheck
from web.request_db import RequestSessionMiddleware
from web.security import (
    RateLimitMiddleware,
    RecentCounts,
    SessionBoundCSRFMiddleware,
    cookie_name,
    csrf_config,
    rate_limits,
    security_hooks,
)
from web.state import AppState
from web.stores import SharedStores, build_stores
from web.templating import static_files_router, template_config

API_VERSION = "1"


def openapi_config() -> OpenAPIConfig:
    """The schema at ``/schema/openapi.json``; no documentation UI (those load external scripts)."""
    return OpenAPIConfig(
        title="Social media maturity benchmark API",
        version=API_VERSION,
        description=(
            "Self-assessment of an organisation's social media policy: register, open "
            "rounds, collect anonymous responses, read the scores. Credentials travel as "
            "`Authorization: Bearer <token>`."
        ),
        path="/schema",
        render_plugins=[JsonRenderPlugin()],
        components=Components(
            security_schemes={
                "bearer": SecurityScheme(
                    type="http",
                    scheme="bearer",
                    description=(
                        "A coordinator's personal API token (made on /account/tokens; the "
                        "organisation's coordinator token also works until the first "
                        "coordinator account claims it), a respondent token or an "
                        "integrity-office API token."
                    ),
                )
            }
        ),
    )


def create_app(root: Root | None = None, *, stores: SharedStores | None = None) -> Litestar:
    """The application on ``root`` (built from the environment when not given, as when
    uvicorn calls the factory in each worker); tests pass their own root or stores."""
    mask_tokens_in_logs()
    root = root or build_root()
    settings, database = root.settings, root.database
    stores = stores or build_stores(settings)
    state = AppState.build(root)
    mail_worker = MailWorkerTask(database, settings, root.library)
    prerenderer = Prerenderer(database, root.library, settings, enabled=settings.report_prerender)

    async def warm_up() -> None:
        """Start the chart and PDF engines (fonts, templates) before the first report."""
        await anyio.to_thread.run_sync(warm_up_reports)

    async def shut_down() -> None:
        await mail_worker.stop()
        await anyio.to_thread.run_sync(prerenderer.stop)
        root.close()
        await stores.close()

    return Litestar(
        route_handlers=[
            HealthController,
            *API_CONTROLLERS,
            RoundBenchmarkController,
            BenchmarkController,
            ExportController,
            AssetController,
            favicon,
            static_files_router(),
            *PAGE_CONTROLLERS,
        ],
        state=state.as_litestar_state(),
        stores=stores.registry(),
        middleware=[
            DefineMiddleware(InputGuardMiddleware, max_bytes=settings.max_request_bytes),
            DefineMiddleware(
                RateLimitMiddleware,
                counter=stores.counter,
                limits=rate_limits(settings),
                recent=RecentCounts(),
            ),
            session_config(settings).middleware,
            DefineMiddleware(
                SessionBoundCSRFMiddleware,
                config=csrf_config(settings),
                session_cookie=cookie_name(SESSION_COOKIE, settings),
            ),
            RequestSessionMiddleware,
        ],
        dependencies=DEPENDENCIES,
        before_request=QueryCheck(),
        before_send=security_hooks(settings),
        exception_handlers=exception_handlers(),
        request_max_body_size=settings.max_request_bytes,
        template_config=template_config(settings),
        openapi_config=openapi_config(),
        on_startup=[
            state.gate.open,
            stores.clean_up,
            warm_up,
            mail_worker.start,
            prerenderer.start,
            freeze_start_up_objects,
        ],
        on_shutdown=[shut_down, unfreeze_start_up_objects],
        debug=settings.debug,
    )

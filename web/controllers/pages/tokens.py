"""A coordinator's personal API tokens in the browser: list, create, revoke, rotate.

A new or rotated token's secret is shown once, on the page that answers the form.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from survey.errors import InvalidInput
from survey.models import Coordinator, utcnow
from survey.policy import policy_from
from survey.services import personal_tokens
from survey.services.coordinators import IssuedToken
from survey.settings import Settings
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    form_value,
    gettext,
    redirect,
    render,
)
from web.controllers.pages.visitor_callers import ACCOUNT_PAGES, require_account
from web.i18n import N_
from web.security import client_address

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Req = Request[Any, Any, Any]

LABEL_ERROR = N_("Give the token a name of at most 80 characters (at most 20 live tokens).")


class TokenPages(PageController):
    dependencies = ACCOUNT_PAGES
    guards = [require_account]

    @get("/account/tokens", name="personal_tokens", sync_to_thread=True)
    def tokens(
        self,
        request: Req,
        db: NamedDependency[Session],
        settings: NamedDependency[Settings],
        account: NamedDependency[Coordinator],
    ) -> Template:
        return self._page(request, db, settings, account)

    @post("/account/tokens", name="personal_token_create", sync_to_thread=True)
    def create(
        self,
        request: Req,
        db: NamedDependency[Session],
        settings: NamedDependency[Settings],
        account: NamedDependency[Coordinator],
        data: FormData,
    ) -> Template:
        label = form_value(data, "label")
        try:
            with db.begin_nested():
                issued = personal_tokens.create(
                    db,
                    account,
                    label,
                    address=client_address(request.scope),
                    policy=policy_from(settings),
                )
        except InvalidInput:
            error = gettext(request, LABEL_ERROR)
            return self._page(
                request, db, settings, account, label=label, error=error, status_code=422
            )
        return self._page(request, db, settings, account, issued=issued, status_code=201)

    @post(
        "/account/tokens/{token_id:str}/revoke", name="personal_token_revoke", sync_to_thread=True
    )
    def revoke(
        self,
        request: Req,
        db: NamedDependency[Session],
        account: NamedDependency[Coordinator],
        token_id: FromPath[str],
    ) -> Redirect:
        personal_tokens.revoke(db, account, token_id, address=client_address(request.scope))
        return redirect(request, request.app.route_reverse("personal_tokens"))

    @post(
        "/account/tokens/{token_id:str}/rotate", name="personal_token_rotate", sync_to_thread=True
    )
    def rotate(
        self,
        request: Req,
        db: NamedDependency[Session],
        settings: NamedDependency[Settings],
        account: NamedDependency[Coordinator],
        token_id: FromPath[str],
    ) -> Template:
        issued = personal_tokens.rotate(
            db,
            account,
            token_id,
            address=client_address(request.scope),
            policy=policy_from(settings),
        )
        return self._page(request, db, settings, account, issued=issued)

    def _page(
        self,
        request: Req,
        session: Session,
        settings: Settings,
        me: Coordinator,
        *,
        issued: IssuedToken | None = None,
        label: str = "",
        error: str | None = None,
        status_code: int = 200,
    ) -> Template:
        now = utcnow()
        rows = [
            {
                "row": row,
                "state": "revoked"
                if row.revoked_at
                else ("expired" if row.expires_at <= now else "live"),
            }
            for row in personal_tokens.tokens_of(session, me)
        ]
        return render(
            request,
            "coordinator/tokens.html",
            status_code=status_code,
            headers=NO_STORE,
            me=me,
            tokens=rows,
            issued=issued,
            label=label,
            errors={"label": error} if error else {},
            lifetime_days=settings.personal_token_lifetime_days,
        )

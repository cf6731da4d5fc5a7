"""A coordinator's personal API tokens in the browser: list, create, revoke, rotate.

A new or rotated token's secret is shown once, on the page that answers the form.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from survey.errors import InvalidInput
from survey.models import Coordinator, utcnow
from survey.policy import policy_from
from survey.services import personal_tokens
from survey.services.coordinators import IssuedToken
from web.controllers.pages.accounts import signed_in_coordinator
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    db_session,
    form_value,
    gettext,
    redirect,
    render,
    state_of,
)
from web.i18n import N_
from web.security import client_address

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Req = Request[Any, Any, Any]

LABEL_ERROR = N_("Give the token a name of at most 80 characters (at most 20 live tokens).")


class TokenPages(PageController):
    @get("/account/tokens", name="personal_tokens", sync_to_thread=True)
    def tokens(self, request: Req) -> Template:
        with db_session(request) as session:
            me = signed_in_coordinator(request, session)
            return self._page(request, session, me)

    @post("/account/tokens", name="personal_token_create", sync_to_thread=True)
    def create(self, request: Req, data: FormData) -> Template:
        label = form_value(data, "label")
        with db_session(request) as session:
            me = signed_in_coordinator(request, session)
            try:
                issued = personal_tokens.create(
                    session,
                    me,
                    label,
                    address=client_address(request.scope),
                    policy=policy_from(state_of(request).settings),
                )
            except InvalidInput:
                error = gettext(request, LABEL_ERROR)
                return self._page(request, session, me, label=label, error=error, status_code=422)
            return self._page(request, session, me, issued=issued, status_code=201)

    @post(
        "/account/tokens/{token_id:str}/revoke", name="personal_token_revoke", sync_to_thread=True
    )
    def revoke(self, request: Req, token_id: FromPath[str]) -> Redirect:
        with db_session(request) as session:
            me = signed_in_coordinator(request, session)
            personal_tokens.revoke(session, me, token_id, address=client_address(request.scope))
        return redirect(request, request.app.route_reverse("personal_tokens"))

    @post(
        "/account/tokens/{token_id:str}/rotate", name="personal_token_rotate", sync_to_thread=True
    )
    def rotate(self, request: Req, token_id: FromPath[str]) -> Template:
        with db_session(request) as session:
            me = signed_in_coordinator(request, session)
            issued = personal_tokens.rotate(
                session,
                me,
                token_id,
                address=client_address(request.scope),
                policy=policy_from(state_of(request).settings),
            )
            return self._page(request, session, me, issued=issued)

    def _page(
        self,
        request: Req,
        session: Session,
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
            lifetime_days=state_of(request).settings.personal_token_lifetime_days,
        )

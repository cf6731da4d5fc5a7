"""An organisation's coordinators in the browser: the team page, inviting and removing
coordinators, and joining with an invitation link.

The invitation link (``/coordinators/join/{token}``) keeps its token in the server-side
session and redirects at once to a URL without it; the join form uses the kept token.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from survey.errors import Conflict, InvalidInput, NotFound
from survey.models import Coordinator, Organisation
from survey.passwords import MIN_LENGTH
from survey.policy import policy_from
from survey.services import coordinators
from survey.settings import Settings
from web.auth import login_coordinator_account, logout, remember
from web.controllers.pages.accounts import (
    address,
    kept_token,
    new_password,
    to_dashboard,
    translated,
)
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    absolute_url,
    form_value,
    lang_of,
    redirect,
    render,
)
from web.controllers.pages.visitor_callers import ACCOUNT_PAGES, require_account
from web.security import TOKEN_LIMIT

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Req = Request[Any, Any, Any]

INVITATION_KEY = "_invitation"
TEAM_PATH = "/organisations/{organisation_id:str}/coordinators"


def _own(account: Coordinator, organisation_id: str) -> Coordinator:
    """The signed-in account, when ``organisation_id`` is its organisation; 404 otherwise."""
    if account.organisation_id != organisation_id:
        raise NotFound("No such organisation.")
    return account


class TeamPages(PageController):
    dependencies = ACCOUNT_PAGES

    @get(TEAM_PATH, name="coordinators", guards=[require_account], sync_to_thread=True)
    def coordinators_page(
        self,
        request: Req,
        db: NamedDependency[Session],
        account: NamedDependency[Coordinator],
        organisation_id: FromPath[str],
    ) -> Template:
        return self._team(request, db, _own(account, organisation_id), "", {})

    @post(TEAM_PATH, name="coordinator_invite", guards=[require_account], sync_to_thread=True)
    def invite(
        self,
        request: Req,
        db: NamedDependency[Session],
        settings: NamedDependency[Settings],
        account: NamedDependency[Coordinator],
        organisation_id: FromPath[str],
        data: FormData,
    ) -> Template:
        me = _own(account, organisation_id)
        email = form_value(data, "email").strip()
        try:
            with db.begin_nested():
                issued = coordinators.invite(
                    db, me, email, address=address(request), policy=policy_from(settings)
                )
        except InvalidInput:
            return self._team(request, db, me, email, {"email": "email"}, 422)
        except Conflict:
            return self._team(request, db, me, email, {"email": "email_taken"}, 409)
        link = absolute_url(request, coordinators.INVITATION_PATH.format(token=issued.token))
        return self._team(request, db, me, "", {}, 201, invited=(issued.row, link))

    @post(
        TEAM_PATH + "/{coordinator_id:str}/remove",
        name="coordinator_remove",
        guards=[require_account],
        sync_to_thread=True,
    )
    def remove(
        self,
        request: Req,
        db: NamedDependency[Session],
        account: NamedDependency[Coordinator],
        organisation_id: FromPath[str],
        coordinator_id: FromPath[str],
    ) -> Template | Redirect:
        me = _own(account, organisation_id)
        try:
            with db.begin_nested():
                coordinators.remove(db, me, coordinator_id, address=address(request))
        except Conflict:
            return self._team(request, db, me, "", {"remove": "last"}, 409)
        if coordinator_id == me.id:
            logout(request)
            return redirect(request, request.app.route_reverse("coordinator_sign_in"))
        path = request.app.route_reverse("coordinators", organisation_id=organisation_id)
        return redirect(request, path)

    @get(
        "/coordinators/join/{token:str}",
        name="coordinator_join_link",
        sync_to_thread=True,
        opt=TOKEN_LIMIT,
    )
    def join_link(
        self, request: Req, db: NamedDependency[Session], token: FromPath[str]
    ) -> Redirect:
        """The invitation link: kept in the session, then a redirect without the token."""
        coordinators.pending(db, coordinators.INVITATION, token)
        remember(request, INVITATION_KEY, token)
        return redirect(request, request.app.route_reverse("coordinator_join"))

    @get("/coordinators/join", name="coordinator_join", sync_to_thread=True)
    def join_form(self, request: Req, db: NamedDependency[Session]) -> Template:
        token = kept_token(request, INVITATION_KEY)
        row = coordinators.pending(db, coordinators.INVITATION, token)
        return self._join(request, row.email or "", {})

    @post("/coordinators/join", name="coordinator_join_submit", sync_to_thread=True)
    def join(
        self, request: Req, db: NamedDependency[Session], data: FormData
    ) -> Template | Redirect:
        token = kept_token(request, INVITATION_KEY)
        password, errors = new_password(data)
        row = coordinators.pending(db, coordinators.INVITATION, token)
        if errors:
            return self._join(request, row.email or "", errors, status_code=422)
        try:
            with db.begin_nested():
                coordinator = coordinators.accept_invitation(
                    db, token, password, address=address(request), lang=lang_of(request)
                )
        except Conflict:
            return self._join(request, row.email or "", {"password": "email_taken"}, 409)
        login_coordinator_account(request, coordinator)
        return to_dashboard(request, coordinator)

    # --- helpers ----------------------------------------------------------------

    def _join(
        self, request: Req, email: str, errors: dict[str, str], status_code: int = 200
    ) -> Template:
        return render(
            request,
            "coordinator/join.html",
            status_code=status_code,
            headers=NO_STORE,
            email=email,
            min_length=MIN_LENGTH,
            errors=translated(request, errors),
        )

    def _team(
        self,
        request: Req,
        db: Session,
        me: Coordinator,
        email: str,
        errors: dict[str, str],
        status_code: int = 200,
        *,
        invited: tuple[Any, str] | None = None,
    ) -> Template:
        organisation = db.get(Organisation, me.organisation_id)
        assert organisation is not None
        return render(
            request,
            "coordinator/coordinators.html",
            status_code=status_code,
            headers=NO_STORE,
            organisation=organisation,
            me=me,
            team=coordinators.coordinators_of(db, organisation),
            email=email,
            invited=invited,
            errors=translated(request, errors),
        )

"""Coordinator accounts in the browser: signing in and out, claiming the first account
with the dashboard link, inviting, joining and removing coordinators, and passwords.

Links that carry a one-time token (``/coordinators/join/{token}``,
``/password-reset/{token}``) keep the token in the server-side session and redirect
at once to a URL without it; the form behind that URL uses the kept token.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from survey.errors import Conflict, InvalidInput, NotFound
from survey.models import Coordinator, Organisation
from survey.passwords import MAX_LENGTH, MIN_LENGTH, TOO_EASY, PasswordTooEasy, too_easy
from survey.policy import CredentialPolicy, policy_from
from survey.services import coordinators
from survey.services.login import LoginResult, Outcome
from web.auth import (
    USER_KEY,
    coordinator_account,
    link_organisation,
    login_coordinator_account,
    logout,
    recalled,
    remember,
    session_link_token,
)
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    absolute_url,
    db_session,
    form_value,
    gettext,
    lang_of,
    redirect,
    render,
    state_of,
)
from web.i18n import N_
from web.security import TOKEN_LIMIT, client_address

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Req = Request[Any, Any, Any]

INVITATION_KEY = "_invitation"
RESET_KEY = "_reset"
SIGN_IN_FIRST = N_("Sign in as a coordinator to see this page.")
LINK_NOT_VALID = N_("This link is not valid, or it has expired or been used.")
MESSAGES = {
    "email": N_("Give a valid e-mail address."),
    "email_taken": N_("There is already a coordinator account with this e-mail address."),
    "password": N_("Choose a password of %(min)s to %(max)s characters."),
    "password_easy": TOO_EASY,
    "password_missing": N_("Enter your password."),
    "current_password": N_("The current password is not right."),
    "repeat": N_("The two passwords are not the same."),
    "claimed": N_(
        "This organisation already has a coordinator account: ask a coordinator for an "
        "invitation, or have the password reset."
    ),
    "last": N_("The last coordinator of an organisation cannot be removed."),
    Outcome.FAILED: N_("The e-mail address or password is not right."),
    Outcome.LOCKED: N_("Too many failed sign-ins. Try again in %(minutes)s minute(s)."),
    Outcome.BUSY: N_("Too many sign-ins are being checked at once; try again shortly."),
}
STATUS = {Outcome.FAILED: 401, Outcome.LOCKED: 429, Outcome.BUSY: 503}


def _policy(request: Req) -> CredentialPolicy:
    return policy_from(state_of(request).settings)


def _address(request: Req) -> str:
    return client_address(request.scope)


def _message(request: Req, key: Any, **variables: Any) -> str:
    if key == "password":
        variables = {"min": MIN_LENGTH, "max": MAX_LENGTH}
    return gettext(request, MESSAGES[key], **variables)


def _new_password(data: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The new password of a form and the key of what is wrong with it, if anything."""
    password = form_value(data, "password")
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH or "\x00" in password:
        return password, {"password": "password"}
    if too_easy(password, [form_value(data, "email")]):
        return password, {"password": "password_easy"}
    if password != form_value(data, "password_repeat"):
        return password, {"password_repeat": "repeat"}
    return password, {}


def signed_in_coordinator(request: Req, session: Session) -> Coordinator:
    """The signed-in coordinator account; 401 (the error page says to sign in) if none."""
    found = coordinator_account(request, session)
    if found is None:
        raise NotAuthorizedException(detail=SIGN_IN_FIRST)
    return found


def _own(request: Req, session: Session, organisation_id: str) -> Coordinator:
    coordinator = signed_in_coordinator(request, session)
    if coordinator.organisation_id != organisation_id:
        raise NotFound("No such organisation.")
    return coordinator


def _dashboard(request: Req, coordinator: Coordinator) -> Redirect:
    path = request.app.route_reverse("dashboard", organisation_id=coordinator.organisation_id)
    return redirect(request, path)


class AccountPages(PageController):
    @get("/coordinators/sign-in", name="coordinator_sign_in", sync_to_thread=False)
    def sign_in_form(self, request: Req) -> Template:
        notice = request.query_params.get("notice")
        return self._sign_in(request, "", {}, notice=notice)

    @post(
        "/coordinators/sign-in",
        name="coordinator_sign_in_submit",
        sync_to_thread=True,
        opt=TOKEN_LIMIT,
    )
    def sign_in(self, request: Req, data: FormData) -> Template | Redirect:
        email = form_value(data, "email").strip()
        password = form_value(data, "password")
        if not email or not password:
            errors = {"email": "email"} if not email else {"password": "password_missing"}
            return self._sign_in(request, email, errors, status_code=422)
        with db_session(request) as session:
            result: LoginResult[Coordinator] = coordinators.login(
                session, email, password, address=_address(request), policy=_policy(request)
            )
            if result.ok and result.account is not None:
                login_coordinator_account(request, result.account)
                return _dashboard(request, result.account)
        minutes = max(1, -(-(result.retry_after or 60) // 60))
        message = gettext(request, MESSAGES[result.outcome], minutes=minutes)
        headers = {"Retry-After": str(result.retry_after)} if result.retry_after else {}
        return self._sign_in(
            request,
            email,
            {"password": message},
            status_code=STATUS.get(result.outcome, 401),
            headers=headers,
            translated=True,
        )

    @post("/sign-out", name="sign_out", sync_to_thread=False)
    def sign_out(self, request: Req) -> Redirect:
        """Ends any session; back to the sign-in page of whoever was signed in."""
        office = recalled(request, USER_KEY) is not None
        logout(request)
        if office:
            return redirect(request, request.app.route_reverse("login") + "?signed_out=1")
        path = request.app.route_reverse("coordinator_sign_in")
        return redirect(request, f"{path}?notice=signed_out")

    @get("/account/claim", name="account_claim", sync_to_thread=True)
    def claim_form(self, request: Req) -> Template:
        with db_session(request) as session:
            organisation = self._claimable(request, session)
        return self._claim(request, organisation, "", {})

    @post("/account/claim", name="account_claim_submit", sync_to_thread=True)
    def claim(self, request: Req, data: FormData) -> Template | Redirect:
        email = form_value(data, "email").strip()
        password, errors = _new_password(data)
        with db_session(request) as session:
            organisation = self._claimable(request, session)
            if not errors:
                try:
                    coordinator = coordinators.claim_first_account(
                        session,
                        session_link_token(request) or "",
                        email,
                        password,
                        address=_address(request),
                        lang=lang_of(request),
                    )
                except PasswordTooEasy:
                    errors = {"password": "password_easy"}
                except InvalidInput as exc:
                    errors = (
                        {"email": "email"} if exc.field == "email" else {"password": "password"}
                    )
                except Conflict as exc:
                    taken = "e-mail" in exc.message
                    errors = {"email": "email_taken"} if taken else {"email": "claimed"}
                else:
                    login_coordinator_account(request, coordinator)
                    return _dashboard(request, coordinator)
        return self._claim(request, organisation, email, errors, status_code=422)

    @get(
        "/organisations/{organisation_id:str}/coordinators",
        name="coordinators",
        sync_to_thread=True,
    )
    def coordinators_page(self, request: Req, organisation_id: FromPath[str]) -> Template:
        with db_session(request) as session:
            me = _own(request, session, organisation_id)
            return self._team(request, session, me, "", {})

    @post(
        "/organisations/{organisation_id:str}/coordinators",
        name="coordinator_invite",
        sync_to_thread=True,
    )
    def invite(self, request: Req, organisation_id: FromPath[str], data: FormData) -> Template:
        email = form_value(data, "email").strip()
        with db_session(request) as session:
            me = _own(request, session, organisation_id)
            try:
                issued = coordinators.invite(
                    session, me, email, address=_address(request), policy=_policy(request)
                )
            except InvalidInput:
                return self._team(request, session, me, email, {"email": "email"}, 422)
            except Conflict:
                return self._team(request, session, me, email, {"email": "email_taken"}, 409)
            link = absolute_url(request, coordinators.INVITATION_PATH.format(token=issued.token))
            return self._team(request, session, me, "", {}, 201, invited=(issued.row, link))

    @post(
        "/organisations/{organisation_id:str}/coordinators/{coordinator_id:str}/remove",
        name="coordinator_remove",
        sync_to_thread=True,
    )
    def remove(
        self, request: Req, organisation_id: FromPath[str], coordinator_id: FromPath[str]
    ) -> Template | Redirect:
        with db_session(request) as session:
            me = _own(request, session, organisation_id)
            try:
                coordinators.remove(session, me, coordinator_id, address=_address(request))
            except Conflict:
                return self._team(request, session, me, "", {"remove": "last"}, 409)
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
    def join_link(self, request: Req, token: FromPath[str]) -> Redirect:
        """The invitation link: kept in the session, then a redirect without the token."""
        with db_session(request) as session:
            coordinators.pending(session, coordinators.INVITATION, token)
        remember(request, INVITATION_KEY, token)
        return redirect(request, request.app.route_reverse("coordinator_join"))

    @get("/coordinators/join", name="coordinator_join", sync_to_thread=True)
    def join_form(self, request: Req) -> Template:
        with db_session(request) as session:
            row = coordinators.pending(
                session, coordinators.INVITATION, self._kept(request, INVITATION_KEY)
            )
            return self._join(request, row.email or "", {})

    @post("/coordinators/join", name="coordinator_join_submit", sync_to_thread=True)
    def join(self, request: Req, data: FormData) -> Template | Redirect:
        token = self._kept(request, INVITATION_KEY)
        password, errors = _new_password(data)
        with db_session(request) as session:
            row = coordinators.pending(session, coordinators.INVITATION, token)
            if errors:
                return self._join(request, row.email or "", errors, status_code=422)
            try:
                coordinator = coordinators.accept_invitation(
                    session, token, password, address=_address(request), lang=lang_of(request)
                )
            except Conflict:
                return self._join(request, row.email or "", {"password": "email_taken"}, 409)
            login_coordinator_account(request, coordinator)
            return _dashboard(request, coordinator)

    @get(
        "/password-reset/{token:str}",
        name="password_reset_link",
        sync_to_thread=True,
        opt=TOKEN_LIMIT,
    )
    def reset_link(self, request: Req, token: FromPath[str]) -> Redirect:
        """The reset link: kept in the session, then a redirect without the token."""
        with db_session(request) as session:
            coordinators.pending(session, coordinators.RESET, token)
        remember(request, RESET_KEY, token)
        return redirect(request, request.app.route_reverse("password_reset"))

    @get("/password-reset", name="password_reset", sync_to_thread=True)
    def reset_form(self, request: Req) -> Template:
        with db_session(request) as session:
            coordinators.pending(session, coordinators.RESET, self._kept(request, RESET_KEY))
        return self._password(request, "password_reset_submit", {})

    @post("/password-reset", name="password_reset_submit", sync_to_thread=True)
    def reset(self, request: Req, data: FormData) -> Template | Redirect:
        token = self._kept(request, RESET_KEY)
        password, errors = _new_password(data)
        with db_session(request) as session:
            coordinators.pending(session, coordinators.RESET, token)
            if errors:
                return self._password(request, "password_reset_submit", errors, 422)
            try:
                coordinators.reset_password(session, token, password, address=_address(request))
            except PasswordTooEasy:
                return self._password(
                    request, "password_reset_submit", {"password": "password_easy"}, 422
                )
        logout(request)
        path = request.app.route_reverse("coordinator_sign_in")
        return redirect(request, f"{path}?notice=password_reset")

    @get("/account/password", name="password_change", sync_to_thread=True)
    def change_form(self, request: Req) -> Template:
        with db_session(request) as session:
            signed_in_coordinator(request, session)
        return self._password(request, "password_change_submit", {}, current=True)

    @post("/account/password", name="password_change_submit", sync_to_thread=True)
    def change(self, request: Req, data: FormData) -> Template | Redirect:
        password, errors = _new_password(data)
        with db_session(request) as session:
            me = signed_in_coordinator(request, session)
            if not errors:
                try:
                    coordinators.change_password(
                        session,
                        me,
                        form_value(data, "current_password"),
                        password,
                        address=_address(request),
                    )
                except PasswordTooEasy:
                    errors = {"password": "password_easy"}
                except InvalidInput as exc:
                    errors = {exc.field or "password": exc.field or "password"}
                else:
                    login_coordinator_account(request, me)
                    return _dashboard(request, me)
        return self._password(request, "password_change_submit", errors, 422, current=True)

    # --- helpers ----------------------------------------------------------------

    def _kept(self, request: Req, key: str) -> str:
        token = recalled(request, key)
        if token is None:
            raise NotFound(LINK_NOT_VALID)
        return token

    def _claimable(self, request: Req, session: Session) -> Organisation:
        organisation = link_organisation(request, session)
        if organisation is None or not session_link_token(request):
            raise NotAuthorizedException(detail=SIGN_IN_FIRST)
        return organisation

    def _errors(self, request: Req, errors: dict[str, str]) -> dict[str, str]:
        return {field: _message(request, key) for field, key in errors.items()}

    def _sign_in(
        self,
        request: Req,
        email: str,
        errors: dict[str, str],
        *,
        status_code: int = 200,
        headers: dict[str, str] | None = None,
        translated: bool = False,
        notice: str | None = None,
    ) -> Template:
        return render(
            request,
            "coordinator/sign_in.html",
            status_code=status_code,
            headers={**NO_STORE, **(headers or {})},
            email=email,
            notice=notice,
            mail_on=state_of(request).settings.smtp_url is not None,
            errors=errors if translated else self._errors(request, errors),
        )

    def _claim(
        self,
        request: Req,
        organisation: Organisation,
        email: str,
        errors: dict[str, str],
        *,
        status_code: int = 200,
    ) -> Template:
        return render(
            request,
            "coordinator/claim.html",
            status_code=status_code,
            headers=NO_STORE,
            organisation=organisation,
            email=email,
            min_length=MIN_LENGTH,
            errors=self._errors(request, errors),
        )

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
            errors=self._errors(request, errors),
        )

    def _password(
        self,
        request: Req,
        action: str,
        errors: dict[str, str],
        status_code: int = 200,
        *,
        current: bool = False,
    ) -> Template:
        return render(
            request,
            "coordinator/password.html",
            status_code=status_code,
            headers=NO_STORE,
            action=action,
            current=current,
            min_length=MIN_LENGTH,
            errors=self._errors(request, errors),
        )

    def _team(
        self,
        request: Req,
        session: Session,
        me: Coordinator,
        email: str,
        errors: dict[str, str],
        status_code: int = 200,
        *,
        invited: tuple[Any, str] | None = None,
    ) -> Template:
        organisation = session.get(Organisation, me.organisation_id)
        assert organisation is not None
        return render(
            request,
            "coordinator/coordinators.html",
            status_code=status_code,
            headers=NO_STORE,
            organisation=organisation,
            me=me,
            team=coordinators.coordinators_of(session, organisation),
            email=email,
            invited=invited,
            errors=self._errors(request, errors),
        )

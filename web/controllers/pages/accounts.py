"""Coordinator accounts in the browser: signing in and out and claiming the first account
with the dashboard link; what the account pages share (messages, the new password's
checks, the token a one-time link left in the session).

The team (``accounts_team``) and the passwords (``accounts_password``) have their own
pages. Links that carry a one-time token (``/coordinators/join/{token}``,
``/password-reset/{token}``) keep the token in the server-side session and redirect
at once to a URL without it; the form behind that URL uses the kept token.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from survey.errors import Conflict, InvalidInput, NotFound
from survey.models import Coordinator, Organisation
from survey.passwords import MAX_LENGTH, MIN_LENGTH, TOO_EASY, PasswordTooEasy, too_easy
from survey.policy import policy_from
from survey.services import coordinators
from survey.services.login import LoginResult, Outcome
from survey.settings import Settings
from web.auth import (
    USER_KEY,
    link_organisation,
    login_coordinator_account,
    logout,
    recalled,
    session_link_token,
)
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    form_value,
    gettext,
    lang_of,
    redirect,
    render,
)
from web.controllers.pages.visitor_callers import SIGN_IN_AS_COORDINATOR
from web.i18n import N_
from web.security import TOKEN_LIMIT, client_address

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Req = Request[Any, Any, Any]

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


def address(request: Req) -> str:
    return client_address(request.scope)


def translated(request: Req, errors: dict[str, str]) -> dict[str, str]:
    """Each field's message, from its key in `MESSAGES`."""
    return {field: _message(request, key) for field, key in errors.items()}


def _message(request: Req, key: Any) -> str:
    variables = {"min": MIN_LENGTH, "max": MAX_LENGTH} if key == "password" else {}
    return gettext(request, MESSAGES[key], **variables)


def new_password(data: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The new password of a form and the key of what is wrong with it, if anything."""
    password = form_value(data, "password")
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH or "\x00" in password:
        return password, {"password": "password"}
    if too_easy(password, [form_value(data, "email")]):
        return password, {"password": "password_easy"}
    if password != form_value(data, "password_repeat"):
        return password, {"password_repeat": "repeat"}
    return password, {}


def kept_token(request: Req, key: str) -> str:
    """The token a one-time link left in the session; 404 without one."""
    token = recalled(request, key)
    if token is None:
        raise NotFound(LINK_NOT_VALID)
    return token


def to_dashboard(request: Req, coordinator: Coordinator) -> Redirect:
    path = request.app.route_reverse("dashboard", organisation_id=coordinator.organisation_id)
    return redirect(request, path)


class AccountPages(PageController):
    @get("/coordinators/sign-in", name="coordinator_sign_in", sync_to_thread=False)
    def sign_in_form(self, request: Req, settings: NamedDependency[Settings]) -> Template:
        notice = request.query_params.get("notice")
        return self._sign_in(request, settings, "", {}, notice=notice)

    @post(
        "/coordinators/sign-in",
        name="coordinator_sign_in_submit",
        sync_to_thread=True,
        opt=TOKEN_LIMIT,
    )
    def sign_in(
        self,
        request: Req,
        db: NamedDependency[Session],
        settings: NamedDependency[Settings],
        data: FormData,
    ) -> Template | Redirect:
        email = form_value(data, "email").strip()
        password = form_value(data, "password")
        if not email or not password:
            errors = {"email": "email"} if not email else {"password": "password_missing"}
            return self._sign_in(request, settings, email, translated(request, errors), 422)
        result: LoginResult[Coordinator] = coordinators.login(
            db, email, password, address=address(request), policy=policy_from(settings)
        )
        if result.ok and result.account is not None:
            login_coordinator_account(request, result.account)
            return to_dashboard(request, result.account)
        minutes = max(1, -(-(result.retry_after or 60) // 60))
        message = gettext(request, MESSAGES[result.outcome], minutes=minutes)
        headers = {"Retry-After": str(result.retry_after)} if result.retry_after else {}
        return self._sign_in(
            request,
            settings,
            email,
            {"password": message},
            STATUS.get(result.outcome, 401),
            headers=headers,
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
    def claim_form(self, request: Req, db: NamedDependency[Session]) -> Template:
        return self._claim(request, _claimable(request, db), "", {})

    @post("/account/claim", name="account_claim_submit", sync_to_thread=True)
    def claim(
        self, request: Req, db: NamedDependency[Session], data: FormData
    ) -> Template | Redirect:
        email = form_value(data, "email").strip()
        password, errors = new_password(data)
        organisation = _claimable(request, db)
        if not errors:
            try:
                with db.begin_nested():
                    coordinator = coordinators.claim_first_account(
                        db,
                        session_link_token(request) or "",
                        email,
                        password,
                        address=address(request),
                        lang=lang_of(request),
                    )
            except PasswordTooEasy:
                errors = {"password": "password_easy"}
            except InvalidInput as exc:
                errors = {"email": "email"} if exc.field == "email" else {"password": "password"}
            except Conflict as exc:
                taken = "e-mail" in exc.message
                errors = {"email": "email_taken"} if taken else {"email": "claimed"}
            else:
                login_coordinator_account(request, coordinator)
                return to_dashboard(request, coordinator)
        return self._claim(request, organisation, email, errors, status_code=422)

    # --- helpers ----------------------------------------------------------------

    def _sign_in(
        self,
        request: Req,
        settings: Settings,
        email: str,
        errors: dict[str, str],
        status_code: int = 200,
        *,
        headers: dict[str, str] | None = None,
        notice: str | None = None,
    ) -> Template:
        """The sign-in form; ``errors`` are translated already."""
        return render(
            request,
            "coordinator/sign_in.html",
            status_code=status_code,
            headers={**NO_STORE, **(headers or {})},
            email=email,
            notice=notice,
            mail_on=settings.smtp_url is not None,
            errors=errors,
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
            errors=translated(request, errors),
        )


def _claimable(request: Req, db: Session) -> Organisation:
    """The organisation of a live dashboard-link session; 401 otherwise."""
    organisation = link_organisation(request, db)
    if organisation is None or not session_link_token(request):
        raise NotAuthorizedException(detail=SIGN_IN_AS_COORDINATOR)
    return organisation

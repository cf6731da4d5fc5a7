"""The integrity office's security pages: the code step at sign-in, setting up the
authenticator app (TOTP; moving it to a new app needs a code from the old one), a
coordinator's password reset link, and the audit log.

After a right password, a user with a second factor (or one who must set it up, when
``OFFICE_TOTP_REQUIRED`` is on) is not signed in yet: the session keeps only the
user's id under ``_pending_user`` (or ``_enrol_user``) until the code is right.
"""

from __future__ import annotations

import io
from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from survey.errors import InvalidInput
from survey.models import User
from survey.policy import policy_from
from survey.services import audit, coordinators, totp, users
from survey.services.login import LoginResult, Outcome
from web.auth import login_user, office_for, recalled, remember
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    absolute_url,
    db_session,
    form_value,
    gettext,
    redirect,
    render,
    state_of,
)
from web.i18n import N_
from web.security import TOKEN_LIMIT, client_address

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Req = Request[Any, Any, Any]

PENDING_KEY = "_pending_user"
ENROL_KEY = "_enrol_user"
SECRET_KEY = "_totp_secret"  # noqa: S105 - a session key name
AUDIT_PAGE_SIZE = 100
EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}
SIGN_IN_FIRST = N_("Sign in as an integrity office to see this page.")
MESSAGES = {
    Outcome.FAILED: N_("The username or password is not right."),
    Outcome.LOCKED: N_("Too many failed sign-ins. Try again in %(minutes)s minute(s)."),
    Outcome.BUSY: N_("Too many sign-ins are being checked at once; try again shortly."),
}
STATUS = {Outcome.FAILED: 401, Outcome.LOCKED: 429, Outcome.BUSY: 503}
CODE_WRONG = N_("The code is not right. Enter the six digits your app shows now.")
EMAIL_INVALID = N_("Give a valid e-mail address.")
NO_ACCOUNT = N_("There is no coordinator account with this e-mail address.")


def login_message(request: Req, result: LoginResult[Any]) -> tuple[str, int]:
    """What a failed sign-in shows (translated), and its status code."""
    minutes = max(1, -(-(result.retry_after or 60) // 60))
    message = MESSAGES.get(result.outcome, MESSAGES[Outcome.FAILED])
    return gettext(request, message, minutes=minutes), STATUS.get(result.outcome, 401)


def office_user(request: Req, session: Session) -> User:
    """The signed-in integrity-office user (not an API token); 401 otherwise."""
    who = office_for(request, session)
    if not isinstance(who, User):
        raise NotAuthorizedException(detail=SIGN_IN_FIRST)
    return who


def _actor(user: User) -> audit.Actor:
    return audit.Actor(users.OFFICE, user.id, user.username)


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class OfficeSecurityPages(PageController):
    @get("/login/code", name="login_code", sync_to_thread=False)
    def code_form(self, request: Req) -> Template:
        if recalled(request, PENDING_KEY) is None:
            raise NotAuthorizedException(detail=SIGN_IN_FIRST)
        return self._code(request, {})

    @post("/login/code", name="login_code_submit", sync_to_thread=True, opt=TOKEN_LIMIT)
    def code(self, request: Req, data: FormData) -> Template | Redirect:
        with db_session(request) as session:
            user = users.get_user(session, recalled(request, PENDING_KEY))
            if user is None:
                raise NotAuthorizedException(detail=SIGN_IN_FIRST)
            result = users.complete_second_factor(
                session,
                user,
                form_value(data, "code"),
                address=client_address(request.scope),
                policy=policy_from(state_of(request).settings),
            )
            if result.ok:
                login_user(request, user)
                return redirect(request, request.app.route_reverse("office"))
        message, status_code = login_message(request, result)
        if result.outcome is Outcome.FAILED:
            message = gettext(request, CODE_WRONG)
        return self._code(request, {"code": message}, status_code)

    @get("/office/second-factor", name="office_totp", sync_to_thread=True)
    def enrol_form(self, request: Req) -> Template:
        with db_session(request) as session:
            user = self._enrolling(request, session)
            secret = totp.new_secret()
            remember(request, SECRET_KEY, secret)
            return self._enrol(request, user, secret, {})

    @post("/office/second-factor", name="office_totp_submit", sync_to_thread=True, opt=TOKEN_LIMIT)
    def enrol(self, request: Req, data: FormData) -> Template | Redirect:
        secret = recalled(request, SECRET_KEY)
        with db_session(request) as session:
            user = self._enrolling(request, session)
            if secret is None:
                return redirect(request, request.app.route_reverse("office_totp"))
            if user.totp_secret and not totp.use_code(user, form_value(data, "current_code")):
                errors = {"current_code": gettext(request, CODE_WRONG)}
                return self._enrol(request, user, secret, errors, status_code=422)
            try:
                totp.enrol(
                    session,
                    user,
                    secret,
                    form_value(data, "code"),
                    address=client_address(request.scope),
                )
            except InvalidInput:
                errors = {"code": gettext(request, CODE_WRONG)}
                return self._enrol(request, user, secret, errors, status_code=422)
            login_user(request, user)
        return redirect(request, request.app.route_reverse("office_security") + "?enrolled=1")

    @get("/office/security", name="office_security", sync_to_thread=True)
    def security_page(self, request: Req) -> Template:
        with db_session(request) as session:
            user = office_user(request, session)
            return self._security(request, user, "", {})

    @post("/office/security/reset", name="office_reset_coordinator", sync_to_thread=True)
    def reset_coordinator(self, request: Req, data: FormData) -> Template:
        email = form_value(data, "email").strip()
        with db_session(request) as session:
            user = office_user(request, session)
            try:
                coordinators.normalise_email(email)
            except InvalidInput:
                return self._security(request, user, email, {"email": EMAIL_INVALID}, 422)
            issued = coordinators.request_reset(
                session,
                email,
                by=_actor(user),
                address=client_address(request.scope),
                policy=policy_from(state_of(request).settings),
            )
            if issued is None:
                return self._security(request, user, email, {"email": NO_ACCOUNT}, 404)
            link = absolute_url(request, coordinators.RESET_PATH.format(token=issued.token))
            reset = (coordinators.normalise_email(email), issued.row.expires_at, link)
            return self._security(request, user, "", {}, 201, reset=reset)

    @get("/office/audit", name="office_audit", sync_to_thread=True)
    def audit_log(self, request: Req) -> Template:
        with db_session(request) as session:
            user = office_user(request, session)
            latest = audit.latest(session, AUDIT_PAGE_SIZE)
            return render(request, "office/audit.html", headers=NO_STORE, user=user, events=latest)

    @get("/office/audit/export/{fmt:str}", name="office_audit_export", sync_to_thread=True)
    def audit_export(self, request: Req, fmt: str) -> Response[str]:
        """The whole audit log as CSV or JSON Lines (the download is itself recorded)."""
        if fmt not in EXPORT_TYPES:
            raise InvalidInput("Choose csv or jsonl.", "fmt")
        out = io.StringIO()
        with db_session(request) as session:
            user = office_user(request, session)
            count = audit.export(session, out, fmt=fmt)
            audit.record(
                session,
                audit.AUDIT_EXPORT,
                _actor(user),
                address=client_address(request.scope),
                detail=f"{count} events, {fmt}",
            )
        return Response(
            out.getvalue(),
            media_type=EXPORT_TYPES[fmt],
            headers={
                **NO_STORE,
                "Content-Disposition": f'attachment; filename="audit-log.{fmt}"',
            },
        )

    # --- helpers ----------------------------------------------------------------

    def _enrolling(self, request: Req, session: Session) -> User:
        """The signed-in office user, or the one whose password was right and who must
        set up the second factor before signing in."""
        who = office_for(request, session)
        if isinstance(who, User):
            return who
        pending = users.get_user(session, recalled(request, ENROL_KEY))
        if pending is None:
            raise NotAuthorizedException(detail=SIGN_IN_FIRST)
        return pending

    def _code(self, request: Req, errors: dict[str, str], status_code: int = 200) -> Template:
        return render(
            request,
            "office/code.html",
            status_code=status_code,
            headers=NO_STORE,
            errors=errors,
        )

    def _enrol(
        self,
        request: Req,
        user: User,
        secret: str,
        errors: dict[str, str],
        *,
        status_code: int = 200,
    ) -> Template:
        return render(
            request,
            "office/second_factor.html",
            status_code=status_code,
            headers=NO_STORE,
            user=user,
            secret=_grouped(secret),
            uri=totp.provisioning_uri(secret, user.username),
            errors=errors,
        )

    def _security(
        self,
        request: Req,
        user: User,
        email: str,
        errors: dict[str, str],
        status_code: int = 200,
        *,
        reset: tuple[str, Any, str] | None = None,
    ) -> Template:
        return render(
            request,
            "office/security.html",
            status_code=status_code,
            headers=NO_STORE,
            user=user,
            email=email,
            reset=reset,
            enrolled=bool(request.query_params.get("enrolled")),
            password_changed=bool(request.query_params.get("password_changed")),
            required=state_of(request).settings.office_totp_required,
            errors={field: gettext(request, message) for field, message in errors.items()},
        )

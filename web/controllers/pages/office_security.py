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
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from survey.errors import InvalidInput
from survey.models import User
from survey.policy import policy_from
from survey.services import audit, coordinators, totp, users
from survey.services.login import LoginResult, Outcome
from survey.settings import Settings
from web.auth import login_user, recalled, remember
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    absolute_url,
    form_value,
    gettext,
    redirect,
    render,
)
from web.controllers.pages.visitor_callers import (
    OFFICE_PAGES,
    SIGN_IN_AS_OFFICE,
    require_office_user,
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


def _actor(user: User) -> audit.Actor:
    return audit.Actor(users.OFFICE, user.id, user.username)


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _enrolling(request: Req, db: Session, signed_in: User | None) -> User:
    """The signed-in office user, or the one whose password was right and who must
    set up the second factor before signing in."""
    if signed_in is not None:
        return signed_in
    pending = users.get_user(db, recalled(request, ENROL_KEY))
    if pending is None:
        raise NotAuthorizedException(detail=SIGN_IN_AS_OFFICE)
    return pending


class OfficeSecurityPages(PageController):
    dependencies = OFFICE_PAGES

    @get("/login/code", name="login_code", sync_to_thread=False)
    def code_form(self, request: Req) -> Template:
        if recalled(request, PENDING_KEY) is None:
            raise NotAuthorizedException(detail=SIGN_IN_AS_OFFICE)
        return self._code(request, {})

    @post("/login/code", name="login_code_submit", sync_to_thread=True, opt=TOKEN_LIMIT)
    def code(
        self,
        request: Req,
        db: NamedDependency[Session],
        settings: NamedDependency[Settings],
        data: FormData,
    ) -> Template | Redirect:
        user = users.get_user(db, recalled(request, PENDING_KEY))
        if user is None:
            raise NotAuthorizedException(detail=SIGN_IN_AS_OFFICE)
        result = users.complete_second_factor(
            db,
            user,
            form_value(data, "code"),
            address=client_address(request.scope),
            policy=policy_from(settings),
        )
        if result.ok:
            login_user(request, user)
            return redirect(request, request.app.route_reverse("office"))
        message, status_code = login_message(request, result)
        if result.outcome is Outcome.FAILED:
            message = gettext(request, CODE_WRONG)
        return self._code(request, {"code": message}, status_code)

    @get("/office/second-factor", name="office_totp", sync_to_thread=True)
    def enrol_form(
        self,
        request: Req,
        db: NamedDependency[Session],
        office_user_or_none: NamedDependency[User | None],
    ) -> Template:
        user = _enrolling(request, db, office_user_or_none)
        secret = totp.new_secret()
        remember(request, SECRET_KEY, secret)
        return self._enrol(request, user, secret, {})

    @post("/office/second-factor", name="office_totp_submit", sync_to_thread=True, opt=TOKEN_LIMIT)
    def enrol(
        self,
        request: Req,
        db: NamedDependency[Session],
        office_user_or_none: NamedDependency[User | None],
        data: FormData,
    ) -> Template | Redirect:
        secret = recalled(request, SECRET_KEY)
        user = _enrolling(request, db, office_user_or_none)
        if secret is None:
            return redirect(request, request.app.route_reverse("office_totp"))
        if user.totp_secret and not totp.use_code(user, form_value(data, "current_code")):
            errors = {"current_code": gettext(request, CODE_WRONG)}
            return self._enrol(request, user, secret, errors, status_code=422)
        try:
            with db.begin_nested():
                totp.enrol(
                    db,
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

    @get(
        "/office/security",
        name="office_security",
        guards=[require_office_user],
        sync_to_thread=False,
    )
    def security_page(
        self, request: Req, settings: NamedDependency[Settings], office_user: NamedDependency[User]
    ) -> Template:
        return self._security(request, settings, office_user, "", {})

    @post(
        "/office/security/reset",
        name="office_reset_coordinator",
        guards=[require_office_user],
        sync_to_thread=True,
    )
    def reset_coordinator(
        self,
        request: Req,
        db: NamedDependency[Session],
        settings: NamedDependency[Settings],
        office_user: NamedDependency[User],
        data: FormData,
    ) -> Template:
        email = form_value(data, "email").strip()
        try:
            coordinators.normalise_email(email)
        except InvalidInput:
            return self._security(
                request, settings, office_user, email, {"email": EMAIL_INVALID}, 422
            )
        issued = coordinators.request_reset(
            db,
            email,
            by=_actor(office_user),
            address=client_address(request.scope),
            policy=policy_from(settings),
        )
        if issued is None:
            return self._security(request, settings, office_user, email, {"email": NO_ACCOUNT}, 404)
        link = absolute_url(request, coordinators.RESET_PATH.format(token=issued.token))
        reset = (coordinators.normalise_email(email), issued.row.expires_at, link)
        return self._security(request, settings, office_user, "", {}, 201, reset=reset)

    @get("/office/audit", name="office_audit", guards=[require_office_user], sync_to_thread=True)
    def audit_log(
        self, request: Req, db: NamedDependency[Session], office_user: NamedDependency[User]
    ) -> Template:
        latest = audit.latest(db, AUDIT_PAGE_SIZE)
        return render(
            request, "office/audit.html", headers=NO_STORE, user=office_user, events=latest
        )

    @get(
        "/office/audit/export/{fmt:str}",
        name="office_audit_export",
        guards=[require_office_user],
        sync_to_thread=True,
    )
    def audit_export(
        self,
        request: Req,
        db: NamedDependency[Session],
        office_user: NamedDependency[User],
        fmt: FromPath[str],
    ) -> Response[str]:
        """The whole audit log as CSV or JSON Lines (the download is itself recorded)."""
        if fmt not in EXPORT_TYPES:
            raise InvalidInput("Choose csv or jsonl.", "fmt")
        out = io.StringIO()
        count = audit.export(db, out, fmt=fmt)
        audit.record(
            db,
            audit.AUDIT_EXPORT,
            _actor(office_user),
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
        settings: Settings,
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
            required=settings.office_totp_required,
            errors={field: gettext(request, message) for field, message in errors.items()},
        )

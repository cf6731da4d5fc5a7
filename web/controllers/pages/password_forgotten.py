"""A coordinator's lost password: the form that mails a one-time reset link.

Shown only when mail is configured (``SMTP_URL``); without it the sign-in page says to
ask another coordinator or the administrators. The answer is the same whether the
address has an account or not. The link in the mail is built from ``BASE_URL`` (never
from the request's Host header) and served by `AccountPasswordPages`, which exchanges its token
for the session and redirects to a URL without it.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Template
from sqlalchemy.orm import Session

from survey.errors import InvalidInput, NotFound
from survey.mail.worker import public_base
from survey.policy import policy_from
from survey.services import coordinators, password_reset_mail
from survey.settings import Settings
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    form_value,
    gettext,
    lang_of,
    render,
)
from web.i18n import N_
from web.security import TOKEN_LIMIT, client_address

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Req = Request[Any, Any, Any]

NO_MAIL = N_("Password reset by e-mail is not available on this service.")
INVALID_EMAIL = N_("Give a valid e-mail address.")


def _mail_on(settings: Settings) -> None:
    if settings.smtp_url is None:
        raise NotFound(NO_MAIL)


class PasswordForgottenPages(PageController):
    @get("/coordinators/forgot-password", name="password_forgotten", sync_to_thread=False)
    def form(self, request: Req, settings: NamedDependency[Settings]) -> Template:
        _mail_on(settings)
        return self._page(request, settings, "", {})

    @post(
        "/coordinators/forgot-password",
        name="password_forgotten_submit",
        sync_to_thread=True,
        opt=TOKEN_LIMIT,
    )
    def send(
        self,
        request: Req,
        db: NamedDependency[Session],
        settings: NamedDependency[Settings],
        data: FormData,
    ) -> Template:
        _mail_on(settings)
        email = form_value(data, "email").strip()
        try:
            coordinators.normalise_email(email)
        except InvalidInput:
            errors = {"email": gettext(request, INVALID_EMAIL)}
            return self._page(request, settings, email, errors, 422)
        password_reset_mail.mail_reset_link(
            db,
            email,
            # From the settings, never the request's Host header: an attacker asking
            # for someone else's link must not be able to point it at their own site.
            link_for=lambda token: (
                public_base(settings)
                + request.app.route_reverse("password_reset_link", token=token)
            ),
            lang=lang_of(request),
            policy=policy_from(settings),
            address=client_address(request.scope),
        )
        return self._page(request, settings, email, {}, sent=True)

    def _page(
        self,
        request: Req,
        settings: Settings,
        email: str,
        errors: dict[str, str],
        status_code: int = 200,
        *,
        sent: bool = False,
    ) -> Template:
        return render(
            request,
            "coordinator/forgot_password.html",
            status_code=status_code,
            headers=NO_STORE,
            email=email,
            errors=errors,
            sent=sent,
            minutes=int(policy_from(settings).lifetimes.password_reset.total_seconds() // 60),
        )

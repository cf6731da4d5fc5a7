"""An integrity-office user changes their own password (the current one is required).

The change is recorded in the audit log; the user's other sessions end, this one starts
afresh (a new session id).
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from survey.errors import InvalidInput
from survey.models import User
from survey.passwords import MAX_LENGTH, MIN_LENGTH, TOO_EASY, PasswordTooEasy
from survey.services import users
from web.auth import login_user
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    form_value,
    gettext,
    redirect,
    render,
)
from web.controllers.pages.visitor_callers import OFFICE_PAGES, require_office_user
from web.i18n import N_
from web.security import TOKEN_LIMIT, client_address

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Req = Request[Any, Any, Any]

MESSAGES = {
    "current_password": N_("The current password is not right."),
    "password": N_("Choose a password of %(min)s to %(max)s characters."),
    "password_repeat": N_("The two passwords are not the same."),
    "password_easy": TOO_EASY,
}


def _form_errors(data: dict[str, Any]) -> dict[str, str]:
    """The new password's problems that need no database: length, NUL, repetition."""
    password = form_value(data, "password")
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH or "\x00" in password:
        return {"password": "password"}
    if password != form_value(data, "password_repeat"):
        return {"password_repeat": "password_repeat"}
    return {}


class OfficePasswordPages(PageController):
    dependencies = OFFICE_PAGES
    guards = [require_office_user]

    @get("/office/security/password", name="office_password", sync_to_thread=False)
    def form(self, request: Req) -> Template:
        return self._page(request, {})

    @post(
        "/office/security/password",
        name="office_password_submit",
        sync_to_thread=True,
        opt=TOKEN_LIMIT,
    )
    def change(
        self,
        request: Req,
        db: NamedDependency[Session],
        office_user: NamedDependency[User],
        data: FormData,
    ) -> Template | Redirect:
        errors = _form_errors(data)
        if not errors:
            try:
                with db.begin_nested():
                    users.change_password(
                        db,
                        office_user,
                        form_value(data, "current_password"),
                        form_value(data, "password"),
                        address=client_address(request.scope),
                    )
            except PasswordTooEasy:
                errors = {"password": "password_easy"}
            except InvalidInput as exc:
                field = exc.field if exc.field in MESSAGES else "password"
                errors = {field: field}
            else:
                login_user(request, office_user)
        if errors:
            return self._page(request, errors, 422)
        path = request.app.route_reverse("office_security")
        return redirect(request, f"{path}?password_changed=1")

    def _page(self, request: Req, errors: dict[str, str], status_code: int = 200) -> Template:
        return render(
            request,
            "office/password.html",
            status_code=status_code,
            headers=NO_STORE,
            min_length=MIN_LENGTH,
            errors={
                field: gettext(request, MESSAGES[key], min=MIN_LENGTH, max=MAX_LENGTH)
                for field, key in errors.items()
            },
        )

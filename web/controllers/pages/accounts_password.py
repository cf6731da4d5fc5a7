"""A coordinator's password in the browser: the reset link's form, and changing one's own.

The reset link (``/password-reset/{token}``) keeps its token in the server-side session
and redirects at once to a URL without it; the form behind that URL uses the kept token.
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
from survey.models import Coordinator
from survey.passwords import MIN_LENGTH, PasswordTooEasy
from survey.services import coordinators
from web.auth import login_coordinator_account, logout, remember
from web.controllers.pages.accounts import (
    address,
    kept_token,
    new_password,
    to_dashboard,
    translated,
)
from web.controllers.pages.common import NO_STORE, PageController, form_value, redirect, render
from web.controllers.pages.visitor_callers import ACCOUNT_PAGES, require_account
from web.security import TOKEN_LIMIT

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Req = Request[Any, Any, Any]

RESET_KEY = "_reset"


class AccountPasswordPages(PageController):
    dependencies = ACCOUNT_PAGES

    @get(
        "/password-reset/{token:str}",
        name="password_reset_link",
        sync_to_thread=True,
        opt=TOKEN_LIMIT,
    )
    def reset_link(
        self, request: Req, db: NamedDependency[Session], token: FromPath[str]
    ) -> Redirect:
        """The reset link: kept in the session, then a redirect without the token."""
        coordinators.pending(db, coordinators.RESET, token)
        remember(request, RESET_KEY, token)
        return redirect(request, request.app.route_reverse("password_reset"))

    @get("/password-reset", name="password_reset", sync_to_thread=True)
    def reset_form(self, request: Req, db: NamedDependency[Session]) -> Template:
        coordinators.pending(db, coordinators.RESET, kept_token(request, RESET_KEY))
        return self._password(request, "password_reset_submit", {})

    @post("/password-reset", name="password_reset_submit", sync_to_thread=True)
    def reset(
        self, request: Req, db: NamedDependency[Session], data: FormData
    ) -> Template | Redirect:
        token = kept_token(request, RESET_KEY)
        password, errors = new_password(data)
        coordinators.pending(db, coordinators.RESET, token)
        if errors:
            return self._password(request, "password_reset_submit", errors, 422)
        try:
            with db.begin_nested():
                coordinators.reset_password(db, token, password, address=address(request))
        except PasswordTooEasy:
            return self._password(
                request, "password_reset_submit", {"password": "password_easy"}, 422
            )
        logout(request)
        path = request.app.route_reverse("coordinator_sign_in")
        return redirect(request, f"{path}?notice=password_reset")

    @get(
        "/account/password",
        name="password_change",
        guards=[require_account],
        sync_to_thread=False,
    )
    def change_form(self, request: Req) -> Template:
        return self._password(request, "password_change_submit", {}, current=True)

    @post(
        "/account/password",
        name="password_change_submit",
        guards=[require_account],
        sync_to_thread=True,
    )
    def change(
        self,
        request: Req,
        db: NamedDependency[Session],
        account: NamedDependency[Coordinator],
        data: FormData,
    ) -> Template | Redirect:
        password, errors = new_password(data)
        if not errors:
            try:
                with db.begin_nested():
                    coordinators.change_password(
                        db,
                        account,
                        form_value(data, "current_password"),
                        password,
                        address=address(request),
                    )
            except PasswordTooEasy:
                errors = {"password": "password_easy"}
            except InvalidInput as exc:
                errors = {exc.field or "password": exc.field or "password"}
            else:
                login_coordinator_account(request, account)
                return to_dashboard(request, account)
        return self._password(request, "password_change_submit", errors, 422, current=True)

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
            errors=translated(request, errors),
        )

"""The integrity office's pages: signing in and out, and the landing page."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from instruments import InstrumentLibrary, vocabularies
from survey.models import User
from survey.policy import policy_from
from survey.services import overview, users
from survey.services.login import Outcome
from survey.settings import Settings
from web.auth import login_user, logout, remember
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    form_value,
    gettext,
    lang_of,
    redirect,
    render,
)
from web.controllers.pages.office_security import ENROL_KEY, PENDING_KEY, login_message
from web.controllers.pages.visitor_callers import OFFICE_PAGES
from web.i18n import N_
from web.security import TOKEN_LIMIT, client_address

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]

LOGIN_MISSING = {
    "username": N_("Enter your username."),
    "password": N_("Enter your password."),
}


class OfficePages(PageController):
    dependencies = OFFICE_PAGES

    @get("/login", name="login", sync_to_thread=False)
    def login_form(self, request: Request[Any, Any, Any]) -> Template:
        return self._form(request, "", {})

    @post("/login", name="login_submit", sync_to_thread=True, opt=TOKEN_LIMIT)
    def login(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        settings: NamedDependency[Settings],
        data: FormData,
    ) -> Template | Redirect:
        username = form_value(data, "username").strip()
        password = form_value(data, "password")
        errors = {
            field: message
            for field, message in LOGIN_MISSING.items()
            if not form_value(data, field)
        }
        if errors:
            return self._form(request, username, errors, status_code=422)
        result = users.login(
            db,
            username,
            password,
            address=client_address(request.scope),
            policy=policy_from(settings),
        )
        if result.ok and result.account is not None:
            login_user(request, result.account)
        elif result.account is not None:
            enrol = result.outcome is Outcome.ENROL_SECOND_FACTOR
            remember(request, ENROL_KEY if enrol else PENDING_KEY, result.account.id)
            name = "office_totp" if enrol else "login_code"
            return redirect(request, request.app.route_reverse(name))
        if not result.ok:
            message, status_code = login_message(request, result)
            return self._form(
                request, username, {"password": message}, status_code=status_code, translated=True
            )
        return redirect(request, request.app.route_reverse("office"))

    @post("/logout", name="logout", sync_to_thread=False)
    def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        logout(request)
        return redirect(request, request.app.route_reverse("login") + "?signed_out=1")

    @get("/office", name="office", sync_to_thread=True)
    def office(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        library: NamedDependency[InstrumentLibrary],
        office_user_or_none: NamedDependency[User | None],
    ) -> Template | Redirect:
        lang = lang_of(request)
        who = office_user_or_none
        if who is None:
            return redirect(request, request.app.route_reverse("login"))
        sectors = overview.closed_rounds_by_sector(db)
        by_instrument = overview.closed_rounds_by_instrument(db)
        instruments = [
            {
                "title": inst.title.get(lang),
                "version": inst.version,
                "dimension_count": len(inst.dimensions),
                "item_count": len(inst.items),
                "closed_rounds": by_instrument.get(inst.key, 0),
            }
            for inst in library.instruments
        ]
        sector_rows = [
            {
                "label": entry.label.get(lang),
                "count": sectors.get(entry.id),
            }
            for entry in vocabularies().sectors.entries
        ]
        return render(
            request,
            "office/office.html",
            headers=NO_STORE,
            user=who,
            instruments=instruments,
            sectors=sector_rows,
            total_closed=sum(s.closed_rounds for s in sectors.values()),
        )

    def _form(
        self,
        request: Request[Any, Any, Any],
        username: str,
        errors: dict[str, str],
        *,
        status_code: int = 200,
        translated: bool = False,
    ) -> Template:
        return render(
            request,
            "office/login.html",
            status_code=status_code,
            headers=NO_STORE,
            username=username,
            signed_out=bool(request.query_params.get("signed_out")),
            errors={
                field: message if translated else gettext(request, message)
                for field, message in errors.items()
            },
        )

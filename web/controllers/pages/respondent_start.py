"""The respondent's way in: the invitation page that starts a response (language and
role), and the personal resume link that remembers the respondent in a browser."""

from __future__ import annotations

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from instruments import InstrumentLibrary, vocabularies
from survey.errors import Conflict, InvalidInput, NotFound
from survey.models import Response, Round
from survey.services import burden, responses, rounds
from web import i18n
from web.auth import resume_cookie
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    absolute_url,
    form_value,
    gettext,
    lang_of,
    redirect,
    render,
)
from web.controllers.pages.respondent import FormData, Req, closed_page, continue_path
from web.controllers.pages.visitor_callers import RESPONDENT_PAGES
from web.i18n import N_
from web.security import TOKEN_LIMIT
from web.settings import WebSettings

INVALID_INVITATION = N_("This invitation link is not valid.")
INVALID_RESUME_LINK = N_("This personal link is not valid.")
START_ERRORS = {
    "lang": N_("Choose a language."),
    "role": N_("Choose the role that fits you best."),
}


def _open_round(db: Session, code: str) -> Round:
    round_ = rounds.round_for_invite(db, code)
    if round_ is None:
        raise NotFound(INVALID_INVITATION)
    return round_


class RespondentStartPages(PageController):
    dependencies = RESPONDENT_PAGES

    @get("/i/{code:str}", name="invitation", sync_to_thread=True, opt=TOKEN_LIMIT)
    def invitation(
        self,
        request: Req,
        db: NamedDependency[Session],
        library: NamedDependency[InstrumentLibrary],
        respondent_or_none: NamedDependency[Response | None],
        code: FromPath[str],
    ) -> Template:
        round_ = _open_round(db, code)
        if not round_.is_open:
            return closed_page(request, None)
        existing = respondent_or_none
        if existing is not None and existing.round_id != round_.id:
            existing = None
        form = {"lang": lang_of(request), "role": ""}
        return _start_form(request, db, library, code, round_, form, {}, existing)

    @post("/i/{code:str}", name="invitation_start", sync_to_thread=True, opt=TOKEN_LIMIT)
    def start(
        self,
        request: Req,
        db: NamedDependency[Session],
        settings: NamedDependency[WebSettings],
        library: NamedDependency[InstrumentLibrary],
        respondent_or_none: NamedDependency[Response | None],
        code: FromPath[str],
        data: FormData,
    ) -> Template | Redirect:
        form = {"lang": form_value(data, "lang"), "role": form_value(data, "role")}
        errors = {}
        if i18n.supported(form["lang"]) is None:
            errors["lang"] = START_ERRORS["lang"]
        if form["role"] not in vocabularies().roles:
            errors["role"] = START_ERRORS["role"]
        round_ = _open_round(db, code)
        if not round_.is_open:
            return closed_page(request, None)
        existing = respondent_or_none
        if existing is not None and existing.round_id == round_.id:
            # One response per browser: a second start resumes the first.
            return redirect(request, continue_path(request, db, library, existing))
        if not errors:
            try:
                with db.begin_nested():
                    started = responses.start_response(
                        db, code, role=form["role"], lang=form["lang"]
                    )
            except InvalidInput as exc:
                field = exc.field if exc.field in START_ERRORS else "role"
                errors[field] = START_ERRORS[field]
            except Conflict:
                return closed_page(request, None)
        if errors:
            return _start_form(request, db, library, code, round_, form, errors, None)
        i18n.set_request_language(request, form["lang"])
        resume_path = request.app.route_reverse("resume", token=started.token)
        return render(
            request,
            "respondent/started.html",
            headers=NO_STORE,
            cookies=[
                resume_cookie(started.token, settings),
                i18n.language_cookie(form["lang"], secure=settings.secure_cookies),
            ],
            resume_url=absolute_url(request, resume_path),
            organisation_name=round_.organisation.name,
            round=round_,
        )

    @get("/r/{token:str}", name="resume", sync_to_thread=True, opt=TOKEN_LIMIT)
    def resume(
        self,
        request: Req,
        db: NamedDependency[Session],
        settings: NamedDependency[WebSettings],
        library: NamedDependency[InstrumentLibrary],
        token: FromPath[str],
    ) -> Redirect:
        """The personal resume link: remembers the respondent in this browser, then continues."""
        response = responses.response_for_token(db, token)
        if response is None:
            raise NotFound(INVALID_RESUME_LINK)
        target = continue_path(request, db, library, response)
        lang = i18n.supported(request.query_params.get(i18n.LANG_PARAM)) or response.lang
        return redirect(
            request,
            target,
            cookies=[
                resume_cookie(token, settings),
                i18n.language_cookie(lang, secure=settings.secure_cookies),
            ],
        )


def _start_form(
    request: Req,
    db: Session,
    library: InstrumentLibrary,
    code: str,
    round_: Round,
    form: dict[str, str],
    errors: dict[str, str],
    existing: Response | None,
) -> Template:
    lang = lang_of(request)
    roles = vocabularies().roles.as_list(lang)
    asked = burden.by_role(
        db, round_, rounds.round_instruments(round_, library), [role["id"] for role in roles]
    )
    return render(
        request,
        "respondent/start.html",
        status_code=422 if errors else 200,
        headers=NO_STORE,
        code=code,
        round=round_,
        organisation_name=round_.organisation.name,
        form=form,
        errors={field: gettext(request, message) for field, message in errors.items()},
        roles=roles,
        burden=asked,
        languages=[{"id": k, "label": v} for k, v in i18n.LANGUAGE_NAMES.items()],
        existing=existing,
    )

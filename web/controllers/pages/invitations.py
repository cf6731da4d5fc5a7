"""Personal invitations in the browser: the person's own link, and the coordinator's
page to invite a list of people and follow who has been mailed and who has answered."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from instruments import InstrumentLibrary, vocabularies
from survey.errors import Conflict, NotFound
from survey.models import Organisation, Response, Round
from survey.services import invitations, responses, rounds
from survey.services.invitation_lists import (
    ListRefused,
    Problem,
    people_from_rows,
    read_text,
    read_upload,
)
from survey.settings import Settings
from web import i18n
from web.auth import personal_url, respondent_for, resume_cookie
from web.controllers.pages.common import NO_STORE, PageController, lang_of, redirect, render
from web.controllers.pages.coordinator_callers import round_work_page
from web.controllers.pages.visitor_callers import require_respondent_page
from web.i18n import N_
from web.security import TOKEN_LIMIT
from web.settings import WebSettings

INVALID_PERSONAL_LINK = N_("This personal link is not valid.")
MAX_UPLOAD_KB = 900

UploadForm = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


class InvitationPages(PageController):
    @get("/p/{token:str}", name="personal_link", sync_to_thread=True, opt=TOKEN_LIMIT)
    def personal_link(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        settings: NamedDependency[WebSettings],
        token: FromPath[str],
    ) -> Template | Redirect:
        """Exchange the personal link for the resume cookie, then go on without the token."""
        try:
            opened = invitations.open_personal_link(
                db, token, in_browser=respondent_for(request, db)
            )
        except Conflict:
            return render(
                request,
                "respondent/closed.html",
                status_code=409,
                headers=NO_STORE,
                submitted=False,
            )
        if opened is None:
            raise NotFound(INVALID_PERSONAL_LINK)
        return redirect(
            request,
            request.app.route_reverse("welcome"),
            cookies=[
                resume_cookie(opened.token, settings),
                i18n.language_cookie(opened.response.lang, secure=settings.secure_cookies),
            ],
        )

    @get("/welcome", name="welcome", guards=[require_respondent_page], sync_to_thread=True)
    def welcome(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        respondent: NamedDependency[Response],
        library: NamedDependency[InstrumentLibrary],
        page_lang: NamedDependency[str],
    ) -> Template:
        """Whom the person answers for and how far they are, before the questions."""
        round_ = db.get(Round, respondent.round_id)
        assert round_ is not None
        instruments = rounds.round_instruments(round_, library)
        return render(
            request,
            "respondent/welcome.html",
            headers=NO_STORE,
            organisation_name=round_.organisation.name,
            round=round_,
            role=vocabularies().roles.label(respondent.role, page_lang),
            answered=responses.answered_count(db, respondent),
            total=responses.asked_count(instruments, respondent.role),
            submitted=respondent.status == "submitted",
        )

    @get(
        "/rounds/{round_id:str}/invitations",
        name="round_invitations",
        guards=[round_work_page],
        sync_to_thread=True,
    )
    def list_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        settings: NamedDependency[Settings],
        round_id: FromPath[str],
    ) -> Template:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        return _page(request, db, settings, round_, text="", errors=None, created=[])

    @post(
        "/rounds/{round_id:str}/invitations",
        name="round_invite",
        guards=[round_work_page],
        sync_to_thread=True,
    )
    def invite(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        settings: NamedDependency[Settings],
        page_lang: NamedDependency[str],
        round_id: FromPath[str],
        data: UploadForm,
    ) -> Template:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        people_field = data.get("people")
        text = people_field if isinstance(people_field, str) else ""
        try:
            people = people_from_rows(_rows(data.get("file"), text), _default_lang(data, page_lang))
        except ListRefused as exc:
            problems = [p.text(page_lang) for p in exc.problems]
            return _page(request, db, settings, round_, text=text, errors=problems, created=[])
        created = invitations.invite_people(
            db,
            round_,
            people,
            secret_key=settings.resolved_secret_key(),
            link_for=lambda token: personal_url(request, settings, token),
            mail=settings.smtp_url is not None,
        )
        shown = [
            {"email": c.invitation.email, "role": c.invitation.role, "link": c.link}
            for c in created
        ]
        return _page(
            request,
            db,
            settings,
            round_,
            text="",
            errors=None,
            created=shown,
            skipped=len(people) - len(shown),
        )


def _default_lang(data: dict[str, Any], page_lang: str) -> str:
    """The language of the people whose row names none: the form's, else the page's."""
    chosen = str(data.get("lang") or page_lang)
    return chosen if i18n.supported(chosen) is not None else "en"


def _rows(upload: object, text: str) -> list[list[str]]:
    """The list's rows: from the uploaded file if there is one, else from the text box."""
    if isinstance(upload, UploadFile) and upload.filename:
        content = upload.file.read(MAX_UPLOAD_KB * 1000 + 1)
        if len(content) > MAX_UPLOAD_KB * 1000:
            raise ListRefused([Problem("too_large", value=str(MAX_UPLOAD_KB))])
        return read_upload(content, upload.filename)
    return read_text(text)


def _page(
    request: Request[Any, Any, Any],
    db: Session,
    settings: Settings,
    round_: Round,
    *,
    text: str,
    errors: list[str] | None,
    created: list[dict[str, Any]],
    skipped: int = 0,
) -> Template:
    lang = lang_of(request)
    roles = vocabularies().roles
    return render(
        request,
        "coordinator/invitations.html",
        status_code=422 if errors else 200,
        headers=NO_STORE,
        organisation=round_.organisation,
        round=round_,
        statuses=invitations.statuses(db, round_),
        role_label=lambda role: roles.label(role, lang),
        roles=roles.as_list(lang),
        text=text,
        error=errors,
        created=created,
        skipped=skipped,
        mail_on=settings.smtp_url is not None,
    )

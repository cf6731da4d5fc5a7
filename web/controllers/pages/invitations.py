"""Personal invitations in the browser: the person's own link, and the coordinator's
page to invite a list of people and follow who has been mailed and who has answered."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from instruments import vocabularies
from survey.errors import Conflict, NotFound
from survey.models import Round
from survey.services import invitations, responses, rounds
from survey.services.invitation_lists import (
    ListRefused,
    Problem,
    people_from_rows,
    read_text,
    read_upload,
)
from web import i18n
from web.auth import coordinator_for, personal_url, respondent_for, resume_cookie
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    db_session,
    lang_of,
    redirect,
    render,
    state_of,
)
from web.i18n import N_
from web.security import TOKEN_LIMIT

INVALID_PERSONAL_LINK = N_("This personal link is not valid.")
SIGN_IN_AGAIN = N_("Open your personal link again to continue answering.")
SIGN_IN_COORDINATOR = N_("Open your dashboard link again to see this page.")
MAX_UPLOAD_KB = 900

UploadForm = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def coordinator_round(request: Request[Any, Any, Any], session: Session, round_id: str) -> Round:
    organisation = coordinator_for(request, session)
    if organisation is None:
        raise NotAuthorizedException(detail=SIGN_IN_COORDINATOR)
    return rounds.get_round(session, round_id, of=organisation)


class InvitationPages(PageController):
    @get("/p/{token:str}", name="personal_link", sync_to_thread=True, opt=TOKEN_LIMIT)
    def personal_link(
        self, request: Request[Any, Any, Any], token: FromPath[str]
    ) -> Template | Redirect:
        """Exchange the personal link for the resume cookie, then go on without the token."""
        settings = state_of(request).settings
        with db_session(request) as session:
            try:
                opened = invitations.open_personal_link(
                    session, token, in_browser=respondent_for(request, session)
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
            lang = opened.response.lang
        return redirect(
            request,
            request.app.route_reverse("welcome"),
            cookies=[
                resume_cookie(opened.token, settings),
                i18n.language_cookie(lang, secure=settings.secure_cookies),
            ],
        )

    @get("/welcome", name="welcome", sync_to_thread=True)
    def welcome(self, request: Request[Any, Any, Any]) -> Template:
        """Whom the person answers for and how far they are, before the questions."""
        lang = lang_of(request)
        with db_session(request) as session:
            response = respondent_for(request, session)
            if response is None:
                raise NotAuthorizedException(detail=SIGN_IN_AGAIN)
            round_ = session.get(Round, response.round_id)
            assert round_ is not None
            instruments = rounds.round_instruments(round_, state_of(request).library)
            answered = responses.answered_count(session, response)
            return render(
                request,
                "respondent/welcome.html",
                headers=NO_STORE,
                organisation_name=round_.organisation.name,
                round=round_,
                role=vocabularies().roles.label(response.role, lang),
                answered=answered,
                total=responses.asked_count(instruments, response.role),
                submitted=response.status == "submitted",
            )

    @get("/rounds/{round_id:str}/invitations", name="round_invitations", sync_to_thread=True)
    def list_page(self, request: Request[Any, Any, Any], round_id: FromPath[str]) -> Template:
        return self._page(request, round_id, text="", errors=None, created=[])

    @post("/rounds/{round_id:str}/invitations", name="round_invite", sync_to_thread=True)
    def invite(
        self, request: Request[Any, Any, Any], round_id: FromPath[str], data: UploadForm
    ) -> Template:
        people_field = data.get("people")
        text = people_field if isinstance(people_field, str) else ""
        upload = data.get("file")
        default_lang = str(data.get("lang") or lang_of(request))
        if i18n.supported(default_lang) is None:
            default_lang = "en"
        try:
            if isinstance(upload, UploadFile) and upload.filename:
                content = upload.file.read(MAX_UPLOAD_KB * 1000 + 1)
                if len(content) > MAX_UPLOAD_KB * 1000:
                    raise ListRefused([Problem("too_large", value=str(MAX_UPLOAD_KB))])
                rows = read_upload(content, upload.filename)
            else:
                rows = read_text(text)
            people = people_from_rows(rows, default_lang)
        except ListRefused as exc:
            problems = [p.text(lang_of(request)) for p in exc.problems]
            return self._page(request, round_id, text=text, errors=problems, created=[])
        settings = state_of(request).settings
        with db_session(request) as session:
            round_ = coordinator_round(request, session, round_id)
            created = invitations.invite_people(
                session,
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
        return self._page(
            request, round_id, text="", errors=None, created=shown, skipped=len(people) - len(shown)
        )

    def _page(
        self,
        request: Request[Any, Any, Any],
        round_id: str,
        *,
        text: str,
        errors: list[str] | None,
        created: list[dict[str, Any]],
        skipped: int = 0,
    ) -> Template:
        lang = lang_of(request)
        settings = state_of(request).settings
        with db_session(request) as session:
            round_ = coordinator_round(request, session, round_id)
            statuses = invitations.statuses(session, round_)
            organisation = round_.organisation
        roles = vocabularies().roles
        return render(
            request,
            "coordinator/invitations.html",
            status_code=422 if errors else 200,
            headers=NO_STORE,
            organisation=organisation,
            round=round_,
            statuses=statuses,
            role_label=lambda role: roles.label(role, lang),
            roles=roles.as_list(lang),
            text=text,
            error=errors,
            created=created,
            skipped=skipped,
            mail_on=settings.smtp_url is not None,
        )

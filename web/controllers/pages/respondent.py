"""The respondent's pages: invitation, pages of questions, review, submit, thanks.

Pages are numbered from 1 and laid out by `survey.services.questionnaire`; the review
page comes after the last. ``Response.last_page`` holds the page
where the respondent continues: every "next" or "previous" saves the answers of the
page and moves it, so a closed tab, the resume link or the cookie lead back there.

The browser knows the respondent by the ``smb_resume`` cookie alone (no login
session), so that a coordinator who tries the questionnaire in the same browser
stays signed in to the dashboard.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotAuthorizedException
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from instruments import vocabularies
from survey.errors import Conflict, InvalidInput, NotFound
from survey.models import Response, Round
from survey.services import burden, responses, rounds
from survey.services.pinned import PinnedInstruments
from survey.services.questionnaire import Page, answer_key, round_pages
from web import i18n
from web.auth import respondent_for, resume_cookie
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    absolute_url,
    db_session,
    form_value,
    gettext,
    lang_of,
    redirect,
    render,
    state_of,
)
from web.i18n import N_
from web.security import TOKEN_LIMIT

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]

ANSWER_PREFIX = "answer:"
INVALID_INVITATION = N_("This invitation link is not valid.")
INVALID_RESUME_LINK = N_("This personal link is not valid.")
SIGN_IN_AGAIN = N_("Open your personal link again to continue answering.")
NO_SUCH_PAGE = N_("This page does not exist.")
INVALID_OPTION = N_("Choose one of the answers shown.")
START_ERRORS = {
    "lang": N_("Choose a language."),
    "role": N_("Choose the role that fits you best."),
}


def _respondent(request: Request[Any, Any, Any], session: Session) -> Response:
    response = respondent_for(request, session)
    if response is None:
        raise NotAuthorizedException(detail=SIGN_IN_AGAIN)
    return response


class RespondentPages(PageController):
    @get("/i/{code:str}", name="invitation", sync_to_thread=True, opt=TOKEN_LIMIT)
    def invitation(self, request: Request[Any, Any, Any], code: FromPath[str]) -> Template:
        with db_session(request) as session:
            round_ = rounds.round_for_invite(session, code)
            if round_ is None:
                raise NotFound(INVALID_INVITATION)
            if not round_.is_open:
                return self._closed(request, None)
            existing = respondent_for(request, session)
            if existing is not None and existing.round_id != round_.id:
                existing = None
            organisation = round_.organisation
        form = {"lang": lang_of(request), "role": ""}
        return self._start_form(request, code, round_, organisation.name, form, {}, existing)

    @post("/i/{code:str}", name="invitation_start", sync_to_thread=True, opt=TOKEN_LIMIT)
    def start(
        self, request: Request[Any, Any, Any], code: FromPath[str], data: FormData
    ) -> Template | Redirect:
        form = {"lang": form_value(data, "lang"), "role": form_value(data, "role")}
        errors = {}
        if i18n.supported(form["lang"]) is None:
            errors["lang"] = START_ERRORS["lang"]
        if form["role"] not in vocabularies().roles:
            errors["role"] = START_ERRORS["role"]
        with db_session(request) as session:
            round_ = rounds.round_for_invite(session, code)
            if round_ is None:
                raise NotFound(INVALID_INVITATION)
            if not round_.is_open:
                return self._closed(request, None)
            organisation_name = round_.organisation.name
            existing = respondent_for(request, session)
            if existing is not None and existing.round_id == round_.id:
                # One response per browser: a second start resumes the first.
                return redirect(request, self._continue_path(request, session, existing))
            if not errors:
                try:
                    started = responses.start_response(
                        session, code, role=form["role"], lang=form["lang"]
                    )
                except InvalidInput as exc:
                    field = exc.field if exc.field in START_ERRORS else "role"
                    errors[field] = START_ERRORS[field]
                except Conflict:
                    return self._closed(request, None)
        if errors:
            return self._start_form(request, code, round_, organisation_name, form, errors, None)
        i18n.set_request_language(request, form["lang"])
        settings = state_of(request).settings
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
            organisation_name=organisation_name,
            round=round_,
        )

    @get("/r/{token:str}", name="resume", sync_to_thread=True, opt=TOKEN_LIMIT)
    def resume(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Redirect:
        """The personal resume link: remembers the respondent in this browser, then continues."""
        settings = state_of(request).settings
        with db_session(request) as session:
            response = responses.response_for_token(session, token)
            if response is None:
                raise NotFound(INVALID_RESUME_LINK)
            target = self._continue_path(request, session, response)
            lang = i18n.supported(request.query_params.get(i18n.LANG_PARAM)) or response.lang
        return redirect(
            request,
            target,
            cookies=[
                resume_cookie(token, settings),
                i18n.language_cookie(lang, secure=settings.secure_cookies),
            ],
        )

    @get("/respond", name="respond", sync_to_thread=True)
    def continue_answering(self, request: Request[Any, Any, Any]) -> Redirect:
        with db_session(request) as session:
            response = _respondent(request, session)
            target = self._continue_path(request, session, response)
        return redirect(request, target)

    @get("/respond/{page:int}", name="respond_page", sync_to_thread=True)
    def page(self, request: Request[Any, Any, Any], page: FromPath[int]) -> Template | Redirect:
        with db_session(request) as session:
            response = _respondent(request, session)
            round_ = session.get(Round, response.round_id)
            assert round_ is not None
            if response.status == "submitted":
                return redirect(request, request.app.route_reverse("respond_thanks"))
            if not round_.is_open:
                return self._closed(request, response)
            pages = self._pages(request, round_, response.role)
            if not 1 <= page <= len(pages):
                raise NotFound(NO_SUCH_PAGE)
            saved = responses.answers_of(session, response)
        values = {f"{i}/{item}": v for (i, item), v in saved.items()}
        return self._page(request, pages, page, values, len(saved), {})

    @post("/respond/{page:int}", name="respond_save", sync_to_thread=True)
    def save(
        self,
        request: Request[Any, Any, Any],
        pinned: PinnedInstruments,
        page: FromPath[int],
        data: FormData,
    ) -> Template | Redirect:
        action = form_value(data, "action")
        with db_session(request) as session:
            response = _respondent(request, session)
            round_ = session.get(Round, response.round_id)
            assert round_ is not None
            pages = self._pages(request, round_, response.role)
            if not 1 <= page <= len(pages):
                raise NotFound(NO_SUCH_PAGE)
            current = pages[page - 1]
            keys = [answer_key(instrument, item) for instrument, item in current.questions]
            answers = {
                key: form_value(data, ANSWER_PREFIX + key)
                for key in keys
                if form_value(data, ANSWER_PREFIX + key)
            }
            target = max(1, page - 1) if action == "previous" else page + 1
            try:
                responses.save_answers(session, response, answers, pinned, page=target)
            except InvalidInput as exc:
                saved = responses.answers_of(session, response)
                values = {f"{i}/{item}": v for (i, item), v in saved.items()}
                values.update(answers)
                errors = self._answer_errors(request, current, answers, exc)
                return self._page(request, pages, page, values, len(saved), errors)
            except Conflict:
                if response.status == "submitted":
                    return redirect(request, request.app.route_reverse("respond_thanks"))
                return self._closed(request, response)
        if target > len(pages):
            return redirect(request, request.app.route_reverse("respond_review"))
        return redirect(request, request.app.route_reverse("respond_page", page=target))

    @get("/respond/review", name="respond_review", sync_to_thread=True)
    def review(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        lang = lang_of(request)
        with db_session(request) as session:
            response = _respondent(request, session)
            round_ = session.get(Round, response.round_id)
            assert round_ is not None
            if response.status == "submitted":
                return redirect(request, request.app.route_reverse("respond_thanks"))
            if not round_.is_open:
                return self._closed(request, response)
            pages = self._pages(request, round_, response.role)
            saved = responses.answers_of(session, response)
        unanswered = [
            {
                "page": p.number,
                "title": " · ".join(dict.fromkeys(s.dimension.title.get(lang) for s in p.sections)),
                "questions": [
                    {"id": f"q-{instrument.id}-{item.id}", "text": item.text.get(lang)}
                    for instrument, item in p.questions
                    if (instrument.id, item.id) not in saved
                ],
            }
            for p in pages
        ]
        total = sum(len(p.items) for p in pages)
        return render(
            request,
            "respondent/review.html",
            headers=NO_STORE,
            unanswered=[p for p in unanswered if p["questions"]],
            answered=len(saved),
            total=total,
            last_page=len(pages),
        )

    @post("/respond/submit", name="respond_submit", sync_to_thread=True)
    def submit(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        with db_session(request) as session:
            response = _respondent(request, session)
            try:
                responses.submit(session, response)
            except Conflict:
                return self._closed(request, response)
        return redirect(request, request.app.route_reverse("respond_thanks"))

    @get("/respond/thanks", name="respond_thanks", sync_to_thread=True)
    def thanks(self, request: Request[Any, Any, Any]) -> Template | Redirect:
        with db_session(request) as session:
            response = _respondent(request, session)
            if response.status != "submitted":
                return redirect(request, self._continue_path(request, session, response))
        return render(request, "respondent/thanks.html", headers=NO_STORE)

    # --- helpers -------------------------------------------------------------------

    def _pages(
        self, request: Request[Any, Any, Any], round_: Round, role: str | None = None
    ) -> list[Page]:
        return round_pages(rounds.round_instruments(round_, state_of(request).library), role)

    def _continue_path(
        self, request: Request[Any, Any, Any], session: Session, response: Response
    ) -> str:
        app = request.app
        if response.status == "submitted":
            return app.route_reverse("respond_thanks")
        round_ = session.get(Round, response.round_id)
        assert round_ is not None
        page_count = len(self._pages(request, round_, response.role))
        if response.last_page > page_count:
            return app.route_reverse("respond_review")
        return app.route_reverse("respond_page", page=max(1, response.last_page))

    def _page(
        self,
        request: Request[Any, Any, Any],
        pages: list[Page],
        number: int,
        values: dict[str, str],
        answered: int,
        errors: dict[str, str],
    ) -> Template:
        lang = lang_of(request)
        current = pages[number - 1]
        items: list[dict[str, Any]] = []
        sections = []
        for index, section in enumerate(current.sections):
            shown: list[dict[str, Any]] = []
            for item in section.items:
                key = answer_key(section.instrument, item)
                shown.append(
                    {
                        "id": f"q-{section.instrument.id}-{item.id}",
                        "name": ANSWER_PREFIX + key,
                        "number": len(items) + len(shown) + 1,
                        "text": item.text.get(lang),
                        "value": values.get(key, ""),
                        "error": errors.get(key),
                        "options": [
                            {"value": o.value, "label": o.label.get(lang), "kind": o.kind.value}
                            for o in item.options
                        ],
                    }
                )
            items.extend(shown)
            new_instrument = (
                index > 0 and section.instrument.id != current.sections[index - 1].instrument.id
            )
            sections.append(
                {
                    "instrument_title": section.instrument.title.get(lang)
                    if new_instrument
                    else None,
                    "title": section.dimension.title.get(lang),
                    "description": section.dimension.description.get(lang),
                    "questions": shown,
                }
            )
        total = sum(len(p.items) for p in pages)
        return render(
            request,
            "respondent/page.html",
            status_code=422 if errors else 200,
            headers=NO_STORE,
            page=number,
            page_count=len(pages),
            instrument_title=current.sections[0].instrument.title.get(lang),
            dimension_title=current.sections[0].dimension.title.get(lang),
            dimension_description=current.sections[0].dimension.description.get(lang),
            items=items,
            sections=sections,
            single=len(sections) == 1,
            answered=answered,
            total=total,
            errors=errors,
        )

    def _answer_errors(
        self,
        request: Request[Any, Any, Any],
        current: Page,
        answers: dict[str, str],
        exc: InvalidInput,
    ) -> dict[str, str]:
        """The refused answers of the page, each with the message to show next to it."""
        message = gettext(request, INVALID_OPTION)
        refused = {}
        for instrument, item in current.questions:
            key = answer_key(instrument, item)
            value = answers.get(key)
            if value is not None and item.option(value) is None:
                refused[key] = message
        if not refused and exc.field and exc.field.startswith("answers."):
            refused[exc.field.removeprefix("answers.")] = message
        return refused

    def _start_form(
        self,
        request: Request[Any, Any, Any],
        code: str,
        round_: Round,
        organisation_name: str,
        form: dict[str, str],
        errors: dict[str, str],
        existing: Response | None,
    ) -> Template:
        lang = lang_of(request)
        roles = vocabularies().roles.as_list(lang)
        with db_session(request) as session:
            current = session.get(Round, round_.id)
            if current is None:
                raise NotFound(INVALID_INVITATION)
            asked = burden.by_role(
                session,
                current,
                rounds.round_instruments(current, state_of(request).library),
                [role["id"] for role in roles],
            )
        return render(
            request,
            "respondent/start.html",
            status_code=422 if errors else 200,
            headers=NO_STORE,
            code=code,
            round=round_,
            organisation_name=organisation_name,
            form=form,
            errors={field: gettext(request, message) for field, message in errors.items()},
            roles=roles,
            burden=asked,
            languages=[{"id": k, "label": v} for k, v in i18n.LANGUAGE_NAMES.items()],
            existing=existing,
        )

    def _closed(self, request: Request[Any, Any, Any], response: Response | None) -> Template:
        return render(
            request,
            "respondent/closed.html",
            status_code=409,
            headers=NO_STORE,
            submitted=response is not None and response.status == "submitted",
        )

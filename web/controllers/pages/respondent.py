"""The respondent's pages after the questions: continuing, review, submit, thanks; and
what the respondent's pages share.

Pages are numbered from 1 and laid out by `survey.services.questionnaire`; the review
page comes after the last. ``Response.last_page`` holds the page
where the respondent continues: every "next" or "previous" saves the answers of the
page and moves it, so a closed tab, the resume link or the cookie lead back there.

The browser knows the respondent by the ``smb_resume`` cookie alone (no login
session), so that a coordinator who tries the questionnaire in the same browser
stays signed in to the dashboard. The invitation and the resume link are served by
``respondent_start``, the pages of questions by ``respondent_questions``.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from instruments import InstrumentLibrary
from survey.errors import Conflict
from survey.models import Response, Round
from survey.services import responses, rounds
from survey.services.questionnaire import Page, round_pages
from web.controllers.pages.common import NO_STORE, PageController, lang_of, redirect, render
from web.controllers.pages.visitor_callers import RESPONDENT_PAGES, require_respondent_page

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Req = Request[Any, Any, Any]


def pages_of(library: InstrumentLibrary, round_: Round, role: str | None = None) -> list[Page]:
    return round_pages(rounds.round_instruments(round_, library), role)


def round_of(db: Session, response: Response) -> Round:
    round_ = db.get(Round, response.round_id)
    assert round_ is not None
    return round_


def continue_path(request: Req, db: Session, library: InstrumentLibrary, response: Response) -> str:
    """Where the respondent goes on: the page they left, the review, or the thanks."""
    app = request.app
    if response.status == "submitted":
        return app.route_reverse("respond_thanks")
    page_count = len(pages_of(library, round_of(db, response), response.role))
    if response.last_page > page_count:
        return app.route_reverse("respond_review")
    return app.route_reverse("respond_page", page=max(1, response.last_page))


def closed_page(request: Req, response: Response | None) -> Template:
    return render(
        request,
        "respondent/closed.html",
        status_code=409,
        headers=NO_STORE,
        submitted=response is not None and response.status == "submitted",
    )


def thanks_path(request: Req) -> str:
    return request.app.route_reverse("respond_thanks")


class RespondentPages(PageController):
    dependencies = RESPONDENT_PAGES
    guards = [require_respondent_page]

    @get("/respond", name="respond", sync_to_thread=True)
    def continue_answering(
        self,
        request: Req,
        db: NamedDependency[Session],
        library: NamedDependency[InstrumentLibrary],
        respondent: NamedDependency[Response],
    ) -> Redirect:
        return redirect(request, continue_path(request, db, library, respondent))

    @get("/respond/review", name="respond_review", sync_to_thread=True)
    def review(
        self,
        request: Req,
        db: NamedDependency[Session],
        library: NamedDependency[InstrumentLibrary],
        respondent: NamedDependency[Response],
    ) -> Template | Redirect:
        lang = lang_of(request)
        round_ = round_of(db, respondent)
        if respondent.status == "submitted":
            return redirect(request, thanks_path(request))
        if not round_.is_open:
            return closed_page(request, respondent)
        pages = pages_of(library, round_, respondent.role)
        saved = responses.answers_of(db, respondent)
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
    def submit(
        self, request: Req, db: NamedDependency[Session], respondent: NamedDependency[Response]
    ) -> Template | Redirect:
        try:
            with db.begin_nested():
                responses.submit(db, respondent)
        except Conflict:
            return closed_page(request, respondent)
        return redirect(request, thanks_path(request))

    @get("/respond/thanks", name="respond_thanks", sync_to_thread=True)
    def thanks(
        self,
        request: Req,
        db: NamedDependency[Session],
        library: NamedDependency[InstrumentLibrary],
        respondent: NamedDependency[Response],
    ) -> Template | Redirect:
        if respondent.status != "submitted":
            return redirect(request, continue_path(request, db, library, respondent))
        return render(request, "respondent/thanks.html", headers=NO_STORE)

"""The respondent's pages of questions: showing a page, and saving its answers on
"next" or "previous" (``respondent`` tells how the pages are laid out)."""

from __future__ import annotations

from typing import Any

from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from instruments import InstrumentLibrary
from survey.errors import Conflict, InvalidInput, NotFound
from survey.models import Response
from survey.services import responses
from survey.services.pinned import PinnedInstruments
from survey.services.questionnaire import Page, answer_key
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    form_value,
    gettext,
    lang_of,
    redirect,
    render,
)
from web.controllers.pages.respondent import (
    FormData,
    Req,
    closed_page,
    pages_of,
    round_of,
    thanks_path,
)
from web.controllers.pages.visitor_callers import RESPONDENT_PAGES, require_respondent_page
from web.i18n import N_

ANSWER_PREFIX = "answer:"
NO_SUCH_PAGE = N_("This page does not exist.")
INVALID_OPTION = N_("Choose one of the answers shown.")


class RespondentQuestionPages(PageController):
    dependencies = RESPONDENT_PAGES
    guards = [require_respondent_page]

    @get("/respond/{page:int}", name="respond_page", sync_to_thread=True)
    def page(
        self,
        request: Req,
        db: NamedDependency[Session],
        library: NamedDependency[InstrumentLibrary],
        respondent: NamedDependency[Response],
        page: FromPath[int],
    ) -> Template | Redirect:
        round_ = round_of(db, respondent)
        if respondent.status == "submitted":
            return redirect(request, thanks_path(request))
        if not round_.is_open:
            return closed_page(request, respondent)
        pages = pages_of(library, round_, respondent.role)
        if not 1 <= page <= len(pages):
            raise NotFound(NO_SUCH_PAGE)
        saved = responses.answers_of(db, respondent)
        values = {f"{i}/{item}": v for (i, item), v in saved.items()}
        return _page(request, pages, page, values, len(saved), {})

    @post("/respond/{page:int}", name="respond_save", sync_to_thread=True)
    def save(
        self,
        request: Req,
        db: NamedDependency[Session],
        library: NamedDependency[InstrumentLibrary],
        pinned: NamedDependency[PinnedInstruments],
        respondent: NamedDependency[Response],
        page: FromPath[int],
        data: FormData,
    ) -> Template | Redirect:
        action = form_value(data, "action")
        pages = pages_of(library, round_of(db, respondent), respondent.role)
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
            with db.begin_nested():
                responses.save_answers(db, respondent, answers, pinned, page=target)
        except InvalidInput as exc:
            saved = responses.answers_of(db, respondent)
            values = {f"{i}/{item}": v for (i, item), v in saved.items()}
            values.update(answers)
            errors = _answer_errors(request, current, answers, exc)
            return _page(request, pages, page, values, len(saved), errors)
        except Conflict:
            if respondent.status == "submitted":
                return redirect(request, thanks_path(request))
            return closed_page(request, respondent)
        if target > len(pages):
            return redirect(request, request.app.route_reverse("respond_review"))
        return redirect(request, request.app.route_reverse("respond_page", page=target))


def _page(
    request: Req,
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
                "instrument_title": section.instrument.title.get(lang) if new_instrument else None,
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
    request: Req, current: Page, answers: dict[str, str], exc: InvalidInput
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

"""The action plan pages: a round's actions (add, edit) and those carried from earlier
rounds with the change of the topics they target."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from analytics.report import followup
from analytics.report.action_export import actions_csv
from analytics.report.followup import follow_up
from analytics.report.service import slug
from instruments import InstrumentLibrary
from survey.errors import InvalidInput
from survey.i18n import Translator
from survey.models import Organisation, Round
from survey.services import actions, audit, rounds
from web import downloads
from web.controllers.pages.action_forms import (
    ACTION_ERRORS,
    STATUS_LABELS,
    action_view,
    draft_from_form,
    due_from_form,
    role_options,
    topic_titles,
)
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    form_value,
    form_values,
    gettext,
    lang_of,
    redirect,
    render,
)
from web.controllers.pages.coordinator_callers import round_work_page

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


class ActionPages(PageController):
    guards = [round_work_page]

    @get("/rounds/{round_id:str}/actions.csv", name="round_actions_csv", sync_to_thread=True)
    def download(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        library: NamedDependency[InstrumentLibrary],
        page_lang: NamedDependency[str],
        round_id: FromPath[str],
    ) -> Response[bytes]:
        """The action plan (this round's actions, then the carried ones) as CSV."""
        round_ = rounds.get_round(db, round_id, of=coordinator)
        agreed, carried = followup.gather(db, round_, library, page_lang)
        t = Translator(page_lang)
        content = actions_csv(follow_up([], [], agreed, carried, t), t)
        downloads.record(
            db,
            request,
            coordinator,
            audit.EXPORT,
            target=f"round:{round_.id}",
            detail=f"action plan as csv, {page_lang}",
        )
        name = f"action-plan-{slug(coordinator.name)}-{slug(round_.label, 40)}-{page_lang}"
        return Response(
            content,
            media_type="text/csv",
            headers={
                "Content-Disposition": f'attachment; filename="{name}.csv"',
                **NO_STORE,
            },
        )

    @get("/rounds/{round_id:str}/actions", name="round_actions", sync_to_thread=True)
    def plan(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        library: NamedDependency[InstrumentLibrary],
        round_id: FromPath[str],
    ) -> Template:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        return _page(request, db, library, round_, {}, {})

    @post("/rounds/{round_id:str}/actions", name="round_action_create", sync_to_thread=True)
    def create(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        library: NamedDependency[InstrumentLibrary],
        round_id: FromPath[str],
        data: FormData,
    ) -> Template | Redirect:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        try:
            with db.begin_nested():
                action = actions.create_action(db, round_, draft_from_form(data), library)
        except InvalidInput as exc:
            field = exc.field if exc.field in ACTION_ERRORS else "title"
            return _page(request, db, library, round_, {field: ACTION_ERRORS[field]}, data)
        back = form_value(data, "back")
        if back.startswith("dialogue-"):
            target = request.app.route_reverse("round_dialogue", round_id=round_.id)
            return redirect(request, f"{target}?agreed={action.id}#{back}")
        target = request.app.route_reverse("round_actions", round_id=round_id)
        return redirect(request, f"{target}#action-{action.id}")

    @post(
        "/rounds/{round_id:str}/actions/{action_id:str}",
        name="round_action_update",
        sync_to_thread=True,
    )
    def update(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        library: NamedDependency[InstrumentLibrary],
        round_id: FromPath[str],
        action_id: FromPath[str],
        data: FormData,
    ) -> Template | Redirect:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        action = actions.get_action(db, round_, action_id)
        try:
            with db.begin_nested():
                changes = {
                    "status": form_value(data, "status"),
                    "owner_role": form_value(data, "owner_role") or None,
                    "owner_name": form_value(data, "owner_name") or None,
                    "due": due_from_form(form_value(data, "due")),
                    "note": form_value(data, "note"),
                }
                actions.update_action(db, round_, action, changes, library)
        except InvalidInput as exc:
            field = exc.field if exc.field in ACTION_ERRORS else "status"
            return _page(request, db, library, round_, {field: ACTION_ERRORS[field]}, {})
        target = request.app.route_reverse("round_actions", round_id=round_id)
        return redirect(request, f"{target}#action-{action_id}")


def _page(
    request: Request[Any, Any, Any],
    db: Session,
    library: InstrumentLibrary,
    round_: Round,
    errors: dict[str, str],
    data: dict[str, Any],
) -> Template:
    lang = lang_of(request)
    instruments = rounds.round_instruments(round_, library)
    titles = topic_titles(instruments, lang)
    carried = []
    for entry in actions.carried_actions(db, round_):
        earlier = rounds.round_instruments(entry.round, library)
        carried.append(
            {
                **action_view(entry.action, topic_titles(earlier, lang), lang),
                "round": entry.round,
                "reason": entry.reason,
                "changes": [
                    {
                        "topic": titles.get((entry.action.instrument_id, c.dimension)),
                        "previous_score": c.previous_score,
                        "score": c.score,
                        "change": c.change,
                        "beyond_turnover": c.beyond_turnover,
                    }
                    for c in entry.changes
                ],
            }
        )
    picked = set(form_values(data, "dimensions")) or {form_value(request.query_params, "topic")}
    return render(
        request,
        "coordinator/actions.html",
        status_code=422 if errors else 200,
        headers=NO_STORE,
        organisation=round_.organisation,
        round=round_,
        plan=[action_view(a, titles, lang) for a in actions.list_actions(db, round_)],
        carried=carried,
        instruments=[
            {
                "title": inst.title.get(lang),
                "topics": [
                    {
                        "value": f"{inst.id}/{d.id}",
                        "title": d.title.get(lang),
                        "checked": f"{inst.id}/{d.id}" in picked,
                    }
                    for d in inst.dimensions
                ],
            }
            for inst in instruments
        ],
        roles=role_options(lang),
        statuses=[
            {"id": key, "label": gettext(request, label)} for key, label in STATUS_LABELS.items()
        ],
        status_labels={key: gettext(request, label) for key, label in STATUS_LABELS.items()},
        form={
            "title": form_value(data, "title") or form_value(request.query_params, "title"),
            "origin": form_value(data, "origin") or form_value(request.query_params, "origin"),
            "owner_role": form_value(data, "owner_role"),
            "owner_name": form_value(data, "owner_name"),
            "due": form_value(data, "due"),
            "note": form_value(data, "note"),
        },
        errors={field: gettext(request, message) for field, message in errors.items()},
    )

"""A round's settings page: its name, deadline, reminder days and targets per role,
participation against the targets, and deleting a round opened by mistake."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect, Template
from sqlalchemy.orm import Session

from instruments import vocabularies
from survey.disclosure import rules
from survey.errors import Conflict, InvalidInput
from survey.models import Organisation, Round
from survey.services import audit, round_changes, rounds, schedule
from web.controllers.pages.common import (
    NO_STORE,
    PageController,
    form_value,
    gettext,
    lang_of,
    redirect,
    render,
)
from web.controllers.pages.coordinator_callers import round_work_page
from web.i18n import N_
from web.security import client_address

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]

TARGET_PREFIX = "target:"
DATE_FORMAT = "%Y-%m-%dT%H:%M"
OTHER_ROLES = N_("Other roles")
SETTINGS_ERRORS = {
    "label": N_("Give the round a name of at most 200 characters."),
    "closes_at": N_("Give a closing date and time in the future, or leave it empty."),
    "reminder_days": N_("Reminder days are whole numbers from 1 to 365, such as 7, 14."),
    "targets": N_("A target is a whole number from 0 to 100000."),
}
CANNOT_DELETE = N_("This round has saved answers, so it can no longer be deleted.")
ONLY_CLOSED = N_("Only a closed round can be archived.")


def _actor(round_: Round) -> audit.Actor:
    return audit.Actor("coordinator", organisation_id=round_.organisation_id)


def _closes_at(text: str) -> datetime | None:
    if not text.strip():
        return None
    try:
        return datetime.strptime(text.strip()[:16], DATE_FORMAT).replace(tzinfo=UTC)
    except ValueError as exc:
        raise InvalidInput("not a date", "closes_at") from exc


def _targets(data: dict[str, Any]) -> dict[str, int]:
    targets = {}
    for role in vocabularies().roles.ids():
        value = form_value(data, TARGET_PREFIX + role).strip()
        if not value:
            continue
        if not value.isdigit():
            raise InvalidInput("not a number", "targets")
        targets[role] = int(value)
    return targets


class RoundSettingsPages(PageController):
    guards = [round_work_page]

    @get("/rounds/{round_id:str}/settings", name="round_settings", sync_to_thread=True)
    def settings_page(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        round_id: FromPath[str],
    ) -> Template:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        current = schedule.schedule_of(db, round_)
        form = {
            "label": round_.label,
            "closes_at": current.closes_at.strftime(DATE_FORMAT) if current.closes_at else "",
            "reminder_days": ", ".join(str(d) for d in current.reminder_days),
            **{TARGET_PREFIX + r: str(n) for r, n in current.targets.items()},
        }
        return _page(request, db, round_, form, {})

    @post("/rounds/{round_id:str}/settings", name="round_settings_save", sync_to_thread=True)
    def save(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        round_id: FromPath[str],
        data: FormData,
    ) -> Template | Redirect:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        form = {key: form_value(data, key) for key in data}
        try:
            closes_at = _closes_at(form_value(data, "closes_at"))
            days = schedule.parse_days(form_value(data, "reminder_days"))
            targets = _targets(data)
            with db.begin_nested():
                round_changes.rename_round(
                    db,
                    round_,
                    form_value(data, "label"),
                    _actor(round_),
                    address=client_address(request.scope),
                )
                if round_.is_open:
                    schedule.set_schedule(
                        db, round_, closes_at=closes_at, reminder_days=days, targets=targets
                    )
        except InvalidInput as exc:
            field = exc.field if exc.field in SETTINGS_ERRORS else "label"
            return _page(request, db, round_, form, {field: SETTINGS_ERRORS[field]})
        return redirect(request, request.app.route_reverse("round", round_id=round_id))

    @post("/rounds/{round_id:str}/delete", name="round_delete", sync_to_thread=True)
    def delete(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        round_id: FromPath[str],
    ) -> Template | Redirect:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        try:
            with db.begin_nested():
                round_changes.delete_round(
                    db, round_, _actor(round_), address=client_address(request.scope)
                )
        except Conflict:
            return _page(request, db, round_, None, {"delete": CANNOT_DELETE}, status=409)
        return redirect(
            request, request.app.route_reverse("dashboard", organisation_id=coordinator.id)
        )

    @post("/rounds/{round_id:str}/archive", name="round_archive", sync_to_thread=True)
    def archive(
        self,
        request: Request[Any, Any, Any],
        db: NamedDependency[Session],
        coordinator: NamedDependency[Organisation],
        round_id: FromPath[str],
        data: FormData,
    ) -> Template | Redirect:
        round_ = rounds.get_round(db, round_id, of=coordinator)
        try:
            with db.begin_nested():
                round_changes.set_archived(
                    db,
                    round_,
                    form_value(data, "archived") == "yes",
                    _actor(round_),
                    address=client_address(request.scope),
                )
        except Conflict:
            return _page(request, db, round_, None, {"archive": ONLY_CLOSED}, status=409)
        return redirect(
            request, request.app.route_reverse("dashboard", organisation_id=coordinator.id)
        )


def _page(
    request: Request[Any, Any, Any],
    db: Session,
    round_: Round,
    form: dict[str, str] | None,
    errors: dict[str, str],
    *,
    status: int | None = None,
) -> Template:
    lang = lang_of(request)
    roles = vocabularies().roles
    current = schedule.schedule_of(db, round_)
    progress = rounds.progress(db, round_)
    lines = [
        {
            "label": roles.label(line.role, lang)
            if line.role != "other"
            else gettext(request, OTHER_ROLES),
            "submitted": line.submitted,
            "target": line.target,
            "reason": rules.explain(rules.FEW_IN_ROLE, lang) if line.submitted is None else None,
        }
        for line in schedule.participation(progress.by_role, current.targets)
    ]
    return render(
        request,
        "coordinator/round_settings.html",
        status_code=status or (422 if errors else 200),
        headers=NO_STORE,
        organisation=round_.organisation,
        round=round_,
        form=form if form is not None else {"label": round_.label},
        errors={field: gettext(request, message) for field, message in errors.items()},
        roles=roles.as_list(lang),
        target_prefix=TARGET_PREFIX,
        participation=lines,
        schedule=current,
        deletable=not round_changes.has_answers(db, round_),
        archived=bool(round_changes.archived_ids(db, [round_.id])),
    )

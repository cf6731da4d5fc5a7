"""The action plan's forms and views: a draft from a submitted form, the error texts
per field, and the plain view of an action that the pages list."""

from __future__ import annotations

from datetime import date
from typing import Any

from instruments import Instrument, vocabularies
from survey.errors import InvalidInput
from survey.services import actions
from web.controllers.pages.common import form_value, form_values
from web.i18n import N_

TOPICS = N_("Choose at least one topic of one questionnaire.")
OWNER = N_("Say who owns the action: a role, a name, or both.")
ACTION_ERRORS = {
    "instrument": TOPICS,
    "dimensions": TOPICS,
    "origin_item": TOPICS,
    "origin_finding": TOPICS,
    "title": N_("Describe the action in 1 to 200 characters."),
    "owner_role": OWNER,
    "owner_name": OWNER,
    "due": N_("Give the due date as a date, for example 2026-09-30."),
    "status": N_("Choose a status."),
    "note": N_("The note may be at most 2,000 characters."),
}
STATUS_LABELS = {
    "planned": N_("Planned"),
    "in_progress": N_("In progress"),
    "done": N_("Done"),
    "dropped": N_("Dropped"),
}


def due_from_form(value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput("Not a date.", "due") from None


def draft_from_form(data: dict[str, Any]) -> actions.Draft:
    """A draft from the form: topics as ``instrument/dimension``, origin as
    ``instrument/item/finding``."""
    picked = [value.split("/", 1) for value in form_values(data, "dimensions") if "/" in value]
    instruments = {instrument for instrument, _ in picked}
    if len(instruments) != 1:
        raise InvalidInput("Topics of one questionnaire.", "dimensions")
    origin = form_value(data, "origin").split("/")
    item, finding = (origin[1], origin[2]) if len(origin) == 3 else (None, None)
    return actions.Draft(
        instrument=instruments.pop(),
        dimensions=[dimension for _, dimension in picked],
        title=form_value(data, "title"),
        owner_role=form_value(data, "owner_role") or None,
        owner_name=form_value(data, "owner_name") or None,
        due=due_from_form(form_value(data, "due")),
        status=form_value(data, "status") or "planned",
        note=form_value(data, "note"),
        origin_item=item,
        origin_finding=finding,
    )


def topic_titles(instruments: list[Instrument], lang: str) -> dict[tuple[str, str], str]:
    return {(i.id, d.id): str(d.title.get(lang)) for i in instruments for d in i.dimensions}


def role_options(lang: str) -> list[dict[str, str]]:
    return [{"id": e.id, "label": e.label.get(lang)} for e in vocabularies().roles.entries]


def action_view(action: Any, titles: dict[tuple[str, str], str], lang: str) -> dict[str, Any]:
    roles = vocabularies().roles
    return {
        "id": action.id,
        "title": action.title,
        "topics": [titles.get((action.instrument_id, d), d) for d in action.dimension_ids],
        "owner_role": action.owner_role,
        "owner": ", ".join(
            part
            for part in (
                roles.label(action.owner_role, lang) if action.owner_role else None,
                action.owner_name,
            )
            if part
        ),
        "owner_name": action.owner_name or "",
        "due": action.due,
        "status": action.status,
        "note": action.note,
    }

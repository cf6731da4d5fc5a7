"""The report's follow-up: the comparison with the previous round, the actions agreed
after this round, and the actions of earlier rounds with the change of their topics.

:func:`gather` reads the actions from the database into plain rows (the impure part,
called while the report's input is gathered); :func:`follow_up` builds the model from
them and the ``previous`` block of the round's scores.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from instruments import InstrumentLibrary, vocabularies
from survey.i18n import N_, Translator
from survey.models import Action, Round
from survey.services import actions

ACTION_STATUSES = {
    "planned": N_("planned"),
    "in_progress": N_("in progress"),
    "done": N_("done"),
    "dropped": N_("dropped"),
}
BEYOND_TURNOVER: dict[bool | None, str] = {
    True: N_("yes"),
    False: N_("no, within turnover"),
    None: N_("not known"),
}
NOT_COMPARED = {
    "open": N_("The change shows once this round is closed."),
    "other_version": N_("Not compared: another version of the questionnaire."),
    "not_in_round": N_("Not compared: this round does not use that questionnaire."),
}


@dataclass(frozen=True)
class TopicChange:
    topic: str
    previous_score: float | None
    score: float | None
    change: float | None
    verdict: str = ""
    """Whether the change exceeds what respondent turnover explains, in words."""
    real: bool | None = None


@dataclass(frozen=True)
class AgreedRow:
    """An agreed action as the report lists it; ``note_on_change`` says why there is no
    change to show ('' when there is one)."""

    action_id: str
    round_label: str
    title: str
    topics: list[str]
    owner: str
    due: date | None
    status: str
    note: str
    changes: list[TopicChange]
    note_on_change: str


@dataclass(frozen=True)
class Comparison:
    """One instrument against the organisation's previous round: the rows, or ``why``."""

    instrument_title: str
    previous_label: str | None
    rows: list[TopicChange]
    why: str


@dataclass(frozen=True)
class FollowUp:
    comparisons: list[Comparison]
    agreed: list[AgreedRow]
    carried: list[AgreedRow]

    @property
    def any_comparison(self) -> bool:
        return any(c.rows for c in self.comparisons)

    def tally(self) -> dict[str, Any] | None:
        """For the board summary: the previous round's label and how many topics rose or
        fell beyond what turnover explains, or stayed within it (None without a
        comparison)."""
        compared = [c for c in self.comparisons if c.rows]
        if not compared:
            return None
        rows = [r for c in compared for r in c.rows if r.change is not None]
        return {
            "label": compared[0].previous_label,
            "up": sum(1 for r in rows if r.real and (r.change or 0) > 0),
            "down": sum(1 for r in rows if r.real and (r.change or 0) < 0),
            "steady": sum(1 for r in rows if r.real is False),
        }


# --- gathering (database) ------------------------------------------------------------


def _row(
    action: Action,
    round_: Round,
    library: InstrumentLibrary,
    lang: str,
    changes: Sequence[actions.DimensionChange] = (),
    reason: str | None = None,
) -> dict[str, Any]:
    version = next(
        (
            p.instrument_version
            for p in round_.instruments
            if p.instrument_id == action.instrument_id
        ),
        None,
    )
    instrument = library.get(action.instrument_id, version) if version else None

    def title(dimension: str) -> str:
        found = instrument.dimension(dimension) if instrument else None
        return str(found.title.get(lang)) if found else dimension

    roles = vocabularies().roles
    owner = [roles.label(action.owner_role, lang)] if action.owner_role else []
    return {
        "id": action.id,
        "round_label": round_.label,
        "title": action.title,
        "topics": [title(d) for d in action.dimension_ids],
        "owner": ", ".join([*owner, *([action.owner_name] if action.owner_name else [])]),
        "due": action.due,
        "status": action.status,
        "note": action.note,
        "changes": [
            {
                "topic": title(c.dimension),
                "previous_score": c.previous_score,
                "score": c.score,
                "change": c.change,
                "real": c.beyond_turnover,
            }
            for c in changes
        ],
        "reason": reason,
    }


def gather(
    session: Session, round_: Round, library: InstrumentLibrary, lang: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The round's agreed actions and the carried ones, as plain rows in ``lang``."""
    agreed = [_row(a, round_, library, lang) for a in actions.list_actions(session, round_)]
    carried = [
        _row(c.action, c.round, library, lang, c.changes, c.reason)
        for c in actions.carried_actions(session, round_)
    ]
    return agreed, carried


def fingerprint_rows(session: Session, round_: Round) -> Iterable[tuple[Any, ...]]:
    """What the report's follow-up depends on besides stored results: the organisation's
    actions of this and earlier rounds (a change of any invalidates the cached report)."""
    return session.execute(
        select(Action.id, Action.updated_at, Action.round_id)
        .join(Round, Round.id == Action.round_id)
        .where(
            Action.organisation_id == round_.organisation_id,
            Round.opened_at <= round_.opened_at,
        )
        .order_by(Action.id)
    ).all()


# --- the model (pure) ----------------------------------------------------------------


def _agreed(row: Mapping[str, Any], t: Translator) -> AgreedRow:
    return AgreedRow(
        action_id=row["id"],
        round_label=row["round_label"],
        title=row["title"],
        topics=list(row["topics"]),
        owner=row["owner"],
        due=row["due"],
        status=t.of(ACTION_STATUSES, row["status"]),
        note=row["note"],
        changes=[
            TopicChange(
                c["topic"],
                c["previous_score"],
                c["score"],
                c["change"],
                t.of(BEYOND_TURNOVER, c["real"]),
                c["real"],
            )
            for c in row["changes"]
        ],
        note_on_change=t.of(NOT_COMPARED, row["reason"]) if row["reason"] else "",
    )


def follow_up(
    previous: Sequence[Mapping[str, Any]],
    instruments: Sequence[Any],
    agreed: Sequence[Mapping[str, Any]],
    carried: Sequence[Mapping[str, Any]],
    t: Translator,
) -> FollowUp:
    """The follow-up model from the ``previous`` block of the round's scores and the
    gathered action rows."""
    by_id = {i.id: i for i in instruments}
    comparisons = []
    for entry in previous:
        inst = by_id[entry["instrument"]]
        titles = {d.id: str(d.title.get(t.lang)) for d in inst.dimensions}
        earlier = entry.get("round") or {}
        why = ""
        if entry["reason"] == "other_version":
            why = t(
                "Not compared: the previous round used version %(old)s and this round version %(new)s; scores of different versions are not comparable.",
                old=entry["previous_version"],
                new=entry["version"],
            )
        elif entry["reason"] == "first_round":
            why = t(
                "This is the first closed round with this questionnaire: there is nothing to compare with yet."
            )
        comparisons.append(
            Comparison(
                instrument_title=str(inst.title.get(t.lang)),
                previous_label=earlier.get("label"),
                rows=[
                    TopicChange(
                        titles.get(d["dimension"], d["dimension"]),
                        d["previous_score"],
                        d["score"],
                        d["change"],
                        t.of(BEYOND_TURNOVER, d.get("beyond_turnover")),
                        d.get("beyond_turnover"),
                    )
                    for d in entry["dimensions"]
                ],
                why=why,
            )
        )
    return FollowUp(
        comparisons=comparisons,
        agreed=[_agreed(row, t) for row in agreed],
        carried=[_agreed(row, t) for row in carried],
    )

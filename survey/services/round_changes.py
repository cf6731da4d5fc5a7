"""Renaming a round, deleting one opened by mistake while no answer is saved, and
archiving a closed one (listed apart; its results and benchmark role unchanged); each
is written to the audit log."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from survey.errors import Conflict, InvalidInput
from survey.models import Answer, Response, Round, RoundArchive
from survey.services import audit

ROUND_RENAMED = "round.renamed"
ROUND_DELETED = "round.deleted"
ROUND_ARCHIVED = "round.archived"
ROUND_RESTORED = "round.restored"
MAX_LABEL = 200


def clean_label(label: str) -> str:
    label = " ".join((label or "").split())
    if not label or len(label) > MAX_LABEL or "\x00" in label:
        raise InvalidInput(f"Give the round a name of at most {MAX_LABEL} characters.", "label")
    return label


def rename_round(
    session: Session, round_: Round, label: str, actor: audit.Actor, *, address: str | None
) -> Round:
    new = clean_label(label)
    if new != round_.label:
        audit.record(
            session,
            ROUND_RENAMED,
            actor,
            address=address,
            target=round_.id,
            detail=f"{round_.label} -> {new}",
            organisation_id=round_.organisation_id,
        )
        round_.label = new
        session.flush()
    return round_


def has_answers(session: Session, round_: Round) -> bool:
    return bool(
        session.scalar(
            select(
                exists().where(Answer.response_id == Response.id, Response.round_id == round_.id)
            )
        )
    )


def delete_round(
    session: Session, round_: Round, actor: audit.Actor, *, address: str | None
) -> None:
    """Delete the round, its invitations and unanswered responses; refused (Conflict) once
    any answer is saved, since answers are kept until the round's results exist."""
    locked = session.scalar(select(Round).where(Round.id == round_.id).with_for_update())
    assert locked is not None
    if has_answers(session, locked):
        raise Conflict("This round has saved answers, so it can no longer be deleted.")
    audit.record(
        session,
        ROUND_DELETED,
        actor,
        address=address,
        target=locked.id,
        detail=locked.label,
        organisation_id=locked.organisation_id,
    )
    session.delete(locked)
    session.flush()


def archived_ids(session: Session, round_ids: list[str]) -> set[str]:
    return set(
        session.scalars(select(RoundArchive.round_id).where(RoundArchive.round_id.in_(round_ids)))
    )


def set_archived(
    session: Session,
    round_: Round,
    archived: bool,
    actor: audit.Actor,
    *,
    address: str | None,
) -> None:
    """Archive a closed round, or bring it back to the list; an open round is a Conflict."""
    if round_.is_open:
        raise Conflict("Only a closed round can be archived.")
    row = session.get(RoundArchive, round_.id)
    if archived == (row is not None):
        return
    if archived:
        session.add(RoundArchive(round_id=round_.id))
    else:
        session.delete(row)
    audit.record(
        session,
        ROUND_ARCHIVED if archived else ROUND_RESTORED,
        actor,
        address=address,
        target=round_.id,
        detail=round_.label,
        organisation_id=round_.organisation_id,
    )
    session.flush()

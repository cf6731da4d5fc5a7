"""A round's deadline, reminder days and response targets, and the work they cause:
closing a round at its deadline (with a notice to its coordinators) and reminding
those who have not submitted on the chosen days."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from instruments import InstrumentLibrary, vocabularies
from survey.disclosure.counts import OTHER_ROLES, progress_lines
from survey.disclosure.rules import MIN_RESPONDENTS
from survey.errors import InvalidInput
from survey.mail import enqueue_message
from survey.mail.texts import EVERY_LANGUAGE, closed_mail, reminder_mail
from survey.models import Coordinator, Invitation, Round, RoundSchedule, utcnow
from survey.services import invitations, rounds

MAX_TARGET = 100_000
MAX_REMINDER_DAY = 365


@dataclass(frozen=True)
class Schedule:
    closes_at: datetime | None
    reminder_days: tuple[int, ...]
    reminders_sent: int
    targets: dict[str, int]


def schedule_of(session: Session, round_: Round) -> Schedule:
    row = session.get(RoundSchedule, round_.id)
    if row is None:
        return Schedule(None, (), 0, {})
    return Schedule(
        row.closes_at, _days(row.reminder_days), row.reminders_sent, _targets(row.targets)
    )


def set_schedule(
    session: Session,
    round_: Round,
    *,
    closes_at: datetime | None,
    reminder_days: list[int],
    targets: dict[str, int],
    now: datetime | None = None,
) -> Schedule:
    """Set the deadline (None: none), reminder days after opening, and targets per role."""
    now = now or utcnow()
    if closes_at is not None and closes_at <= now:
        raise InvalidInput("The closing date must be in the future.", "closes_at")
    days = sorted(set(reminder_days))
    if any(not 1 <= d <= MAX_REMINDER_DAY for d in days):
        raise InvalidInput(
            f"Reminder days count from the opening day: whole numbers 1 to {MAX_REMINDER_DAY}.",
            "reminder_days",
        )
    roles = vocabularies().roles
    for role, target in targets.items():
        if role not in roles:
            raise InvalidInput(f"Unknown role '{role}'.", "targets")
        if not 0 <= target <= MAX_TARGET:
            raise InvalidInput(f"A target is a whole number from 0 to {MAX_TARGET}.", "targets")
    row = session.get(RoundSchedule, round_.id) or RoundSchedule(round_id=round_.id)
    row.closes_at = closes_at
    row.reminder_days = ",".join(str(d) for d in days)
    elapsed = (now - round_.opened_at).days
    row.reminders_sent = sum(1 for d in days if d <= elapsed)
    row.targets = ",".join(f"{r}={n}" for r, n in sorted(targets.items()) if n > 0)
    session.add(row)
    session.flush()
    return schedule_of(session, round_)


def parse_days(text: str) -> list[int]:
    """Reminder days as typed: numbers separated by commas or spaces."""
    try:
        return [int(part) for part in text.replace(",", " ").split()]
    except ValueError as exc:
        raise InvalidInput(
            "Reminder days are whole numbers separated by commas, such as 7, 14.",
            "reminder_days",
        ) from exc


def _days(text: str) -> tuple[int, ...]:
    return tuple(int(d) for d in text.split(",") if d)


def _targets(text: str) -> dict[str, int]:
    pairs = (pair.split("=", 1) for pair in text.split(",") if pair)
    return {role: int(count) for role, count in pairs}


def send_due_reminders(
    session: Session, *, link_for: Callable[[str], str], secret_key: str, now: datetime
) -> int:
    """Queue one reminder per person who has not submitted, for every open round whose
    next reminder day has come; returns the number of reminders queued."""
    queued = 0
    due = session.execute(
        select(RoundSchedule, Round)
        .join(Round, Round.id == RoundSchedule.round_id)
        .where(Round.status == "open", RoundSchedule.reminder_days != "")
        .with_for_update(of=RoundSchedule)
    ).all()
    for row, round_ in due:
        days = _days(row.reminder_days)
        reached = sum(1 for d in days if round_.opened_at + timedelta(days=d) <= now)
        if reached <= row.reminders_sent:
            continue
        row.reminders_sent = reached
        for invitation in invitations.not_submitted(session, round_.id):
            queued += _remind(session, invitation, round_, row, link_for, secret_key, now)
    session.flush()
    return queued


def _remind(
    session: Session,
    invitation: Invitation,
    round_: Round,
    schedule: RoundSchedule,
    link_for: Callable[[str], str],
    secret_key: str,
    now: datetime,
) -> int:
    assert invitation.email is not None
    content = reminder_mail(
        lang=invitation.lang,
        organisation=round_.organisation.name,
        link=link_for(invitations.personal_token(invitation.id, secret_key)),
        closes_at=schedule.closes_at,
    )
    enqueue_message(
        session,
        to=invitation.email,
        lang=invitation.lang,
        content=content,
        invitation_id=invitation.id,
    )
    invitation.reminded_at = now
    return 1


def close_overdue_rounds(
    session: Session,
    library: InstrumentLibrary,
    *,
    dashboard_link: Callable[[str], str],
    now: datetime,
    notify: bool,
) -> list[Round]:
    """Close every open round past its deadline; with ``notify``, queue a notice to each
    of its coordinators, in their language (in every language when it is not known)."""
    overdue = list(
        session.scalars(
            select(Round)
            .join(RoundSchedule, RoundSchedule.round_id == Round.id)
            .where(Round.status == "open", RoundSchedule.closes_at <= now)
        )
    )
    closed = []
    for candidate in overdue:
        round_ = session.scalar(
            select(Round)
            .where(Round.id == candidate.id, Round.status == "open")
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        if round_ is None:  # another worker closed it meanwhile: it sends the notice
            continue
        rounds.close_round(session, round_, library)
        closed.append(round_)
        if not notify:
            continue
        coordinators = session.execute(
            select(Coordinator.email, Coordinator.lang).where(
                Coordinator.organisation_id == round_.organisation_id
            )
        )
        for email, lang in coordinators:
            content = closed_mail(
                lang=lang,
                organisation=round_.organisation.name,
                round_label=round_.label,
                submitted=round_.submitted_count,
                link=dashboard_link(round_.id),
            )
            enqueue_message(session, to=email, lang=lang or EVERY_LANGUAGE, content=content)
    return closed


@dataclass(frozen=True)
class TargetLine:
    """Progress of a role (or ``other``) against its target; ``submitted`` is None for
    "fewer than 3" (the anonymity threshold), exactly as the published counts."""

    role: str
    submitted: int | None
    target: int | None


def participation(
    by_role: Mapping[str, Mapping[str, int]], targets: Mapping[str, int]
) -> list[TargetLine]:
    """Submitted responses against the targets, published by the counts rule (P5): a
    role appears on its own from 3 submitted responses; every other role, with or
    without responses, is counted in ``other`` together with its target."""
    lines = []
    shown = set()
    for line in progress_lines(by_role):
        if line.role == OTHER_ROLES:
            continue
        shown.add(line.role)
        lines.append(TargetLine(line.role, line.submitted, targets.get(line.role)))
    rest = {role for role in {*by_role, *targets} if role not in shown}
    if rest:
        pooled = sum(by_role.get(role, {}).get("submitted", 0) for role in rest)
        target = sum(targets.get(role, 0) for role in rest)
        lines.append(
            TargetLine(
                OTHER_ROLES,
                pooled if pooled >= MIN_RESPONDENTS else None,
                target or None,
            )
        )
    return lines

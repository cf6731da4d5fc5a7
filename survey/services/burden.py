"""How many questions a respondent of a role answers, and how long that takes.

The start page states both for every role before a respondent chooses (issue 11,
item 8). The time is the number of items asked of the role (routing by role) times
the seconds one item takes: :data:`SECONDS_PER_ITEM` as planned, or the median
measured from the round's own submitted responses once it has
:data:`MIN_MEASURED` of them. The reason for 45 seconds is in ``docs/methodology.md``
("Burden").
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from instruments import Instrument
from survey.models import Answer, Response, Round

SECONDS_PER_ITEM = 45
"""Planned seconds per item: a schema-2 item, question and answer options together, has
136 words in English and 137 in Dutch on average; at 238 words a minute (the mean
silent reading rate for non-fiction in Brysbaert 2019) reading takes 34 seconds, and
choosing an option and the page changes add about 10 (``docs/methodology.md``,
"Burden")."""
MAX_ITEMS = 45
"""No role answers more than 45 items of all five instruments (the routing target)."""
MIN_MEASURED = 10
"""Submitted responses a round needs before its own median replaces the plan."""
LONGEST_SITTING = timedelta(hours=2)
"""A response open longer than this was answered in several sittings: not measured."""


@dataclass(frozen=True)
class Burden:
    """What a role is asked: ``items`` questions, about ``minutes`` minutes, and
    whether the time was ``measured`` in this round (else planned)."""

    items: int
    minutes: int
    measured: bool


def items_asked(instruments: Sequence[Instrument], role: str) -> int:
    """The number of items asked of ``role`` over ``instruments``."""
    return sum(len(instrument.items_for(role)) for instrument in instruments)


def minutes(items: int, seconds_per_item: float) -> int:
    """Whole minutes, rounded up (an estimate never promises less than it takes)."""
    if items < 0 or seconds_per_item <= 0:
        raise ValueError("need items >= 0 and seconds_per_item > 0")
    return math.ceil(items * seconds_per_item / 60)


def median_seconds_per_item(timings: Sequence[tuple[timedelta, int]]) -> float | None:
    """The median seconds per answered item over (time taken, items answered) of
    submitted responses, leaving out those answered in several sittings; None with
    fewer than :data:`MIN_MEASURED` measurable responses."""
    rates = [
        taken.total_seconds() / answered
        for taken, answered in timings
        if answered > 0 and timedelta(0) < taken <= LONGEST_SITTING
    ]
    if len(rates) < MIN_MEASURED:
        return None
    return statistics.median(rates)


def round_timings(session: Session, round_: Round) -> list[tuple[timedelta, int]]:
    """(time from start to submission, answers saved) of the round's submitted responses."""
    answered = (
        select(Answer.response_id, func.count().label("answered"))
        .group_by(Answer.response_id)
        .subquery()
    )
    rows = session.execute(
        select(Response.created_at, Response.submitted_at, answered.c.answered)
        .join(answered, answered.c.response_id == Response.id)
        .where(Response.round_id == round_.id, Response.status == "submitted")
    ).all()
    return [(submitted - created, count) for created, submitted, count in rows if submitted]


def by_role(
    session: Session, round_: Round, instruments: Sequence[Instrument], roles: Sequence[str]
) -> dict[str, Burden]:
    """The burden of each role in ``roles`` for the round's instruments."""
    measured = median_seconds_per_item(round_timings(session, round_))
    rate = measured if measured is not None else SECONDS_PER_ITEM
    found = {}
    for role in roles:
        count = items_asked(instruments, role)
        found[role] = Burden(count, minutes(count, rate), measured is not None)
    return found

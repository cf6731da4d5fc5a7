"""The security audit log: append-only records of who did what, when and from where.

Only `record` writes; rows are never changed or deleted (the ORM refuses it, see
`survey.models`, and so do database triggers). Nothing secret is recorded: callers
pass names and ids, never a password, token or code, and `record` blanks out any
secret it is told about.
"""

from __future__ import annotations

import csv
import getpass
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from survey.models import AuditEvent, utcnow

# Events (what); outcomes are "success", "failure" or "info".
LOGIN = "login"
LOGIN_LOCKED = "login.locked"  # a lock began
LOGIN_BLOCKED = "login.blocked"  # an attempt during a lock
SECOND_FACTOR_ENROLLED = "totp.enrolled"
SECOND_FACTOR_REMOVED = "totp.removed"
TOKEN_CREATED = "token.created"  # noqa: S105 - an event name
TOKEN_REVOKED = "token.revoked"  # noqa: S105 - an event name
TOKEN_ROTATED = "token.rotated"  # noqa: S105 - an event name
ACCOUNT_CLAIMED = "account.claimed"
ACCOUNT_CREATED = "account.created"
ACCOUNT_REMOVED = "account.removed"
PASSWORD_CHANGED = "password.changed"  # noqa: S105 - an event name
PASSWORD_RESET = "password.reset"  # noqa: S105 - an event name
EXPORT = "export"
REPORT_DOWNLOAD = "report.download"
AUDIT_EXPORT = "audit.export"

COLUMNS = (
    "id",
    "at",
    "event",
    "outcome",
    "actor_kind",
    "actor_id",
    "actor_name",
    "organisation_id",
    "address",
    "target",
    "detail",
)


@dataclass(frozen=True)
class Actor:
    """Who acted: ``kind`` is office, api-token, coordinator, respondent, cli or anonymous."""

    kind: str
    id: str | None = None
    name: str | None = None
    organisation_id: str | None = None


ANONYMOUS = Actor("anonymous")


def cli_actor() -> Actor:
    """The operating-system user running a `survey` command."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = None
    return Actor("cli", name=name)


def record(
    session: Session,
    event: str,
    actor: Actor = ANONYMOUS,
    *,
    outcome: str = "success",
    address: str | None = None,
    target: str | None = None,
    detail: str | None = None,
    organisation_id: str | None = None,
    secrets: Iterable[str | None] = (),
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event. ``secrets`` (a password as typed, a token) are blanked out
    wherever they appear, say when someone typed a password into the name field."""
    hidden = [secret for secret in secrets if secret]

    def clean(value: str | None, length: int) -> str | None:
        for secret in hidden:
            value = value.replace(secret, "[secret]") if value else value
        return _clip(value, length)

    row = AuditEvent(
        at=at or utcnow(),
        event=event,
        outcome=outcome,
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_name=clean(actor.name, 254),
        organisation_id=organisation_id or actor.organisation_id,
        address=_clip(address, 64),
        target=clean(target, 120),
        detail=clean(detail, 500),
    )
    session.add(row)
    session.flush()
    return row


def _clip(value: str | None, length: int) -> str | None:
    """Printable text of at most ``length`` characters (no line breaks to forge entries)."""
    if value is None:
        return None
    cleaned = "".join(c if c.isprintable() else "?" for c in value)
    return cleaned[:length]


def events(
    session: Session,
    *,
    since: datetime | None = None,
    event: str | None = None,
    organisation_id: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[AuditEvent]:
    """Events, oldest first."""
    query = select(AuditEvent).order_by(AuditEvent.id)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if event is not None:
        query = query.where(AuditEvent.event == event)
    if organisation_id is not None:
        query = query.where(AuditEvent.organisation_id == organisation_id)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query.offset(offset)))


def latest(session: Session, count: int) -> list[AuditEvent]:
    """The ``count`` newest events, newest first."""
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(count)))


def _rows(rows: Iterable[AuditEvent]) -> Iterator[dict[str, object]]:
    for row in rows:
        values: dict[str, object] = {c: getattr(row, c) for c in COLUMNS}
        values["at"] = row.at.isoformat()
        yield values


def _no_formula(value: object) -> object:
    """Spreadsheets run cells that start with these as formulas (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export(
    session: Session, out: TextIO, *, fmt: str = "jsonl", since: datetime | None = None
) -> int:
    """Write the log as JSON Lines or CSV (UTC timestamps); returns the number of events."""
    rows = list(_rows(events(session, since=since)))
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows({k: _no_formula(v) for k, v in values.items()} for values in rows)
    elif fmt == "jsonl":
        for values in rows:
            out.write(json.dumps(values, ensure_ascii=False) + "\n")
    else:
        raise ValueError(f"unknown audit export format '{fmt}'")
    return len(rows)

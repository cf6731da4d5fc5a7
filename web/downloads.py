"""The audit trail of downloads: who took which export or report, when and from where.

Every export and report download, through the API or the pages, appends one audit event
(``survey.services.audit``) in the transaction that read the data: the caller's kind and
id, the organisation, the client address, what was taken (object and format), never
its content.
"""

from __future__ import annotations

from litestar.connection import ASGIConnection
from sqlalchemy.orm import Session

from survey.models import ApiToken, Organisation, User
from survey.services import audit
from web.security import client_address

Caller = Organisation | User | ApiToken


def actor_of(caller: Caller) -> audit.Actor:
    """The audit actor for a caller the guards recognised.

    Coordinators reach downloads through their organisation's credential (a Bearer
    coordinator token or a session opened with the dashboard link), so the organisation
    identifies them; office users and office API tokens by their own id and name.
    """
    if isinstance(caller, Organisation):
        return audit.Actor("coordinator", organisation_id=caller.id)
    if isinstance(caller, User):
        return audit.Actor("office", caller.id, caller.username)
    return audit.Actor("api-token", caller.id, caller.name)


def record(
    session: Session,
    connection: ASGIConnection,
    caller: Caller,
    event: str,
    *,
    target: str,
    detail: str,
) -> None:
    """Append the download to the audit log (``event``: ``audit.EXPORT`` or ``REPORT_DOWNLOAD``)."""
    audit.record(
        session,
        event,
        actor_of(caller),
        address=client_address(connection.scope),
        target=target,
        detail=detail,
    )

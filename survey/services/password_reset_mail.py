"""A coordinator's lost password: a one-time reset link sent by mail.

The request answers the same whether the address has an account or not (the caller
shows one message), so addresses cannot be probed. An account gets at most
``MAX_PER_HOUR`` reset links in any hour: more requests are ignored, so the form cannot
be used to flood someone's mailbox. The link's token is made, hashed at rest and used
up by `survey.services.coordinators`; the mail's text is erased from the queue once it
is sent (`survey.mail.outbox`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from survey.errors import InvalidInput
from survey.mail import enqueue_message
from survey.mail.texts import reset_mail
from survey.models import AccountToken, Coordinator, utcnow
from survey.policy import CredentialPolicy
from survey.services import coordinators

MAX_PER_HOUR = 3
WINDOW = timedelta(hours=1)


def mail_reset_link(
    session: Session,
    email: str,
    *,
    link_for: Callable[[str], str],
    lang: str,
    policy: CredentialPolicy,
    address: str | None = None,
) -> bool:
    """Queue a reset link for the account with this address, in ``lang``; False (and
    nothing queued) when there is no such account or it had its hourly share."""
    now = utcnow()
    try:
        cleaned = coordinators.normalise_email(email)
    except InvalidInput:
        return False
    # Locked, so that concurrent requests count each other's links.
    coordinator = session.scalar(
        select(Coordinator).where(Coordinator.email == cleaned).with_for_update()
    )
    if coordinator is None:
        return False
    recent = session.scalar(
        select(func.count())
        .select_from(AccountToken)
        .where(
            AccountToken.coordinator_id == coordinator.id,
            AccountToken.kind == coordinators.RESET,
            AccountToken.created_at > now - WINDOW,
        )
    )
    if (recent or 0) >= MAX_PER_HOUR:
        return False
    issued = coordinators.request_reset(session, cleaned, address=address, policy=policy)
    assert issued is not None
    content = reset_mail(
        lang=lang, email=cleaned, link=link_for(issued.token), expires_at=issued.row.expires_at
    )
    enqueue_message(session, to=cleaned, lang=lang, content=content)
    return True

"""``survey admin``: integrity-office accounts, coordinators' resets and the audit log
(the credential commands are in :mod:`cli.tokens`)."""

from __future__ import annotations

from typing import TextIO

import click

from cli.common import fail, link, root
from cli.lazy import LazyGroup
from survey.i18n import cli_translator


@click.group(
    cls=LazyGroup,
    lazy={
        "create-token": "cli.tokens:create_token",
        "list-tokens": "cli.tokens:list_tokens",
        "revoke-token": "cli.tokens:revoke_token",
        "rotate-token": "cli.tokens:rotate_token",
    },
)
def admin() -> None:
    """Integrity-office accounts and API tokens."""


@admin.command("create-user")
@click.argument("username")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="The password (at least 12 characters); asked twice when not given",
)
def create_user(username: str, password: str) -> None:
    """Create an integrity-office user who logs in to the sector view."""
    t = cli_translator()
    from survey.errors import DomainError
    from survey.services.users import create_user

    try:
        with root().database.session() as session:
            user = create_user(session, username, password)
    except DomainError as exc:
        fail(exc.message)
    click.echo(t("created user %(name)s", name=user.username))


@admin.command("reset-coordinator")
@click.argument("email")
def reset_coordinator(email: str) -> None:
    """Print a one-time password reset link for a coordinator account."""
    t = cli_translator()
    from survey.policy import policy_from
    from survey.services.audit import cli_actor
    from survey.services.coordinators import RESET_PATH, request_reset

    built = root()
    with built.database.session() as session:
        issued = request_reset(session, email, by=cli_actor(), policy=policy_from(built.settings))
    if issued is None:
        fail(
            t(
                "no coordinator account with the address '%(email)s' (an organisation without "
                "accounts gets a new dashboard link with: survey admin rotate-token link:ORG_ID)",
                email=email,
            )
        )
    click.echo(
        t(
            "one-time reset link for %(email)s, valid for %(minutes)s minutes:",
            email=issued.row.email,
            minutes=built.settings.password_reset_lifetime_minutes,
        )
    )
    click.echo(link(RESET_PATH.format(token=issued.token)))


@admin.command("remove-second-factor")
@click.argument("username")
def remove_second_factor(username: str) -> None:
    """Turn off an integrity-office user's second factor (a lost device)."""
    t = cli_translator()
    from sqlalchemy import select

    from survey.models import User
    from survey.services import totp
    from survey.services.audit import cli_actor

    with root().database.session() as session:
        user = session.scalar(select(User).where(User.username == username))
        had_one = user is not None and bool(user.totp_secret)
        if user is not None and had_one:
            totp.remove(session, user, cli_actor())
    if user is None:
        fail(t("no integrity-office user '%(name)s'", name=username))
    if not had_one:
        fail(t("'%(name)s' has no second factor", name=username))
    click.echo(
        t(
            "removed the second factor of %(name)s; they set up a new one at sign-in",
            name=username,
        )
    )


@admin.command("audit-log")
@click.option(
    "--export",
    "export_to",
    type=click.File("w", encoding="utf-8"),
    default=None,
    help="Write the whole log to this file ('-' for standard output)",
)
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True
)
@click.option("--last", default=30, show_default=True, help="Without --export: show this many")
def audit_log(export_to: TextIO | None, fmt: str, last: int) -> None:
    """Show the latest security events, or export the whole audit log."""
    t = cli_translator()
    from sqlalchemy import func, select

    from survey.models import AuditEvent
    from survey.services import audit

    with root().database.session() as session:
        if export_to is not None:
            count = audit.export(session, export_to, fmt=fmt)
            audit.record(
                session, audit.AUDIT_EXPORT, audit.cli_actor(), detail=f"{count} events, {fmt}"
            )
            click.echo(t("exported %(count)s audit event(s)", count=count), err=True)
            return
        total = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
        rows = audit.events(session, offset=max(0, total - last))
    for row in rows:
        who = " ".join(v for v in (row.actor_kind, row.actor_name or row.actor_id) if v)
        where = f" from {row.address}" if row.address else ""
        what = " ".join(v for v in (row.target, row.detail) if v)
        click.echo(f"{row.at:%Y-%m-%d %H:%M:%S} {row.event} {row.outcome}: {who}{where} {what}")

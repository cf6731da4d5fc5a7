"""``survey admin create-token|list-tokens|revoke-token|rotate-token``: credentials."""

from __future__ import annotations

import click

from cli.common import fail, link, root
from survey.i18n import cli_translator

CREDENTIAL_KINDS = ("link", "api", "invitation", "reset", "personal", "respondent")


@click.command("create-token")
@click.argument("name")
def create_token(name: str) -> None:
    """Create a named integrity-office API token; prints it once, as the last line."""
    t = cli_translator()
    from survey.errors import DomainError
    from survey.services.users import create_api_token

    try:
        with root().database.session() as session:
            token = create_api_token(session, name)
    except DomainError as exc:
        fail(exc.message)
    click.echo(t("created API token %(name)r; it is shown only now, keep it safe:", name=name))
    click.echo(token)


@click.command("list-tokens")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(CREDENTIAL_KINDS),
    help="Only these kinds (repeatable); respondent tokens only when asked for",
)
@click.option("--organisation", "organisation_id", default=None, help="Only this organisation")
def list_tokens(kinds: tuple[str, ...], organisation_id: str | None) -> None:
    """List credentials (never their secrets): kind:id, state, expiry and what it is."""
    t = cli_translator()
    from survey.policy import policy_from
    from survey.services.credentials import LISTED_BY_DEFAULT, list_credentials

    built = root()
    with built.database.session() as session:
        found = list_credentials(
            session,
            kinds or LISTED_BY_DEFAULT,
            organisation_id=organisation_id,
            policy=policy_from(built.settings),
        )
    for info in found:
        expires = info.expires_at.strftime("%Y-%m-%d %H:%M UTC") if info.expires_at else "-"
        click.echo(f"{info.ref}\t{info.state}\texpires {expires}\t{info.label}")
    click.echo(t("%(count)s credential(s)", count=len(found)), err=True)


@click.command("revoke-token")
@click.argument("credential")
def revoke_token(credential: str) -> None:
    """End a credential now (CREDENTIAL as kind:id, from list-tokens)."""
    from survey.errors import DomainError
    from survey.services.audit import cli_actor
    from survey.services.credentials import revoke

    try:
        with root().database.session() as session:
            info = revoke(session, credential, cli_actor())
    except DomainError as exc:
        fail(exc.message)
    click.echo(f"{info.ref}: {info.state} ({info.label})")


@click.command("rotate-token")
@click.argument("credential")
def rotate_token(credential: str) -> None:
    """Replace a credential's secret; prints the new one (or its link) once, as the last line."""
    t = cli_translator()
    from survey.errors import DomainError
    from survey.policy import policy_from
    from survey.services.audit import cli_actor
    from survey.services.coordinators import INVITATION_PATH, RESET_PATH
    from survey.services.credentials import rotate

    paths = {
        "link": "/c/{token}",
        "invitation": INVITATION_PATH,
        "reset": RESET_PATH,
        "respondent": "/r/{token}",
    }
    built = root()
    try:
        with built.database.session() as session:
            token = rotate(session, credential, cli_actor(), policy=policy_from(built.settings))
    except DomainError as exc:
        fail(exc.message)
    kind = credential.partition(":")[0]
    click.echo(
        t(
            "rotated %(credential)s; the old secret no longer works. Shown only now:",
            credential=credential,
        )
    )
    click.echo(link(paths[kind].format(token=token)) if kind in paths else token)

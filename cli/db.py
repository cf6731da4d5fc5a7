"""``survey db``: create or upgrade the database."""

from __future__ import annotations

import click

from cli.common import root
from survey.i18n import cli_translator


@click.group()
def db() -> None:
    """Manage the database named by DATABASE_URL."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Create the database or bring it up to date."""
    t = cli_translator()
    from survey.migrate import current_revision, upgrade

    url = root().settings.database_url
    before = current_revision(url)
    upgrade(url, revision)
    after = current_revision(url)
    if before is None:
        click.echo(t("created the database schema (revision %(after)s)", after=after))
    elif before != after:
        click.echo(
            t(
                "upgraded the database from revision %(before)s to %(after)s",
                before=before,
                after=after,
            )
        )
    else:
        click.echo(t("database is up to date (revision %(after)s)", after=after))

"""``survey demo``: synthetic demo organisations."""

from __future__ import annotations

import click

from cli.common import link, root
from survey.i18n import cli_translator


@click.command("demo")
@click.option("--organisations", "count", default=40, show_default=True, help="How many")
@click.option("--seed", default=1, show_default=True, help="Random seed (reproducible data)")
@click.option("--remove", is_flag=True, help="Remove all synthetic demo data instead")
def demo(count: int, seed: int, remove: bool) -> None:
    """Create (or remove) synthetic demo organisations with closed rounds."""
    t = cli_translator()
    from survey.demo import create_demo, remove_demo

    built = root()
    with built.database.session() as session:
        if remove:
            click.echo(t("removed %(count)s synthetic organisation(s)", count=remove_demo(session)))
            return
        summary = create_demo(session, built.library, organisations=count, seed=seed)
    click.echo(
        t(
            "created %(organisations)s synthetic organisations, %(rounds)s closed rounds, "
            "%(responses)s responses (all marked synthetic; demo organisations are compared "
            "only with each other)",
            organisations=summary.organisations,
            rounds=summary.rounds,
            responses=summary.responses,
        )
    )
    if summary.featured_token:
        click.echo(
            t(
                "coordinator dashboard of the demo organisation: %(link)s",
                link=link(f"/c/{summary.featured_token}"),
            )
        )

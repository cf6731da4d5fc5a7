"""``survey report`` and ``survey sector-report``: report files from the command line.

They use the same service (and cache) as the web endpoints, on the root's database.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from analytics.report.formats import ROUND_FORMATS, SECTOR_FORMATS
from cli.common import root
from survey.i18n import LANGUAGES, cli_translator


def _write(content: bytes, output: str | None, filename: str) -> None:
    if output == "-":
        sys.stdout.buffer.write(content)
        sys.stdout.buffer.flush()
        return
    path = Path(output or filename)
    path.write_bytes(content)
    click.echo(
        cli_translator().gettext(
            "wrote %(path)s (%(size)s bytes)", path=path, size=f"{len(content):,}"
        ),
        err=True,
    )


@click.command("report")
@click.argument("round_id")
@click.option(
    "--format",
    "format_",
    type=click.Choice(ROUND_FORMATS),
    default="pdf",
    show_default=True,
    help="File format",
)
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True)
@click.option(
    "-o",
    "--output",
    help="File to write ('-' for standard output); default: a name made from the round",
)
def report(round_id: str, format_: str, lang: str, output: str | None) -> None:
    """Write the improvement report of a closed round (PDF, HTML, XLSX or CSV)."""
    from analytics.report.service import build_report
    from survey.errors import DomainError
    from survey.models import Round

    built = root()
    with built.database.session() as session:
        round_ = session.get(Round, round_id)
        if round_ is None:
            raise click.ClickException(
                cli_translator().gettext("no round with id %(id)s", id=round_id)
            )
        try:
            content, _, filename = build_report(
                session,
                round_,
                built.library,
                format=format_,
                lang=lang,
                settings=built.settings,
            )
        except DomainError as error:
            raise click.ClickException(error.message) from error
    _write(content, output, filename)


@click.command("sector-report")
@click.argument("instrument_id")
@click.option("--format", "format_", type=click.Choice(SECTOR_FORMATS), default="pdf")
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True)
@click.option("-o", "--output", help="File to write ('-' for standard output)")
def sector_report(instrument_id: str, format_: str, lang: str, output: str | None) -> None:
    """Write the sector benchmark report of an instrument (PDF or HTML)."""
    from analytics.report.service import build_sector_report
    from survey.errors import DomainError

    built = root()
    with built.database.session() as session:
        try:
            content, _, filename = build_sector_report(
                session,
                built.library,
                instrument_id=instrument_id,
                format=format_,
                lang=lang,
            )
        except DomainError as error:
            raise click.ClickException(error.message) from error
    _write(content, output, filename)

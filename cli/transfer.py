"""``survey export`` and ``survey import``: submitted responses as CSV, out and in."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import click

from cli.common import root
from survey.i18n import cli_translator

TOOL_FORMATS = ("platform", "auto", "limesurvey", "qualtrics", "kobo", "msforms", "wide", "long")


@click.command("export")
@click.option("--organisation", "organisation_id", default=None, help="Only this organisation")
@click.option("--round", "round_id", default=None, help="Only this round")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-")
def export(organisation_id: str | None, round_id: str | None, output: TextIO) -> None:
    """Export submitted responses as long-format CSV."""
    t = cli_translator()
    from survey.services import audit
    from survey.transfer import export_responses

    with root().database.session() as session:
        rows = export_responses(session, output, organisation_id=organisation_id, round_id=round_id)
        scope = f"organisation {organisation_id}" if organisation_id else "all organisations"
        audit.record(
            session,
            audit.EXPORT,
            audit.cli_actor(),
            target=f"round:{round_id}" if round_id else None,
            detail=f"answers as CSV, {scope}, {rows} rows",
        )
    click.echo(t("exported %(count)s answer(s)", count=rows), err=True)


@click.command("import")
@click.argument("csv_file", type=click.File("rb"))
@click.option("--close", is_flag=True, help="Close the imported rounds (computes results)")
@click.option(
    "--format",
    "format_",
    type=click.Choice(TOOL_FORMATS),
    default="platform",
    show_default=True,
    help="platform: this platform's export; else another tool's (see docs/interoperability.md)",
)
@click.option("--instrument", help="Instrument id (tool exports; default: the file's own)")
@click.option("--version", help="Instrument version (tool exports; default: the latest)")
@click.option(
    "--mapping", type=click.Path(dir_okay=False, path_type=Path), help="Codebook or mapping"
)
@click.option(
    "--organisation", help="Organisation id of a tool export without an organisation column"
)
@click.option(
    "--round", "round_label", default="import", show_default=True, help="Round for a tool export"
)
def import_(
    csv_file, close: bool, format_: str, instrument, version, mapping, organisation, round_label
) -> None:  # type: ignore[no-untyped-def]
    """Import responses from long-format CSV or another tool's export (all or nothing)."""
    t = cli_translator()
    from survey.models import Round
    from survey.services.rounds import close_round
    from survey.transfer import ImportRejected, decode_csv, import_responses

    built = root()
    library = built.library
    name = csv_file.name
    source: TextIO | None = None
    if format_ != "platform":
        from interop.ingest.model import ReadOptions
        from interop.ingest.problems import IngestError
        from interop.ingest.read import read_answers
        from interop.transfer import platform_csv

        options = ReadOptions(format_, instrument, version, mapping, organisation)
        try:
            source = platform_csv(read_answers(Path(name), library, options), round_label)
        except IngestError as exc:
            for problem in exc.problems:
                click.echo(t("error: %(problem)s", problem=problem), err=True)
            click.echo(t("nothing was imported"), err=True)
            sys.exit(2)
    try:
        text = source if source is not None else decode_csv(csv_file.read())
        with built.database.session() as session:
            summary = import_responses(session, text, library)
            if close:
                for round_id in dict.fromkeys(summary.rounds):
                    imported = session.get(Round, round_id)
                    assert imported is not None
                    close_round(session, imported, library)
    except ImportRejected as exc:
        for error in exc.errors:
            click.echo(t("error: %(problem)s", problem=f"{name}: {error}"), err=True)
        click.echo(t("nothing was imported"), err=True)
        sys.exit(2)
    click.echo(
        t(
            "imported %(answers)s answer(s) in %(responses)s response(s) into %(rounds)s round(s)",
            answers=summary.answers,
            responses=summary.responses,
            rounds=len(set(summary.rounds)),
        )
    )

"""``survey instruments export``: an instrument in another survey tool's format."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from interop.export import FORMATS, default_name, export
from survey.i18n import LANGUAGES, cli_translator


@click.command("export")
@click.argument("instrument_id")
@click.option("--version", help="Instrument version (default: the latest)")
@click.option("--format", "format_", type=click.Choice(FORMATS), required=True, help="Target tool")
@click.option(
    "--lang", type=click.Choice(LANGUAGES), default="en", show_default=True, help="Base language"
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="File to write"
)
def export_instrument(
    instrument_id: str, version: str | None, format_: str, lang: str, output: Path | None
) -> None:
    """Write INSTRUMENT_ID for LimeSurvey, KoboToolbox/ODK (XLSForm), Qualtrics, or as a
    codebook (.csv or .xlsx) that maps any tool's codes back to the instrument."""
    from instruments import default_library

    t = cli_translator()
    instrument = default_library().get(instrument_id, version)
    if instrument is None:
        which = f"{instrument_id} {version}" if version else instrument_id
        click.echo(
            t("error: no instrument '%(instrument)s' is installed", instrument=which), err=True
        )
        sys.exit(2)
    path = output or Path(default_name(instrument, format_))
    content = export(instrument, format_, lang, path)
    path.write_bytes(content)
    click.echo(
        t(
            "wrote %(path)s (%(instrument)s %(version)s, %(format)s, %(size)s bytes)",
            path=path,
            instrument=instrument.id,
            version=instrument.version,
            format=format_,
            size=f"{len(content):,}",
        )
    )

"""``survey instruments``: check the instrument files, export one to another tool."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.lazy import LazyGroup
from survey.i18n import cli_translator


@click.group(cls=LazyGroup, lazy={"export": "interop.cli:export_instrument"})
def instruments() -> None:
    """Work with the instrument library."""


@instruments.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def instruments_check(paths: tuple[Path, ...]) -> None:
    """Validate the shipped instruments, or the files given."""
    t = cli_translator()
    from instruments import InstrumentError, instrument_paths, load_library

    files = list(paths) or instrument_paths()
    if not files:
        click.echo(t("error: no instrument files found"), err=True)
        sys.exit(1)
    try:
        library = load_library(files)
    except InstrumentError as exc:
        for problem in exc.problems:
            click.echo(t("error: %(problem)s", problem=problem), err=True)
        click.echo(
            t.ngettext("%(n)s problem found.", "%(n)s problems found.", len(exc.problems)), err=True
        )
        sys.exit(1)
    for inst in library.instruments:
        click.echo(
            t(
                "ok  %(id)s %(version)s: %(dimensions)s dimensions, %(items)s items",
                id=inst.id,
                version=inst.version,
                dimensions=len(inst.dimensions),
                items=len(inst.items),
            )
        )

"""The `survey` command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from survey.settings import get_settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Social media maturity assessment and benchmarking platform."""


@main.group()
def instruments() -> None:
    """Work with the instrument library."""


@instruments.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def instruments_check(paths: tuple[Path, ...]) -> None:
    """Validate the shipped instruments, or the files given."""
    from instruments import InstrumentError, instrument_paths, load_library

    files = list(paths) or instrument_paths()
    if not files:
        click.echo("error: no instrument files found", err=True)
        sys.exit(1)
    try:
        library = load_library(files)
    except InstrumentError as exc:
        for problem in exc.problems:
            click.echo(f"error: {problem}", err=True)
        click.echo(f"{len(exc.problems)} problem(s) found.", err=True)
        sys.exit(1)
    for inst in library.instruments:
        click.echo(
            f"ok  {inst.id} {inst.version}: {len(inst.dimensions)} dimensions, "
            f"{len(inst.items)} items"
        )


@main.group()
def db() -> None:
    """Manage the database named by DATABASE_URL."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Create the database or bring it up to date."""
    from survey.migrate import upgrade

    upgrade(get_settings().database_url, revision)
    click.echo("database is up to date")


@main.command("serve")
@click.option("--host", default=None, help="Interface to listen on (default: HOST or 127.0.0.1)")
@click.option("--port", default=None, type=int, help="Port (default: PORT or 8000)")
@click.option("--workers", default=1, show_default=True, help="Worker processes")
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Serve the web application."""
    import uvicorn

    from instruments import InstrumentError, default_library

    settings = get_settings()
    try:
        default_library()
    except InstrumentError as exc:
        click.echo(f"refusing to start: invalid instrument(s):\n{exc}", err=True)
        sys.exit(1)
    uvicorn.run(
        "web.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
    )


if __name__ == "__main__":
    main()

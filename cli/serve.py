"""``survey serve``: the web application under uvicorn. One worker serves the app made
on this invocation's root; several each build their own from the environment (uvicorn's
factory), since a root lives in one process."""

from __future__ import annotations

import sys

import click

from cli.common import root
from survey.i18n import cli_translator


@click.command("serve")
@click.option("--host", default=None, help="Interface to listen on (default: HOST or 127.0.0.1)")
@click.option("--port", default=None, type=int, help="Port (default: PORT or 8000)")
@click.option("--workers", default=1, show_default=True, help="Worker processes")
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Serve the web application."""
    t = cli_translator()
    import uvicorn

    from instruments import InstrumentError

    try:
        built = root()
    except InstrumentError as exc:
        click.echo(t("refusing to start: invalid instrument(s):") + f"\n{exc}", err=True)
        sys.exit(1)
    from web.app import create_app

    settings = built.settings
    uvicorn.run(
        "web.app:create_app" if workers > 1 else create_app(built),
        factory=workers > 1,
        host=host or settings.host,
        port=port or settings.port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
    )

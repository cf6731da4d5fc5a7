"""``survey serve``: the web application under uvicorn. One worker serves the app made
on this invocation's root; several each build their own from the environment (uvicorn's
factory), since a root lives in one process, and each accepts on a socket of its own
(:mod:`cli.workers`)."""

from __future__ import annotations

import sys

import click

from cli.common import root
from survey.i18n import cli_translator


@click.command("serve")
@click.option("--host", default=None, help="Interface to listen on (default: HOST or 127.0.0.1)")
@click.option("--port", default=None, type=int, help="Port (default: PORT or 8000)")
@click.option(
    "--workers", default=1, show_default=True, type=click.IntRange(min=1), help="Worker processes"
)
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
    settings = built.settings
    host = host or settings.host
    port = port or settings.port
    if workers == 1:
        from web.app import create_app

        uvicorn.run(create_app(built), host=host, port=port, proxy_headers=True, log_level="info")
        return
    from cli.workers import Workers, shared_port_sockets

    config = uvicorn.Config(
        "web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
    )
    try:
        sockets = shared_port_sockets(host, port, workers, config.backlog)
    except OSError as exc:
        address = f"{host}:{port}"
        click.echo(
            t("cannot listen on %(address)s: %(error)s", address=address, error=exc), err=True
        )
        sys.exit(1)
    if not Workers(config, sockets).run():
        sys.exit(1)

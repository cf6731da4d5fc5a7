"""What the commands share: the composition root of this invocation and two outputs."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn

import click

from survey.i18n import cli_translator

if TYPE_CHECKING:
    from bootstrap import Root


def root() -> Root:
    """The composition root, built by the first command of this invocation that needs
    it and closed when the command line exits; a test may hand in its own as
    ``CliRunner().invoke(main, args, obj=root)``."""
    top = click.get_current_context().find_root()
    if top.obj is None:
        from bootstrap import build_root

        top.obj = build_root()
        top.call_on_close(top.obj.close)
    built: Root = top.obj
    return built


def link(path: str) -> str:
    """An absolute link on ``BASE_URL`` (or the local address when it is unset)."""
    settings = root().settings
    base = settings.base_url or f"http://{settings.host}:{settings.port}"
    return base.rstrip("/") + path


def fail(message: str) -> NoReturn:
    """Print ``message`` as an error and exit with status 1."""
    click.echo(cli_translator().gettext("error: %(problem)s", problem=message), err=True)
    sys.exit(1)

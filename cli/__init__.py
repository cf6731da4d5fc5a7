"""The ``survey`` command line.

Each command lives in the module named below, with the part of the platform it
drives, and is imported only when it runs or is listed: ``survey analyse`` imports
neither the web app nor the settings. The commands that need the database, the
settings or the instruments take them from the composition root (:func:`cli.common.root`).
"""

from __future__ import annotations

import click

import survey  # noqa: F401  (first: it sets the allocators before Polars or Arrow loads)
from cli.lazy import LazyGroup


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    lazy={
        "admin": "cli.admin:admin",
        "analyse": "analytics.cli:analyse",
        "db": "cli.db:db",
        "demo": "cli.demo:demo",
        "export": "cli.transfer:export",
        "import": "cli.transfer:import_",
        "instruments": "cli.instruments:instruments",
        "mail": "cli.mail:mail",
        "report": "cli.report:report",
        "sector-report": "cli.report:sector_report",
        "serve": "cli.serve:serve",
    },
)
def main() -> None:
    """Social media maturity assessment and benchmarking platform."""

"""The ``survey analyse`` command: batch analysis of answer files (see analytics.batch)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from analytics import batch

FILE = click.Path(dir_okay=False, path_type=Path)

STEP_LABELS = {
    "reading": "Reading files",
    "checking": "Checking answers",
    "scoring": "Scoring",
    "benchmarking": "Benchmarking",
    "writing": "Writing results",
}


@click.option("--answers", required=True, type=FILE, help="Answers (.csv or .parquet)")
@click.option("--items", required=True, type=FILE, help="Items (.csv or .parquet)")
@click.option("--organisations", required=True, type=FILE, help="Organisations (.csv or .parquet)")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for scores.parquet and benchmark.parquet",
)
def run_analyse(answers: Path, items: Path, organisations: Path, out: Path) -> None:
    """Score answers from another survey tool and benchmark the organisations.

    Writes OUT/scores.parquet (organisation x instrument x dimension) and
    OUT/benchmark.parquet (the same x peer group). Exits with 2 when a file is bad.
    """
    console = Console(stderr=True)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        disable=not console.is_terminal,
        transient=True,
    )
    task = progress.add_task(STEP_LABELS[batch.STEPS[0]], total=len(batch.STEPS))
    done = 0

    def step(name: str) -> None:
        nonlocal done
        progress.update(task, completed=done, description=STEP_LABELS[name])
        done += 1

    try:
        with progress:
            summary = batch.analyse(answers, items, organisations, out, step=step)
            progress.update(task, completed=len(batch.STEPS))
    except batch.BadFile as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    click.echo(
        f"{summary.organisations} organisations, {summary.respondents} respondents, "
        f"{summary.answers} answers"
    )
    click.echo(f"wrote {summary.scores_path} ({summary.scores_rows} rows)")
    click.echo(f"wrote {summary.benchmark_path} ({summary.benchmark_rows} rows)")


analyse = click.command("analyse")(run_analyse)

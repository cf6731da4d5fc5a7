"""The ``survey analyse`` command: batch analysis of answer files.

Two ways in. With ``--items`` (the original batch): long answers with scores, an
items file and an organisations file (see :mod:`analytics.batch`). Without it: the
exports of LimeSurvey, Qualtrics, KoboToolbox/ODK and Microsoft Forms, or plain wide
and long files, read through an instrument's codebook or a mapping file (see
:mod:`interop.analyse` and docs/interoperability.md).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from analytics import batch
from survey.i18n import LANGUAGES, N_, cli_translator

FILE = click.Path(dir_okay=False, path_type=Path)
FOLDER = click.Path(file_okay=False, path_type=Path)
FORMATS = ("auto", "limesurvey", "qualtrics", "kobo", "msforms", "wide", "long")

STEP_LABELS = {
    "reading": N_("Reading files"),
    "checking": N_("Checking answers"),
    "scoring": N_("Scoring"),
    "benchmarking": N_("Benchmarking"),
    "writing": N_("Writing results"),
    "reports": N_("Writing reports"),
}


@contextmanager
def _progress(total: int) -> Iterator[Callable[[str], None]]:
    """The ``step`` callback of an analysis: on a terminal it shows each step's label on a
    progress bar of ``total`` steps, which the block fills when it ends without an error;
    otherwise it does nothing, and rich (0.05 s to import) is not imported."""
    if not sys.stderr.isatty():
        yield lambda _name: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    t = cli_translator()

    def label(name: str) -> str:
        return t.of(STEP_LABELS, name) if name in STEP_LABELS else name.capitalize()

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = progress.add_task(label("reading"), total=total)
    done = 0

    def step(name: str) -> None:
        nonlocal done
        progress.update(task, completed=done, description=label(name))
        done += 1

    with progress:
        yield step
        progress.update(task, completed=total)


def _legacy(answers: Path, items: Path, organisations: Path, out: Path) -> None:
    t = cli_translator()
    try:
        with _progress(len(batch.STEPS)) as step:
            summary = batch.analyse(answers, items, organisations, out, step=step)
    except batch.BadFile as error:
        click.echo(t("error: %(problem)s", problem=error), err=True)
        sys.exit(2)
    click.echo(
        t(
            "%(organisations)s organisations, %(respondents)s respondents, %(answers)s answers",
            organisations=summary.organisations,
            respondents=summary.respondents,
            answers=summary.answers,
        )
    )
    click.echo(
        t("wrote %(path)s (%(rows)s rows)", path=summary.scores_path, rows=summary.scores_rows)
    )
    click.echo(
        t(
            "wrote %(path)s (%(rows)s rows)",
            path=summary.benchmark_path,
            rows=summary.benchmark_rows,
        )
    )


@click.option(
    "--answers",
    "answers",
    required=True,
    multiple=True,
    type=FILE,
    help="Answers: a tool's export, a wide or long file (.csv, .txt, .xlsx, .parquet); repeatable",
)
@click.option(
    "--organisations", required=True, type=FILE, help="Organisations (sector, size band, country)"
)
@click.option("--out", required=True, type=FOLDER, help="Folder for the result tables (Parquet)")
@click.option(
    "--items", type=FILE, help="Items file: the original batch of long answers with scores"
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(FORMATS),
    default="auto",
    show_default=True,
    help="The tool that wrote the answers (auto: recognised from the file)",
)
@click.option("--instrument", help="Instrument id (default: the INSTRUMENT column of the file)")
@click.option("--version", help="Instrument version (default: the latest installed)")
@click.option("--mapping", type=FILE, help="A codebook or edited mapping (.csv or .xlsx)")
@click.option("--organisation", help="The organisation of files without an organisation column")
@click.option("--ignore-column", "ignore", multiple=True, help="A column to leave out; repeatable")
@click.option(
    "--report", type=FOLDER, help="Also write improvement and sector reports (HTML, PDF) here"
)
@click.option("--lang", type=click.Choice(LANGUAGES), default="en", show_default=True)
def run_analyse(
    answers: tuple[Path, ...],
    organisations: Path,
    out: Path,
    items: Path | None,
    format_: str,
    instrument: str | None,
    version: str | None,
    mapping: Path | None,
    organisation: str | None,
    ignore: tuple[str, ...],
    report: Path | None,
    lang: str,
) -> None:
    """Score answers from another survey tool and benchmark the organisations.

    Writes OUT/scores.parquet (organisation x instrument x dimension) and
    OUT/benchmark.parquet (the same x peer group); for tool exports also instrument
    scores, item results, balance, coherence, priorities, role groups and scores per
    use. Exits with 2 when a file is bad; nothing is written then.
    """
    if items is not None:
        if len(answers) != 1:
            raise click.UsageError(
                cli_translator().gettext("--items takes exactly one --answers file")
            )
        _legacy(answers[0], items, organisations, out)
        return
    _exports(
        answers,
        organisations,
        out,
        format_,
        instrument,
        version,
        mapping,
        organisation,
        ignore,
        report,
        lang,
    )


def _exports(
    answers: tuple[Path, ...],
    organisations: Path,
    out: Path,
    format_: str,
    instrument: str | None,
    version: str | None,
    mapping: Path | None,
    organisation: str | None,
    ignore: tuple[str, ...],
    report: Path | None,
    lang: str,
) -> None:
    from interop.analyse import STEPS, analyse_exports
    from interop.ingest.model import ReadOptions
    from interop.ingest.problems import IngestError

    t = cli_translator()
    if organisation and len(answers) > 1:
        raise click.UsageError(
            t("--organisation names the organisation of a single --answers file")
        )
    options = ReadOptions(format_, instrument, version, mapping, organisation, ignore)
    total = len(answers) + len(STEPS) + (1 if report else 0)
    try:
        with _progress(total) as step:
            summary = analyse_exports(
                answers, organisations, out, options, report=report, lang=lang, step=step
            )
    except IngestError as error:
        for problem in error.problems:
            click.echo(t("error: %(problem)s", problem=problem), err=True)
        click.echo(t("nothing was written"), err=True)
        sys.exit(2)
    for result in summary.files:
        read = t("read %(path)s as %(format)s", path=result.path, format=result.format)
        if result.encoding:
            read += f" ({result.encoding}, {_delimiter(result.delimiter)})"
        click.echo(
            read
            + ": "
            + t(
                "%(instrument)s %(version)s, %(responses)s complete response(s), %(incomplete)s "
                "incomplete left out, %(not_asked)s answer(s) to items not asked of the role "
                "left out",
                instrument=result.instrument.id,
                version=result.instrument.version,
                responses=result.responses,
                incomplete=result.incomplete,
                not_asked=result.not_asked,
            )
        )
    click.echo(
        t(
            "%(organisations)s organisations, %(respondents)s respondents, %(answers)s answers",
            organisations=summary.organisations,
            respondents=summary.respondents,
            answers=summary.answers,
        )
    )
    for path, rows in summary.written:
        click.echo(t("wrote %(path)s (%(rows)s rows)", path=path, rows=rows))
    for path in summary.reports:
        click.echo(t("wrote %(path)s", path=path))


DELIMITERS = {
    ",": N_("comma-separated"),
    ";": N_("semicolon-separated"),
    "\t": N_("tab-separated"),
    "|": N_("bar-separated"),
}


def _delimiter(delimiter: str | None) -> str:
    return cli_translator().of(DELIMITERS, delimiter if delimiter in DELIMITERS else ",")


analyse = click.command("analyse")(run_analyse)

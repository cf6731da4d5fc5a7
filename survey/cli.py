"""The `survey` command line."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from survey.i18n import cli_translator

if TYPE_CHECKING:
    from survey.settings import Settings


def get_settings() -> Settings:
    """The settings, imported when a command needs them (pydantic-settings takes a
    noticeable part of a second to import, which ``survey analyse`` does not need)."""
    from survey.settings import get_settings as settings

    return settings()


class PluginGroup(click.Group):
    """A group that also offers commands living with the part of the platform they
    drive ("name": "module:attribute"), imported only when one of them runs or is
    listed, so that one command does not import every other command's modules."""

    def __init__(self, *args: Any, plugins: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plugins = plugins or {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.plugins})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.plugins:
            return super().get_command(ctx, cmd_name)
        module, attribute = self.plugins[cmd_name].split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command


@click.group(
    cls=PluginGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    plugins={
        "analyse": "analytics.cli:analyse",
        "report": "analytics.report.cli:report",
        "sector-report": "analytics.report.cli:sector_report",
    },
)
def main() -> None:
    """Social media maturity assessment and benchmarking platform."""


@main.group(cls=PluginGroup, plugins={"export": "interop.cli:export_instrument"})
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


@main.group()
def db() -> None:
    """Manage the database named by DATABASE_URL."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Create the database or bring it up to date."""
    t = cli_translator()
    from survey.migrate import current_revision, upgrade

    url = get_settings().database_url
    before = current_revision(url)
    upgrade(url, revision)
    after = current_revision(url)
    if before is None:
        click.echo(t("created the database schema (revision %(after)s)", after=after))
    elif before != after:
        click.echo(
            t(
                "upgraded the database from revision %(before)s to %(after)s",
                before=before,
                after=after,
            )
        )
    else:
        click.echo(t("database is up to date (revision %(after)s)", after=after))


@main.group()
def mail() -> None:
    """Send queued mail; close rounds at their deadline and send due reminders."""


@mail.command("send")
@click.option("--loop", is_flag=True, help="Keep going every MAIL_POLL_SECONDS until stopped")
def mail_send(loop: bool) -> None:
    """One pass of the mail and deadline worker (or a loop: run with MAIL_WORKER=false
    in the app so that only this process sends)."""
    t = cli_translator()
    import time

    from instruments import default_library
    from survey.db import Database
    from survey.mail.smtp import MailConfigError
    from survey.mail.worker import run_once

    settings = get_settings()
    if settings.smtp_url is None:
        click.echo(t("note: SMTP_URL is not set, so no mail is sent (deadlines still close)"))
    database = Database(settings.database_url)
    library = default_library()
    while True:
        try:
            report = run_once(database, settings, library)
        except MailConfigError as exc:
            _fail(str(exc))
        delivery = report.delivery
        click.echo(
            t(
                "closed %(closed)s round(s), queued %(reminders)s reminder(s)",
                closed=report.closed,
                reminders=report.reminders,
            )
            + (
                t(
                    ", sent %(sent)s, to retry %(retried)s, failed %(failed)s",
                    sent=delivery.sent,
                    retried=delivery.retried,
                    failed=delivery.failed,
                )
                if delivery
                else ""
            )
        )
        if not loop:
            return
        time.sleep(settings.mail_poll_seconds)


@main.command("demo")
@click.option("--organisations", "count", default=40, show_default=True, help="How many")
@click.option("--seed", default=1, show_default=True, help="Random seed (reproducible data)")
@click.option("--remove", is_flag=True, help="Remove all synthetic demo data instead")
def demo(count: int, seed: int, remove: bool) -> None:
    """Create (or remove) synthetic demo organisations with closed rounds."""
    t = cli_translator()
    from instruments import default_library
    from survey.db import Database
    from survey.demo import create_demo, remove_demo

    database = Database(get_settings().database_url)
    with database.session() as session:
        if remove:
            click.echo(t("removed %(count)s synthetic organisation(s)", count=remove_demo(session)))
            return
        summary = create_demo(session, default_library(), organisations=count, seed=seed)
    click.echo(
        t(
            "created %(organisations)s synthetic organisations, %(rounds)s closed rounds, "
            "%(responses)s responses (all marked synthetic; demo organisations are compared "
            "only with each other)",
            organisations=summary.organisations,
            rounds=summary.rounds,
            responses=summary.responses,
        )
    )
    if summary.featured_token:
        settings = get_settings()
        base = (settings.base_url or f"http://{settings.host}:{settings.port}").rstrip("/")
        click.echo(
            t(
                "coordinator dashboard of the demo organisation: %(link)s",
                link=f"{base}/c/{summary.featured_token}",
            )
        )


@main.command("export")
@click.option("--organisation", "organisation_id", default=None, help="Only this organisation")
@click.option("--round", "round_id", default=None, help="Only this round")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-")
def export(organisation_id: str | None, round_id: str | None, output) -> None:  # type: ignore[no-untyped-def]
    """Export submitted responses as long-format CSV."""
    t = cli_translator()
    from survey.db import Database
    from survey.services import audit
    from survey.transfer import export_responses

    with Database(get_settings().database_url).session() as session:
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


@main.command("import")
@click.argument("csv_file", type=click.File("rb"))
@click.option("--close", is_flag=True, help="Close the imported rounds (computes results)")
@click.option(
    "--format",
    "format_",
    type=click.Choice(
        ("platform", "auto", "limesurvey", "qualtrics", "kobo", "msforms", "wide", "long")
    ),
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
    from instruments import default_library
    from survey.db import Database
    from survey.models import Round
    from survey.services.rounds import close_round
    from survey.transfer import ImportRejected, decode_csv, import_responses

    library = default_library()
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
        with Database(get_settings().database_url).session() as session:
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


@main.group()
def admin() -> None:
    """Integrity-office accounts and API tokens."""


@admin.command("create-user")
@click.argument("username")
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="The password (at least 12 characters); asked twice when not given",
)
def admin_create_user(username: str, password: str) -> None:
    """Create an integrity-office user who logs in to the sector view."""
    t = cli_translator()
    from survey.db import Database
    from survey.errors import DomainError
    from survey.services.users import create_user

    database = Database(get_settings().database_url)
    try:
        with database.session() as session:
            user = create_user(session, username, password)
    except DomainError as exc:
        click.echo(t("error: %(problem)s", problem=exc.message), err=True)
        sys.exit(1)
    finally:
        database.dispose()
    click.echo(t("created user %(name)s", name=user.username))


@admin.command("create-token")
@click.argument("name")
def admin_create_token(name: str) -> None:
    """Create a named integrity-office API token; prints it once, as the last line."""
    t = cli_translator()
    from survey.db import Database
    from survey.errors import DomainError
    from survey.services.users import create_api_token

    database = Database(get_settings().database_url)
    try:
        with database.session() as session:
            token = create_api_token(session, name)
    except DomainError as exc:
        click.echo(t("error: %(problem)s", problem=exc.message), err=True)
        sys.exit(1)
    finally:
        database.dispose()
    click.echo(t("created API token %(name)r; it is shown only now, keep it safe:", name=name))
    click.echo(token)


def _link(path: str) -> str:
    """An absolute link on ``BASE_URL`` (or the local address when it is unset)."""
    settings = get_settings()
    base = settings.base_url or f"http://{settings.host}:{settings.port}"
    return base.rstrip("/") + path


def _admin_database():  # type: ignore[no-untyped-def]
    from survey.db import Database

    return Database(get_settings().database_url)


def _fail(message: str) -> None:
    click.echo(cli_translator().gettext("error: %(problem)s", problem=message), err=True)
    sys.exit(1)


@admin.command("list-tokens")
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(["link", "api", "invitation", "reset", "personal", "respondent"]),
    help="Only these kinds (repeatable); respondent tokens only when asked for",
)
@click.option("--organisation", "organisation_id", default=None, help="Only this organisation")
def admin_list_tokens(kinds: tuple[str, ...], organisation_id: str | None) -> None:
    """List credentials (never their secrets): kind:id, state, expiry and what it is."""
    t = cli_translator()
    from survey.policy import policy_from
    from survey.services.credentials import LISTED_BY_DEFAULT, list_credentials

    database = _admin_database()
    try:
        with database.session() as session:
            found = list_credentials(
                session,
                kinds or LISTED_BY_DEFAULT,
                organisation_id=organisation_id,
                policy=policy_from(get_settings()),
            )
    finally:
        database.dispose()
    for info in found:
        expires = info.expires_at.strftime("%Y-%m-%d %H:%M UTC") if info.expires_at else "-"
        click.echo(f"{info.ref}\t{info.state}\texpires {expires}\t{info.label}")
    click.echo(t("%(count)s credential(s)", count=len(found)), err=True)


@admin.command("revoke-token")
@click.argument("credential")
def admin_revoke_token(credential: str) -> None:
    """End a credential now (CREDENTIAL as kind:id, from list-tokens)."""
    from survey.errors import DomainError
    from survey.services.audit import cli_actor
    from survey.services.credentials import revoke

    database = _admin_database()
    try:
        with database.session() as session:
            info = revoke(session, credential, cli_actor())
    except DomainError as exc:
        _fail(exc.message)
    finally:
        database.dispose()
    click.echo(f"{info.ref}: {info.state} ({info.label})")


@admin.command("rotate-token")
@click.argument("credential")
def admin_rotate_token(credential: str) -> None:
    """Replace a credential's secret; prints the new one (or its link) once, as the last line."""
    t = cli_translator()
    from survey.errors import DomainError
    from survey.policy import policy_from
    from survey.services.audit import cli_actor
    from survey.services.coordinators import INVITATION_PATH, RESET_PATH
    from survey.services.credentials import rotate

    paths = {
        "link": "/c/{token}",
        "invitation": INVITATION_PATH,
        "reset": RESET_PATH,
        "respondent": "/r/{token}",
    }
    database = _admin_database()
    try:
        with database.session() as session:
            token = rotate(session, credential, cli_actor(), policy=policy_from(get_settings()))
    except DomainError as exc:
        _fail(exc.message)
    finally:
        database.dispose()
    kind = credential.partition(":")[0]
    click.echo(
        t(
            "rotated %(credential)s; the old secret no longer works. Shown only now:",
            credential=credential,
        )
    )
    click.echo(_link(paths[kind].format(token=token)) if kind in paths else token)


@admin.command("reset-coordinator")
@click.argument("email")
def admin_reset_coordinator(email: str) -> None:
    """Print a one-time password reset link for a coordinator account."""
    t = cli_translator()
    from survey.policy import policy_from
    from survey.services.audit import cli_actor
    from survey.services.coordinators import RESET_PATH, request_reset

    settings = get_settings()
    database = _admin_database()
    try:
        with database.session() as session:
            issued = request_reset(session, email, by=cli_actor(), policy=policy_from(settings))
    finally:
        database.dispose()
    if issued is None:
        _fail(
            t(
                "no coordinator account with the address '%(email)s' (an organisation without "
                "accounts gets a new dashboard link with: survey admin rotate-token link:ORG_ID)",
                email=email,
            )
        )
        return
    minutes = settings.password_reset_lifetime_minutes
    click.echo(
        t(
            "one-time reset link for %(email)s, valid for %(minutes)s minutes:",
            email=issued.row.email,
            minutes=minutes,
        )
    )
    click.echo(_link(RESET_PATH.format(token=issued.token)))


@admin.command("remove-second-factor")
@click.argument("username")
def admin_remove_second_factor(username: str) -> None:
    """Turn off an integrity-office user's second factor (a lost device)."""
    t = cli_translator()
    from sqlalchemy import select

    from survey.models import User
    from survey.services import totp
    from survey.services.audit import cli_actor

    database = _admin_database()
    try:
        with database.session() as session:
            user = session.scalar(select(User).where(User.username == username))
            had_one = user is not None and bool(user.totp_secret)
            if user is not None and had_one:
                totp.remove(session, user, cli_actor())
    finally:
        database.dispose()
    if user is None:
        _fail(t("no integrity-office user '%(name)s'", name=username))
    elif not had_one:
        _fail(t("'%(name)s' has no second factor", name=username))
    else:
        click.echo(
            t(
                "removed the second factor of %(name)s; they set up a new one at sign-in",
                name=username,
            )
        )


@admin.command("audit-log")
@click.option(
    "--export",
    "export_to",
    type=click.File("w", encoding="utf-8"),
    default=None,
    help="Write the whole log to this file ('-' for standard output)",
)
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True
)
@click.option("--last", default=30, show_default=True, help="Without --export: show this many")
def admin_audit_log(export_to, fmt: str, last: int) -> None:  # type: ignore[no-untyped-def]
    """Show the latest security events, or export the whole audit log."""
    t = cli_translator()
    from sqlalchemy import func, select

    from survey.models import AuditEvent
    from survey.services import audit

    database = _admin_database()
    try:
        with database.session() as session:
            if export_to is not None:
                count = audit.export(session, export_to, fmt=fmt)
                audit.record(
                    session, audit.AUDIT_EXPORT, audit.cli_actor(), detail=f"{count} events, {fmt}"
                )
                click.echo(t("exported %(count)s audit event(s)", count=count), err=True)
                return
            total = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
            rows = audit.events(session, offset=max(0, total - last))
    finally:
        database.dispose()
    for row in rows:
        who = " ".join(v for v in (row.actor_kind, row.actor_name or row.actor_id) if v)
        where = f" from {row.address}" if row.address else ""
        what = " ".join(v for v in (row.target, row.detail) if v)
        click.echo(f"{row.at:%Y-%m-%d %H:%M:%S} {row.event} {row.outcome}: {who}{where} {what}")


@main.command("serve")
@click.option("--host", default=None, help="Interface to listen on (default: HOST or 127.0.0.1)")
@click.option("--port", default=None, type=int, help="Port (default: PORT or 8000)")
@click.option("--workers", default=1, show_default=True, help="Worker processes")
def serve(host: str | None, port: int | None, workers: int) -> None:
    """Serve the web application."""
    t = cli_translator()
    import uvicorn

    from instruments import InstrumentError, default_library

    settings = get_settings()
    try:
        default_library()
    except InstrumentError as exc:
        click.echo(t("refusing to start: invalid instrument(s):") + f"\n{exc}", err=True)
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

"""``survey mail send``: the mail and deadline worker outside the app."""

from __future__ import annotations

import click

from cli.common import fail, root
from survey.i18n import cli_translator


@click.group()
def mail() -> None:
    """Send queued mail; close rounds at their deadline and send due reminders."""


@mail.command("send")
@click.option("--loop", is_flag=True, help="Keep going every MAIL_POLL_SECONDS until stopped")
def mail_send(loop: bool) -> None:
    """One pass of the mail and deadline worker (or a loop: run with MAIL_WORKER=false
    in the app so that only this process sends)."""
    t = cli_translator()
    import time

    from survey.mail.smtp import MailConfigError
    from survey.mail.worker import run_once

    built = root()
    settings = built.settings
    if settings.smtp_url is None:
        click.echo(t("note: SMTP_URL is not set, so no mail is sent (deadlines still close)"))
    while True:
        try:
            report = run_once(built.database, settings, built.library)
        except MailConfigError as exc:
            fail(str(exc))
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

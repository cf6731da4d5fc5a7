"""A round that reaches its closing date notifies each coordinator in their own language
(the language of the pages they claimed their account or joined in), and in English and
Dutch when that is not known (accounts made before coordinators had a language). The
mail goes through the app's mail worker to a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from survey.db import Database
from survey.mail.worker import run_once
from survey.models import Coordinator, Organisation, Round, RoundSchedule, utcnow
from survey.services import coordinators, schedule
from tests import factories
from tests.integration.pages import Browser
from tests.integration.test_pages_accounts import OTHER_PASSWORD, PASSWORD, claim_with
from tests.integration.test_pages_coordinator import register
from tests.smtp_server import SmtpServer

MAIL = {"smtp_url": None, "mail_worker": False, "mail_from": "bench@example.org"}


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


def _body(message) -> tuple[str, str]:
    return (
        message.get_body(("plain",)).get_content(),
        message.get_body(("html",)).get_content(),
    )


def test_the_closing_notice_is_in_each_coordinators_language(
    make_client, make_settings, lib, db_url, smtp
):
    mail = {**MAIL, "smtp_url": smtp.url}
    dutch = Browser(make_client(**mail))
    dutch.client.cookies.set("lang", "nl")
    claim_with(dutch, register(dutch, "nl"), email="anna@example.org")
    database = Database(db_url)
    try:
        with database.session() as s:
            anna = s.scalar(select(Coordinator).where(Coordinator.email == "anna@example.org"))
            assert anna is not None and anna.lang == "nl"
            organisation = anna.organisation_id
            bram = coordinators.invite(s, anna, "bram@example.org").token
            cleo = coordinators.invite(s, anna, "cleo@example.org").token
        # Bram joins on English pages; Cleo's account predates languages (none known).
        english = Browser(make_client(**mail))
        english.client.cookies.set("lang", "en")
        english.get(f"/coordinators/join/{bram}")
        english.submit(
            "/coordinators/join", {"password": OTHER_PASSWORD, "password_repeat": OTHER_PASSWORD}
        )
        with database.session() as s:
            coordinators.accept_invitation(s, cleo, PASSWORD)
            languages = dict(s.execute(select(Coordinator.email, Coordinator.lang)).all())
        assert languages == {
            "anna@example.org": "nl",
            "bram@example.org": "en",
            "cleo@example.org": None,
        }

        with database.session() as s:
            org = s.get(Organisation, organisation)
        opened = factories.open_round(database, org, lib, label="Voorjaar 2026")
        with database.session() as s:
            round_row = s.get(Round, opened.round.id)
            schedule.set_schedule(
                s, round_row, closes_at=utcnow() + timedelta(hours=1), reminder_days=[], targets={}
            )
            s.execute(
                update(RoundSchedule)
                .where(RoundSchedule.round_id == opened.round.id)
                .values(closes_at=utcnow() - timedelta(minutes=1))
            )
        report = run_once(database, make_settings(**mail), lib)
        assert report.closed == 1 and report.delivery.sent == 3
    finally:
        database.dispose()

    inbox = smtp.inbox.wait_for(3)
    [to_anna] = smtp.inbox.to("anna@example.org")
    [to_bram] = smtp.inbox.to("bram@example.org")
    [to_cleo] = smtp.inbox.to("cleo@example.org")
    assert len(inbox) == 3

    assert to_anna["Subject"] == "Ronde gesloten: Voorjaar 2026"
    assert to_anna["Content-Language"] == "nl"
    text, html = _body(to_anna)
    assert "sluitingsdatum" in text and "closing date" not in text
    assert '<html lang="nl">' in html

    assert to_bram["Subject"] == "Round closed: Voorjaar 2026"
    assert to_bram["Content-Language"] == "en"
    text, _ = _body(to_bram)
    assert "closing date" in text and "sluitingsdatum" not in text

    assert to_cleo["Subject"] == "Round closed: Voorjaar 2026 / Ronde gesloten: Voorjaar 2026"
    assert to_cleo["Content-Language"] == "en,nl"
    text, html = _body(to_cleo)
    assert text.index("closing date") < text.index("sluitingsdatum")
    assert '<div lang="en">' in html and '<div lang="nl">' in html

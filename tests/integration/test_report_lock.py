"""Serving reports: the engines warm up at start-up, and a report renders after its
reading transaction has ended, so on SQLite, where every transaction takes the write
lock (BEGIN IMMEDIATE), respondents keep saving while a report renders."""

from __future__ import annotations

from litestar.testing import TestClient
from sqlalchemy import func, select

import web.app
from analytics.report import service
from bootstrap import build_root
from survey.db import Database
from survey.models import Answer
from tests import factories
from tests.integration.pages import Browser
from tests.integration.test_report_service import MAIN_RESPONDENTS, answers, closed_round, peers
from web.app import create_app
from web.stores import build_stores


def test_a_respondent_saves_while_a_report_renders(
    db_url, database, library, make_settings, monkeypatch
):
    peers(database, library)
    registration = factories.organisation(database, "Gemeente Gelijktijdig")
    round_id = closed_round(
        database, library, MAIN_RESPONDENTS, organisation=registration.organisation
    )
    opened = factories.open_round(database, registration.organisation, library, label="2027")
    impatient = Database(db_url, busy_timeout_ms=300)  # a held lock fails it in 0.3 s
    saved: list[int] = []
    original = service.render_improvement

    def render_while_a_respondent_saves(data, format):  # type: ignore[no-untyped-def]
        given = answers(library, 50, role="staff")
        factories.respond(impatient, opened.invite_code, library, given, submit=False)
        saved.append(len(given))
        return original(data, format)

    monkeypatch.setattr(service, "render_improvement", render_while_a_respondent_saves)
    settings = make_settings(redis_url=None)
    app = create_app(
        build_root(settings, library=library),
        stores=build_stores(settings, namespace="report-lock"),
    )
    try:
        with TestClient(app) as client:
            browser = Browser(client)
            browser.get(f"/c/{registration.coordinator_token}")
            response = client.get(f"/rounds/{round_id}/report", params={"format": "pdf"})
            again = client.get(f"/rounds/{round_id}/report", params={"format": "pdf"})
    finally:
        impatient.dispose()
    assert response.status_code == 200, response.text[:500]
    assert response.content.startswith(b"%PDF")
    assert again.content == response.content  # stored after rendering, served from the cache
    assert len(saved) == 1 and saved[0] > 0
    with database.session() as s:
        stored = s.scalar(select(func.count()).select_from(Answer))
    assert stored is not None and stored >= saved[0]


def test_the_app_warms_the_report_engines_up_at_start_up(make_settings, monkeypatch):
    calls: list[str] = []
    monkeypatch.setattr(web.app, "warm_up_reports", lambda: calls.append("warm"))
    settings = make_settings(redis_url=None)
    app = create_app(
        build_root(settings), stores=build_stores(settings, namespace="report-warm-up")
    )
    assert calls == []
    with TestClient(app):
        assert calls == ["warm"]

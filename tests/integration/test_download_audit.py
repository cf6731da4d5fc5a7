"""Every export and report download is an audit event: who, what, when, from where.

Through the API (coordinator and office tokens) and the pages (a coordinator's session
and a signed-in office user), on both databases. Never the content: no column holds the
organisation's name, a score or a token. Refused downloads record nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from survey.models import AuditEvent
from survey.services import audit, users
from tests.integration.conftest import ANSWERS_FULL, bearer
from tests.integration.pages import Browser

PASSWORD = "correct horse battery"
NAME = "Waterschap Geheim"


@pytest.fixture
def closed(api):
    org = api.register(name=NAME)
    round_ = api.open_round(org, "Voorjaar 2026")
    for role in ("hr", "hr", "hr", "staff", "staff", "staff"):
        api.respond(round_, ANSWERS_FULL, role=role)
    api.close(round_)
    return org, round_


def _events(database, event: str) -> list[AuditEvent]:
    with database.session() as s:
        return audit.events(s, event=event)


def _no_content(row: AuditEvent, *secrets: str) -> None:
    for column in audit.COLUMNS:
        value = str(getattr(row, column) or "")
        assert NAME not in value, column
        for secret in secrets:
            assert secret not in value, column


def test_api_downloads_are_audited(client, database, closed):
    org, round_ = closed
    with database.session() as s:
        token = users.create_api_token(s, "bios")
        token_id = audit.events(s, event=audit.TOKEN_CREATED)[-1].target
    started = datetime.now(UTC) - timedelta(seconds=5)
    url = f"/api/rounds/{round_.id}/report"
    assert client.get(url, params={"format": "csv", "peers": "all"}, headers=org.auth).is_success
    stranger = client.post(
        "/api/organisations",
        json={"name": "Ander", "sector": "police", "size_band": "1-49", "country": "NL"},
    ).json()
    assert client.get(url, headers=bearer(stranger["coordinator_token"])).status_code == 404
    sector = client.get(
        "/api/benchmarks/report", params={"instrument": "mini"}, headers=bearer(token)
    )
    assert sector.is_success
    assert client.get(
        "/api/exports/scores", params={"format": "xlsx"}, headers=bearer(token)
    ).is_success
    assert client.get("/api/exports/scores").status_code == 401

    report, sector_report = _events(database, audit.REPORT_DOWNLOAD)
    assert (report.actor_kind, report.actor_id, report.organisation_id) == (
        "coordinator", None, org.id,
    )  # fmt: skip
    assert report.target == f"round:{round_.id}"
    assert report.detail == "round report as csv, en, peers all"
    assert report.address == "testclient" and report.at >= started
    assert (sector_report.actor_kind, sector_report.actor_name) == ("api-token", "bios")
    assert sector_report.target == "instrument:mini"
    (export,) = _events(database, audit.EXPORT)
    assert (export.actor_kind, export.actor_name, export.target) == ("api-token", "bios", "scores")
    assert export.actor_id is not None and token_id and token_id.endswith(export.actor_id)
    assert export.detail.startswith("scores export as xlsx, ")
    for row in (report, sector_report, export):
        _no_content(row, org.token, token)


def test_page_downloads_are_audited(client, database, closed):
    org, round_ = closed
    client.get(f"/c/{org.token}")
    pdf = client.get(f"/rounds/{round_.id}/report", params={"format": "pdf", "lang": "nl"})
    assert pdf.content.startswith(b"%PDF")
    client.cookies.clear()
    with database.session() as s:
        user = users.create_user(s, "kantoor", PASSWORD)
    browser = Browser(client)
    browser.get("/login")
    browser.submit("/login", {"username": "kantoor", "password": PASSWORD})
    assert client.get("/office/dashboard/export", params={"format": "csv"}).is_success
    assert client.get("/office/reports/sector", params={"instrument": "mini"}).is_success

    coordinator, office = _events(database, audit.REPORT_DOWNLOAD)
    assert (coordinator.actor_kind, coordinator.organisation_id) == ("coordinator", org.id)
    assert coordinator.detail == "round report as pdf, nl, peers sector"
    assert (office.actor_kind, office.actor_id, office.actor_name) == ("office", user.id, "kantoor")
    assert office.detail == "sector report as html, en"
    (export,) = _events(database, audit.EXPORT)
    assert (export.actor_kind, export.actor_id, export.target) == ("office", user.id, "scores")
    for row in (coordinator, office, export):
        _no_content(row, org.token, PASSWORD)

"""Report downloads over HTTP: formats, languages and who may fetch them."""

from __future__ import annotations

import io

import pypdf
import pytest
from openpyxl import load_workbook

from survey.db import Database
from survey.services import users
from tests.integration.conftest import ANSWERS_FULL, bearer


@pytest.fixture
def closed(api):
    org = api.register(name="Waterschap Rapport")
    round_ = api.open_round(org, "Voorjaar 2026")
    for role in ("hr", "hr", "hr", "staff", "staff", "staff"):
        api.respond(round_, ANSWERS_FULL, role=role)
    api.close(round_)
    return org, round_


def test_coordinator_downloads_every_format(client, closed):
    org, round_ = closed
    url = f"/api/rounds/{round_.id}/report"
    pdf = client.get(url, params={"format": "pdf", "lang": "nl"}, headers=org.auth)
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    assert "attachment" in pdf.headers["content-disposition"]
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Waterschap Rapport" in text
    html = client.get(url, params={"format": "html"}, headers=org.auth)
    assert html.status_code == 200 and "Waterschap Rapport" in html.text
    xlsx = client.get(url, params={"format": "xlsx"}, headers=org.auth)
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames
    csv = client.get(url, params={"format": "csv"}, headers=org.auth)
    assert csv.status_code == 200 and csv.text.splitlines()[0].startswith(
        "Instrument,Dimension,Score (0–100)"
    )


def test_report_refuses_open_rounds_strangers_and_bad_formats(client, api, closed):
    org, round_ = closed
    other = api.register(name="Gemeente Anders")
    url = f"/api/rounds/{round_.id}/report"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=bearer("garbage")).status_code == 401
    assert client.get(url, headers=other.auth).status_code == 404
    assert client.get(url, params={"format": "doc"}, headers=org.auth).status_code == 400
    still_open = api.open_round(org, "Najaar 2026")
    response = client.get(f"/api/rounds/{still_open.id}/report", headers=org.auth)
    assert response.status_code == 409


def test_sector_report_needs_an_office_token(client, db_url, closed):
    url = "/api/benchmarks/report"
    assert client.get(url, params={"instrument": "mini"}).status_code == 401
    org, _ = closed
    assert client.get(url, params={"instrument": "mini"}, headers=org.auth).status_code == 401
    database = Database(db_url)
    with database.session() as s:
        token = users.create_api_token(s, "bios")
    database.dispose()
    response = client.get(url, params={"instrument": "mini"}, headers=bearer(token))
    assert response.status_code == 200 and "<html" in response.text.lower()


def test_signed_in_coordinator_downloads_from_the_results_page(client, closed):
    org, round_ = closed
    client.get(f"/c/{org.token}", follow_redirects=True)
    page = client.get(f"/rounds/{round_.id}/results", params={"lang": "nl"})
    assert page.status_code == 200 and "Het verbeterrapport downloaden" in page.text
    pdf = client.get(f"/rounds/{round_.id}/report", params={"format": "pdf", "lang": "nl"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.cookies.clear()
    assert client.get(f"/rounds/{round_.id}/report").status_code == 401

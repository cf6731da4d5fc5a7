"""Pre-rendering: when a round closes, its report files are rendered in the background
and stored in the cache, so that the first download is a cache hit."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from analytics.report import prerender, service
from analytics.report.formats import ROUND_FORMATS
from survey.i18n import LANGUAGES
from survey.models import ReportCache, Round
from survey.services import rounds
from survey.settings import Settings
from tests import factories
from tests.integration.conftest import ANSWERS_FULL, Api
from tests.integration.test_report_service import MAIN_RESPONDENTS, closed_round


@pytest.fixture
def settings(db_url) -> Settings:
    return Settings(database_url=db_url, base_url="https://smb.example.org")


@pytest.fixture
def prerenderer(database, library, settings):
    started = prerender.Prerenderer(database, library, settings)
    started.start()
    yield started
    started.stop()


def cached_keys(database) -> set[str]:
    with database.session() as s:
        return set(s.scalars(select(ReportCache.key)))


def refuse_rendering(monkeypatch) -> None:
    def refuse(data, format):  # type: ignore[no-untyped-def]
        raise AssertionError("rendered again: not served from the cache")

    monkeypatch.setattr(service, "render_improvement", refuse)


def test_closing_a_round_prerenders_every_file_and_the_download_is_a_cache_hit(
    database, library, settings, prerenderer, monkeypatch
):
    instrument = library.latest_versions()[0].id
    round_id = closed_round(database, library, MAIN_RESPONDENTS, instruments=[instrument])
    prerenderer.idle()
    assert cached_keys(database) == {
        f"round:{round_id}:sector:{format}:{lang}" for format in ROUND_FORMATS for lang in LANGUAGES
    }
    refuse_rendering(monkeypatch)
    with database.session() as s:
        prepared = service.prepare_report(
            s, s.get(Round, round_id), library, format="pdf", lang="en", settings=settings
        )
    assert isinstance(prepared, service.Report)
    assert prepared.content.startswith(b"%PDF")
    assert prepared.filename.endswith("-en.pdf")


def test_a_close_that_rolls_back_renders_nothing(database, library, prerenderer):
    organisation = factories.organisation(database).organisation
    opened = factories.open_round(database, organisation, library)
    with pytest.raises(RuntimeError), database.session() as s:
        rounds.close_round(s, s.get(Round, opened.round.id), library)
        raise RuntimeError("the request failed after closing")
    prerenderer.idle()
    assert cached_keys(database) == set()
    assert prerender.prerender_round(database, library, opened.round.id) == 0  # still open


def test_a_round_closed_through_the_api_is_downloaded_from_the_cache(
    make_client, database, monkeypatch
):
    client = make_client(report_prerender=True)
    api = Api(client)
    org = api.register()
    round_ = api.open_round(org)
    api.respond(round_, ANSWERS_FULL)
    assert client.post(f"/api/rounds/{round_.id}/close", headers=org.auth).status_code == 200
    expected = {f"round:{round_.id}:sector:pdf:{lang}" for lang in LANGUAGES}
    deadline = time.monotonic() + 60
    while not expected <= cached_keys(database) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert expected <= cached_keys(database)
    refuse_rendering(monkeypatch)
    response = client.get(
        f"/api/rounds/{round_.id}/report", params={"format": "pdf", "lang": "en"}, headers=org.auth
    )
    assert response.status_code == 200, response.text[:300]
    assert response.content.startswith(b"%PDF")

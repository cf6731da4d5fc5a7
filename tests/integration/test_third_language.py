"""A third language is one more catalogue: a pseudo-language shows in a page and a report.

The test writes a Frisian (``fy``) catalogue at test time, the way
``docs/translations.md`` describes (``survey.catalogue.update_catalogue`` on every
extracted text), with every text wrapped in ⟪ ⟫ so that an untranslated text stands
out. The catalogue lives outside the package, in the directory that ``SMBENCH_LOCALES``
names, and the app and the command line run as subprocesses that read it at start-up:
nothing in the code names the language.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from babel.messages.pofile import read_po, write_po
from sqlalchemy import select

from bench.loadgen import Server
from survey import catalogue
from survey.db import Database
from survey.i18n import EXTRA_LOCALES_ENV
from survey.models import Round

pytestmark = pytest.mark.timeout(300)
PROJECT = Path(__file__).resolve().parents[2]
WRAPPED = re.compile(r"⟪[^⟫]{3,}⟫")


def pseudo(text: str) -> str:
    return f"⟪{text}⟫"


def write_pseudo_catalogue(root: Path) -> Path:
    path = root / "fy" / "LC_MESSAGES" / "messages.po"
    catalogue.update_catalogue(path, "fy", catalogue.extract_messages())
    with path.open("rb") as fh:
        po = read_po(fh, locale="fy")
    for message in po:
        if message.id:
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            forms = [pseudo(i) for i in ids]
            message.string = forms[0] if isinstance(message.id, str) else tuple(forms)
    with path.open("wb") as fh:
        write_po(fh, po)
    return root


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run(
        [sys.executable, "-m", "cli", *args], cwd=PROJECT, env=env, capture_output=True
    )
    assert done.returncode == 0, done.stderr.decode()
    return done


def test_a_pseudo_language_catalogue_translates_a_page_and_a_report(db_url, tmp_path):
    locales = write_pseudo_catalogue(tmp_path / "locales")
    env = {**os.environ, "DATABASE_URL": db_url, EXTRA_LOCALES_ENV: str(locales)}
    env.pop("REDIS_URL", None)
    demo = run(["demo", "--organisations", "8"], env).stdout.decode()
    dashboard = re.search(r"/c/\S+", demo)
    assert dashboard, demo

    database = Database(db_url)
    try:
        with database.session() as session:
            round_id = session.scalars(
                select(Round.id)
                .where(Round.closed_at.is_not(None))
                .order_by(Round.closed_at.desc())
                .limit(1)
            ).one()
    finally:
        database.dispose()
    report = tmp_path / "report.html"
    run(["report", round_id, "--format", "html", "--lang", "fy", "-o", str(report)], env)
    html = report.read_text()
    assert pseudo("Improvement report") in html
    assert pseudo("Snapshot per dimension") in html
    assert 'lang="fy"' in html
    assert ">Improvement report<" not in html

    server = Server(db_url, data_dir=tmp_path / "data", settings={EXTRA_LOCALES_ENV: str(locales)})
    server.start()
    try:
        with httpx.Client(base_url=server.base_url, follow_redirects=True) as browser:
            page = browser.get(f"{dashboard.group(0)}?lang=fy").raise_for_status().text
        negotiated = httpx.get(
            f"{server.base_url}/", headers={"Accept-Language": "fy-NL, nl;q=0.5"}
        )
        english = httpx.get(f"{server.base_url}/", headers={"Accept-Language": "de, en;q=0.5"})
    finally:
        server.stop()
    assert len(WRAPPED.findall(page)) > 20
    assert "Frysk" in page  # the language switch names the new language in its own words
    assert WRAPPED.search(negotiated.text) and 'lang="fy"' in negotiated.text
    assert not WRAPPED.search(english.text) and 'lang="en"' in english.text


@pytest.mark.parametrize(
    ("folder", "error"),
    [
        ("Klingon", "name the folder by a language code such as 'fr'"),
        ("qq", "Babel knows no language 'qq'"),
    ],
)
def test_a_catalogue_of_no_known_language_stops_the_start(tmp_path, folder, error):
    path = tmp_path / folder / "LC_MESSAGES" / "messages.po"
    path.parent.mkdir(parents=True)
    path.write_text('msgid ""\nmsgstr ""\n')
    started = subprocess.run(
        [sys.executable, "-c", "import survey.i18n"],
        cwd=PROJECT,
        env={**os.environ, EXTRA_LOCALES_ENV: str(tmp_path)},
        capture_output=True,
    )
    assert started.returncode == 1
    assert error in started.stderr.decode()

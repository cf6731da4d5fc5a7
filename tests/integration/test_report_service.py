"""The improvement report end to end: real instruments, real databases, real files.

The PDF is opened with pypdf and its text compared with what the results service
(`round_scores`) and the benchmark give; XLSX with openpyxl; CSV with the csv module.
"""

from __future__ import annotations

import csv
import html
import io
import random
import re
from dataclasses import dataclass

import pytest
from click.testing import CliRunner
from litestar.testing import TestClient
from openpyxl import load_workbook
from pypdf import PdfReader

from analytics import benchmark
from analytics.report import service
from analytics.report.content import rate_text, score_text
from analytics.report.inputs import dimension_results, instrument_results, pinned_versions
from bootstrap import build_root
from cli.report import report as report_command
from instruments import InstrumentLibrary, sources
from survey.disclosure.peers import band_label
from survey.errors import Conflict, InvalidInput
from survey.models import Organisation, ReportCache, Round
from survey.services import results, rounds
from survey.settings import Settings
from tests import factories
from tests.integration.pages import Browser, english_sentences
from web.app import create_app
from web.stores import build_stores

ORG_NAME = "Gemeente Rivierstad"


# --- building data ---------------------------------------------------------------------------


def answers(
    library: InstrumentLibrary,
    level: float,
    *,
    dont_know: float = 0.0,
    seed: int = 0,
    instruments: tuple[str, ...] | None = None,
    role: str | None = None,
) -> dict[str, str]:
    """An answer to every item (asked of ``role``, if given): the scored option nearest
    ``level`` plus some noise, or "don't know" with probability ``dont_know``."""
    rng = random.Random(seed)
    found = {}
    for inst in library.latest_versions():
        if instruments is not None and inst.id not in instruments:
            continue
        for item in inst.items:
            if role is not None and not item.asked_of(role):
                continue
            key = f"{inst.id}/{item.id}"
            if rng.random() < dont_know:
                found[key] = "dont_know"
                continue
            target = level + rng.gauss(0, 12)
            option = min(item.scored_options, key=lambda o: abs((o.score or 0) - target))
            found[key] = option.value
    return found


@dataclass(frozen=True)
class Respondent:
    role: str
    level: float
    dont_know: float = 0.0
    instruments: tuple[str, ...] | None = None


def closed_round(
    database,
    library: InstrumentLibrary,
    respondents: list[Respondent],
    *,
    name: str = ORG_NAME,
    sector: str = "municipalities",
    organisation=None,
    label: str = "Self-assessment 2026",
    instruments: list[str] | None = None,
) -> str:
    """A closed round of an organisation (new unless given) with the given instruments
    (all by default); respondents answer those of them they are given."""
    if organisation is None:
        organisation = factories.organisation(database, name, sector=sector).organisation
    opened = factories.open_round(
        database, organisation, library, instruments=instruments, label=label
    )
    for n, person in enumerate(respondents):
        factories.respond(
            database,
            opened.invite_code,
            library,
            answers(
                library,
                person.level,
                dont_know=person.dont_know,
                seed=n,
                instruments=person.instruments or (tuple(instruments) if instruments else None),
                role=person.role,
            ),
            role=person.role,
        )
    with database.session() as s:
        rounds.close_round(s, s.get(Round, opened.round.id), library)
    return opened.round.id


MAIN_RESPONDENTS = [
    *[Respondent("management", 80)] * 3,
    *[Respondent("communications", 55)] * 3,
    *[Respondent("staff", 30, dont_know=0.4)] * 4,
    Respondent("legal", 100),
]


def peers(database, library, count: int = 5, sector: str = "municipalities") -> None:
    for n in range(count):
        closed_round(
            database,
            library,
            [Respondent("management", 40 + 10 * n), Respondent("staff", 30 + 8 * n)] * 3,
            name=f"Peer {n + 1}",
            sector=sector,
        )


TITLES = {doc.file: doc.title for doc in sources()}


def pdf_text(content: bytes) -> str:
    """The PDF's text with all whitespace runs made single spaces."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def plain(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings(database_url="sqlite://", base_url="https://smb.example.org")


@pytest.fixture
def main_round(database, library):
    peers(database, library)
    return closed_round(database, library, MAIN_RESPONDENTS)


# --- the PDF says what the results service says ----------------------------------------------


def test_pdf_numbers_match_the_results_service_and_benchmark(
    database, library, main_round, settings
):
    with database.session() as s:
        round_ = s.get(Round, main_round)
        shown = results.round_scores(s, round_, library, "en")
        org = s.get(Organisation, round_.organisation_id)
        versions = pinned_versions(round_)
        peer_rows = benchmark.benchmark(
            dimension_results(s, versions, synthetic=False), org.id, round_.id, "sector"
        )
        instrument_rows = benchmark.benchmark(
            instrument_results(s, versions, synthetic=False), org.id, round_.id, "sector"
        )
        content, media_type, filename = service.build_report(
            s, round_, library, format="pdf", lang="en", settings=settings
        )
    assert media_type == "application/pdf"
    assert filename == "improvement-report-gemeente-rivierstad-self-assessment-2026-en.pdf"
    text = pdf_text(content)
    assert ORG_NAME in text
    assert "Improvement report" in text
    # overview: every instrument's score and level; among 6 peers (5 unknown to it) the
    # percentile of bands is not published
    assert set(instrument_rows["form"]) == {"median"}
    for inst in shown["instruments"]:
        assert inst["score"] is not None
        expected = f"{plain(inst['title'])} {score_text(inst['score'])} {inst['level']} –"
        assert expected in text, expected
    # snapshot: each dimension's level and the peer figures of the benchmark: the
    # median band, the own position, and the rule that hid the quartiles
    for row in peer_rows.iter_rows(named=True):
        assert not row["suppressed"] and row["peer_count"] == 6
        line = (
            f"Peers ({row['peer_count']}): median in the band "
            f"{band_label(row['median_low'], row['median_high'])}. This organisation is "
            f"{row['position']} the median band."
        )
        assert line in text, line
    assert "The spread of the peers (quartiles, top tenth, peers' points) needs 10" in text
    for inst in shown["instruments"]:
        for dim in inst["dimensions"]:
            assert f"Level {dim['level']} of 5. {plain(dim['level_description'])}" in text
    # full story: the priorities in the same order, with their scores and sources
    low = results.where_to_start(shown["priorities"])
    story = text[text.index("Improvement priorities") :]
    positions = []
    for number, priority in enumerate(low, start=1):
        entry = f"{number} {plain(priority['text'])}"
        assert entry in story, entry
        positions.append(story.index(entry))
        assert f"Score {score_text(priority['score'])}" in story
        if priority["recommendation"]:
            assert plain(priority["recommendation"]) in story
        source = priority["sources"][0]
        assert f"{TITLES[source['file']]} – {source['section']}" in " ".join(story.split())
    assert positions == sorted(positions)
    # sources are cited by title and section, never by the seed files' names
    assert not re.search(r"\d{3}_[0-9a-f]{16}", text)
    # awareness gaps: staff answered "don't know" often
    gaps = [p for p in shown["priorities"] if p["finding"] == "awareness_gap"]
    assert gaps and rate_text(max(g["dont_know_rate"] for g in gaps)) in text


def test_the_page_and_the_report_start_with_the_same_findings(
    database, library, settings, make_settings
):
    """One rule (where_to_start) for the results page and the report: the widest role
    disagreement is listed in both even when ten findings rank above it."""
    peers(database, library)
    registration = factories.organisation(database, "Gemeente Tweespalt")
    round_id = closed_round(
        database, library, MAIN_RESPONDENTS, organisation=registration.organisation
    )
    with database.session() as s:
        round_ = s.get(Round, round_id)
        shown = results.round_scores(s, round_, library, "en")
        content, *_ = service.build_report(
            s, round_, library, format="pdf", lang="en", settings=settings
        )
    disagreements = [p for p in shown["priorities"] if p["finding"] == "role_disagreement"]
    widest = max(disagreements, key=lambda p: p["role_spread"])
    assert widest["rank"] > 10  # the first ten findings would leave it out
    chosen = results.where_to_start(shown["priorities"])
    assert len(chosen) == 10 and widest in chosen
    assert [p["rank"] for p in chosen] == sorted(p["rank"] for p in chosen)

    app = create_app(
        build_root(make_settings(redis_url=None), library=library),
        stores=build_stores(make_settings(redis_url=None), namespace="where-to-start"),
    )
    with TestClient(app) as client:
        browser = Browser(client)
        browser.get(f"/c/{registration.coordinator_token}")
        page = browser.get(f"/rounds/{round_id}/results")
    listed = [
        " ".join(e.text.split())
        for e in page.find("p")
        if "priority-question" in e.attrs.get("class", "")
    ]
    assert listed == [" ".join(p["text"].split()) for p in chosen]
    assert f"Role groups disagree: {score_text(widest['role_spread'])} points apart" in page.text

    text = pdf_text(content)
    story = text[text.index("Improvement priorities") : text.index("Awareness gaps")]
    positions = [story.index(f"{n} {plain(p['text'])}") for n, p in enumerate(chosen, start=1)]
    assert positions == sorted(positions)
    assert f"role groups differ by {score_text(widest['role_spread'])} points" in story


def snapshot_cards(text: str, shown: dict) -> dict[tuple[str, str], str]:
    """The snapshot's text per dimension card, cut at the next card's title."""
    snapshot = text[text.index("Snapshot per dimension") : text.index("The full story")]
    titles = [
        ((inst["id"], dim["id"]), plain(dim["title"]))
        for inst in shown["instruments"]
        for dim in inst["dimensions"]
    ]

    def heading(title: str, start: int) -> int:
        """Where the card's heading is: the title not followed by a chart label's count."""
        for match in re.finditer(re.escape(title), snapshot[start:]):
            if not snapshot[start + match.end() :].startswith(" (n"):
                return start + match.start()
        raise ValueError(title)

    cards, start = {}, 0
    for n, (key, title) in enumerate(titles):
        begin = heading(title, start)
        following = titles[n + 1][1] if n + 1 < len(titles) else None
        end = heading(following, begin + len(title)) if following else len(snapshot)
        cards[key] = snapshot[begin:end]
        start = begin + len(title)
    return cards


def test_suppressed_role_group_figures_do_not_appear(database, library, main_round, settings):
    """Legal (1 respondent, a pool of one) is left out of every figure (scoring v2, D2);
    a role view stands only where at least 3 of its members have a value."""
    with database.session() as s:
        round_ = s.get(Round, main_round)
        raw = results.stored_scores(s, round_).role_dimensions
        shown = results.round_scores(s, round_, library, "en")
        content, *_ = service.build_report(
            s, round_, library, format="pdf", lang="en", settings=settings
        )
    roles = {r["role"]: r for r in shown["roles"]}
    assert "legal" not in roles
    text = pdf_text(content)
    cards = snapshot_cards(text, shown)
    hidden = shown_count = 0
    for role in shown["roles"]:
        for dim in role["dimensions"]:
            card = cards[(dim["instrument"], dim["dimension"])]
            raw_scores = raw.filter(
                (raw["role"] == role["role"])
                & (raw["instrument_id"] == dim["instrument"])
                & (raw["dimension_id"] == dim["dimension"])
            )["score"]
            raw_score = raw_scores[0] if len(raw_scores) else None
            roles_part = card.split("Role groups:")[-1].split("What matters most")[0]
            if dim["suppressed"]:
                hidden += 1
                assert f"{role['label']} " not in roles_part
                if raw_score is not None:
                    assert f"{role['label']} {score_text(raw_score)}" not in card
            else:
                shown_count += 1
                assert f"{role['label']} {score_text(dim['score'])}" in roles_part
    for inst in shown["instruments"]:
        for dim in inst["dimensions"]:
            card = cards[(inst["id"], dim["id"])]
            assert card.startswith(
                f"{plain(dim['title'])} {score_text(dim['score'])} {dim['level']}"
            )
    # under v2 a role group too small for a figure is pooled or left out: every role
    # figure that exists is shown, and a role view without one says why (routing, or
    # fewer than 3 values there)
    cells = [d for r in shown["roles"] for d in r["dimensions"]]
    assert shown_count == sum(not d["suppressed"] for d in cells)
    assert hidden == sum(d["suppressed"] for d in cells)
    assert {d["reason"] for d in cells if d["suppressed"]} <= {"role_not_asked", "few_in_view"}
    assert all(d["score"] is None for d in cells if d["suppressed"])
    assert shown_count >= 40
    assert "Legal 1" not in text and "Legal " not in text.split("The full story")[0]


def test_hidden_dimension_scores_are_not_in_the_report(database, library, settings):
    """Only two respondents answered the accounts questionnaire: its scores stay hidden."""
    peers(database, library)
    only_two = ("ctg-accounts",)
    others = ("sm-maturity", "ctg-access", "ctg-acceptable-use", "ctg-conduct")
    round_id = closed_round(
        database,
        library,
        [Respondent("management", 70, instruments=others + only_two)] * 2
        + [Respondent("staff", 40, instruments=others)] * 3,
    )
    with database.session() as s:
        round_ = s.get(Round, round_id)
        raw = results.stored_scores(s, round_).dimensions
        shown = results.round_scores(s, round_, library, "en")
        content, *_ = service.build_report(
            s, round_, library, format="pdf", lang="en", settings=settings
        )
        csv_content, *_ = service.build_report(
            s, round_, library, format="csv", lang="en", settings=settings
        )
    accounts = next(i for i in shown["instruments"] if i["id"] == "ctg-accounts")
    assert accounts["score"] is None and all(d["score"] is None for d in accounts["dimensions"])
    text = pdf_text(content)
    assert "Management of social media accounts (CTG) – – –" in text
    cards = snapshot_cards(text, shown)
    for dim in accounts["dimensions"]:
        card = cards[("ctg-accounts", dim["id"])]
        assert "No score is shown: fewer than 3 respondents stand behind it." in card
        hidden = raw.filter(
            (raw["instrument_id"] == "ctg-accounts") & (raw["dimension_id"] == dim["id"])
        )["score"][0]
        assert hidden is None or score_text(hidden) not in card
        assert card.startswith(f"{plain(dim['title'])} – – No score is shown")
    rows = [
        r
        for r in csv.DictReader(io.StringIO(csv_content.decode()))
        if r["instrument_id"] == "ctg-accounts"
    ]
    assert rows and all(r["Score (0–100)"] == "" and r["Level (1–5)"] == "" for r in rows)
    # the two are a pool under 3, left out of every figure (v2): none stands behind it
    assert all(r["Respondents"] == "0" for r in rows)


def test_dutch_report_is_in_dutch(database, library, main_round, settings):
    with database.session() as s:
        round_ = s.get(Round, main_round)
        shown = results.round_scores(s, round_, library, "nl")
        content, _, filename = service.build_report(
            s, round_, library, format="pdf", lang="nl", settings=settings
        )
    assert filename.endswith("-nl.pdf")
    text = pdf_text(content)
    for word in (
        "Verbeterrapport",
        "Overzicht",
        "Momentopname per dimensie",
        "Het volledige verhaal",
        "Draaiboek voor de dialoog",
        "Actieplan",
        "deelnemers",
        "Zwakste dimensies",
        "Wie uit te nodigen",
        "Pagina 1 van",
    ):
        assert word in text, word
    for word in (
        "Improvement report",
        "Overview",
        "Snapshot",
        "Dialogue kit",
        "Action plan",
        "respondents",
        "Weakest",
        "Whom to invite",
        "Page 1 of",
        "Percentile rank",
    ):
        assert word not in text, word
    assert plain(shown["instruments"][0]["title"]) in text
    assert plain(shown["priorities"][0]["recommendation"]) in text


def test_dutch_html_report_shows_no_english_text_of_the_catalogue(
    database, library, main_round, settings
):
    with database.session() as s:
        content, _, _ = service.build_report(
            s, s.get(Round, main_round), library, format="html", lang="nl", settings=settings
        )
    text = html.unescape(re.sub(r"<[^>]+>", " ", content.decode()))
    text = re.sub(r"\s+", " ", text)
    assert "Verbeterrapport" in text and "sturing" in text.lower()
    leaked = [sentence for sentence in english_sentences() if sentence in text]
    assert not leaked, leaked


# --- the other formats ------------------------------------------------------------------------


def test_xlsx_action_plan_and_scores(database, library, main_round, settings):
    with database.session() as s:
        round_ = s.get(Round, main_round)
        shown = results.round_scores(s, round_, library, "en")
        content, media_type, filename = service.build_report(
            s, round_, library, format="xlsx", lang="en", settings=settings
        )
    assert media_type.startswith("application/vnd.openxmlformats")
    assert filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(content))
    plan, agreed, scores = book.worksheets
    assert plan.title == "Action plan" and scores.title == "Scores"
    assert agreed.title == "Agreed actions" and agreed.max_row == 1  # headings only
    header = [c.value for c in plan[1]]
    assert header == [
        "#",
        "Instrument",
        "Dimension",
        "Priority",
        "Recommendation",
        "Source",
        "Owner",
        "Deadline",
        "Status",
        "instrument_id",
        "dimension_id",
        "item_id",
    ]
    low = results.where_to_start(shown["priorities"])
    rows = list(plan.iter_rows(min_row=2, values_only=True))
    assert [r[3] for r in rows] == [p["text"] for p in low]
    assert [r[4] for r in rows] == [p["recommendation"] for p in low]
    assert [r[9:] for r in rows] == [(p["instrument"], p["dimension"], p["item"]) for p in low]
    for row, priority in zip(rows, low, strict=True):
        cited = [f"{TITLES[s['file']]} – {s['section']}" for s in priority["sources"]]
        assert row[5] == "; ".join(cited)
        assert ".txt" not in row[5]
    assert all(r[6:9] == (None, None, None) for r in rows)
    validations = {str(v.sqref)[0]: v for v in plan.data_validations.dataValidation}
    assert validations["H"].type == "date"
    assert validations["I"].type == "list"
    assert validations["I"].formula1 == '"open,in progress,done"'
    assert [c.value for c in scores[1]] == [
        "Instrument",
        "Dimension",
        "Score (0–100)",
        "Level (1–5)",
        "Level description",
        "Don't know (%)",
        "Respondents",
        "instrument_id",
        "dimension_id",
    ]
    score_rows = list(scores.iter_rows(min_row=2, values_only=True))
    expected = [
        (
            inst["title"],
            dim["title"],
            int(score_text(dim["score"])),
            dim["level"],
            int(score_text(100 * dim["dont_know_rate"])),
            inst["id"],
            dim["id"],
        )
        for inst in shown["instruments"]
        for dim in inst["dimensions"]
    ]
    # numbers rounded as the report and the pages print them
    assert [(*r[:4], r[5], *r[7:]) for r in score_rows] == expected


def test_dutch_xlsx_statuses(database, library, main_round, settings):
    with database.session() as s:
        content, *_ = service.build_report(
            s, s.get(Round, main_round), library, format="xlsx", lang="nl", settings=settings
        )
    plan = load_workbook(io.BytesIO(content)).worksheets[0]
    assert plan.title == "Actieplan"
    statuses = [v for v in plan.data_validations.dataValidation if v.type == "list"]
    assert statuses[0].formula1 == '"open,in uitvoering,afgerond"'


def test_csv_scores(database, library, main_round, settings):
    with database.session() as s:
        round_ = s.get(Round, main_round)
        shown = results.round_scores(s, round_, library, "en")
        content, media_type, _ = service.build_report(
            s, round_, library, format="csv", lang="en", settings=settings
        )
    assert media_type == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    assert list(rows[0]) == [
        "Instrument",
        "Dimension",
        "Score (0–100)",
        "Level (1–5)",
        "Don't know (%)",
        "Respondents",
        "instrument_id",
        "dimension_id",
    ]
    expected = [(i, d) for i in shown["instruments"] for d in i["dimensions"]]
    assert len(rows) == len(expected)
    for row, (inst, dim) in zip(rows, expected, strict=True):
        assert (row["Instrument"], row["Dimension"]) == (inst["title"], dim["title"])
        assert (row["instrument_id"], row["dimension_id"]) == (inst["id"], dim["id"])
        assert row["Score (0–100)"] == score_text(dim["score"])
        assert int(row["Level (1–5)"]) == dim["level"]
        assert row["Don't know (%)"] == score_text(100 * dim["dont_know_rate"])
        assert int(row["Respondents"]) == dim["respondents"]


def test_dutch_csv_is_headed_and_labelled_in_dutch(database, library, main_round, settings):
    with database.session() as s:
        round_ = s.get(Round, main_round)
        shown = results.round_scores(s, round_, library, "nl")
        english, *_ = service.build_report(
            s, round_, library, format="csv", lang="en", settings=settings
        )
        dutch, *_ = service.build_report(
            s, round_, library, format="csv", lang="nl", settings=settings
        )
    assert english != dutch
    rows = list(csv.DictReader(io.StringIO(dutch.decode("utf-8"))))
    assert list(rows[0]) == [
        "Instrument",
        "Dimensie",
        "Score (0–100)",
        "Niveau (1–5)",
        "Weet niet (%)",
        "Respondenten",
        "instrument_id",
        "dimension_id",
    ]
    first = shown["instruments"][0]
    assert (rows[0]["Instrument"], rows[0]["Dimensie"]) == (
        first["title"],
        first["dimensions"][0]["title"],
    )


def test_html_report_escapes_user_text_and_pdf_fetches_nothing(
    database, library, settings, monkeypatch
):
    hostile = 'Gemeente <img src="http://example.com/x.png"> & <script>alert(1)</script>'
    round_id = closed_round(
        database,
        library,
        [Respondent("management", 60)] * 3,
        name=hostile,
        label='Round <b onmouseover="x">2026</b>',
    )
    fetchers = []
    original = service.render.html_to_pdf

    def spy(html, fetcher=None):
        fetcher = fetcher or service.render.RefusingFetcher()
        fetchers.append(fetcher)
        return original(html, fetcher)

    monkeypatch.setattr(service.render, "html_to_pdf", spy)
    with database.session() as s:
        round_ = s.get(Round, round_id)
        html, media_type, _ = service.build_report(
            s, round_, library, format="html", lang="en", settings=settings
        )
        pdf, *_ = service.build_report(
            s, round_, library, format="pdf", lang="en", settings=settings
        )
    page = html.decode("utf-8")
    assert media_type == "text/html; charset=utf-8"
    assert "<img" not in page and "<script" not in page and "<b " not in page
    assert "&lt;img src=&#34;http://example.com/x.png&#34;&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|file:|//)""", page)
    assert "<link" not in page
    assert len(fetchers) == 1 and fetchers[0].refused == []
    assert 'Gemeente <img src="http://example.com/x.png"> & <script>alert(1)</script>' in pdf_text(
        pdf
    )


def test_report_needs_a_closed_round_and_known_format(database, library, settings):
    reg = factories.organisation(database, ORG_NAME)
    opened = factories.open_round(database, reg.organisation, library)
    with database.session() as s:
        round_ = s.get(Round, opened.round.id)
        with pytest.raises(Conflict):
            service.build_report(s, round_, library, format="pdf", lang="en", settings=settings)
        with pytest.raises(InvalidInput):
            service.build_report(s, round_, library, format="docx", lang="en")
        with pytest.raises(InvalidInput):
            service.build_report(s, round_, library, format="pdf", lang="de")
        with pytest.raises(InvalidInput):
            service.build_report(s, round_, library, format="pdf", lang="en", peer_group="x")


# --- the cache ----------------------------------------------------------------------------------


def test_rendered_once_then_served_from_the_cache_until_peers_change(
    database, library, main_round, settings, monkeypatch
):
    renders = []
    original = service.render_round_report

    def counting(*args, **kwargs):
        renders.append(kwargs["format"])
        return original(*args, **kwargs)

    monkeypatch.setattr(service, "render_round_report", counting)

    def build(format="html", lang="en"):
        with database.session() as s:
            return service.build_report(
                s, s.get(Round, main_round), library, format=format, lang=lang, settings=settings
            )

    first = build()
    second = build()
    assert renders == ["html"] and second == first
    build(lang="nl")
    build(format="csv")
    build(format="csv")
    assert renders == ["html", "html", "csv"]
    with database.session() as s:
        keys = sorted(e.key for e in s.query(ReportCache))
    assert keys == sorted(
        f"round:{main_round}:sector:{f}:{lang}"
        for f, lang in (("html", "en"), ("html", "nl"), ("csv", "en"))
    )
    # another organisation in the sector closes a round: the peer figures change
    closed_round(database, library, [Respondent("management", 95)] * 3, name="Peer 6")
    third = build()
    assert renders == ["html", "html", "csv", "html"]
    assert third.content != first.content
    assert "Peers (7)" in third.content.decode() and "Peers (6)" in first.content.decode()
    assert build() == third and len(renders) == 4


def test_cache_is_rebuilt_when_the_organisation_or_a_peer_result_changes(
    database, library, main_round, settings, monkeypatch
):
    renders = []
    original = service.render_round_report
    monkeypatch.setattr(
        service, "render_round_report", lambda *a, **k: renders.append(1) or original(*a, **k)
    )

    def build():
        with database.session() as s:
            return service.build_report(
                s, s.get(Round, main_round), library, format="csv", lang="en", settings=settings
            )

    build()
    build()
    assert len(renders) == 1
    with database.session() as s:
        s.get(Round, main_round).organisation.name = "Gemeente Rivierstad-Oost"
    build()
    assert len(renders) == 2
    with database.session() as s:  # a peer's stored results are recomputed (another peer leaves)
        peer = s.query(Organisation).filter_by(name="Peer 1").one()
        s.delete(peer)
    build()
    build()
    assert len(renders) == 3


def test_fingerprint_is_stable_and_names_what_changes(database, library, main_round):
    with database.session() as s:
        round_ = s.get(Round, main_round)
        first = service.round_fingerprint(s, round_, library)
        assert service.round_fingerprint(s, round_, library) == first
        assert service.round_fingerprint(s, round_, library, peer_group="all") != first
        assert service.round_fingerprint(s, round_, library, base_url="https://x.example") != first


# --- the command line ----------------------------------------------------------------------------


def test_cli_writes_the_report(database, library, main_round, db_url, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("BASE_URL", "https://smb.example.org")
    out = tmp_path / "report.pdf"
    result = CliRunner().invoke(
        report_command, [main_round, "--format", "pdf", "--lang", "nl", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "Verbeterrapport" in pdf_text(out.read_bytes())
    result = CliRunner().invoke(report_command, [main_round, "--format", "csv", "-o", "-"])
    assert result.exit_code == 0
    assert result.stdout.startswith("Instrument,Dimension,Score (0–100),Level (1–5)")
    missing = CliRunner().invoke(report_command, ["no-such-round"])
    assert missing.exit_code != 0 and "no round with id" in missing.output

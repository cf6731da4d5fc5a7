"""The anonymity and isolation rules under attack.

* Differencing: a suppressed role group is not derivable from what is shown (a group
  of 3 next to a group of 2 and the overall score; three groups where one is small;
  a role group split across two rounds; a round watched before and after one more
  response). Peer figures are 5-point bands, so a nested group that lacks one
  organisation ("5 organisations minus one") gives away nothing beyond that
  organisation's band: through the benchmark API and in `analytics.benchmark` (the full
  attack suite on generated populations is `tests/attacks`).
* Isolation: every route of the app that takes an organisation, round or response id
  (API and pages, reports and benchmarks included: the routes are discovered, not
  listed) is tried with another organisation's ids and each kind of credential:
  coordinator, respondent and office bearer tokens, a coordinator or office login
  session, a respondent's resume cookie. The office's exports and sector views name
  only organisations that chose to share, and open to no other credential.
* Guessing: invitation codes, respondent and coordinator tokens, resume links and
  passwords guessed past the rate limit get 429, and the right one is refused as
  well until the window has passed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from litestar.testing import TestClient
from sqlalchemy import func, select

from analytics import benchmark
from survey.db import Database
from survey.disclosure.roles import MIN_ROLE_GROUP
from survey.models import AccountToken, Action, Answer, Coordinator, Response, Round
from survey.passwords import hash_password
from survey.services import personal_tokens, users
from tests.integration.conftest import ANSWERS_FULL, Api, bearer

ANSWERS_NONE = dict.fromkeys(ANSWERS_FULL, "none")
ANSWERS_SOME = dict.fromkeys(ANSWERS_FULL, "some")
PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


# --- differencing: role groups ------------------------------------------------------------


def _closed_round(api: Api, org, groups: dict[str, list[dict[str, str]]], label: str):
    round_ = api.open_round(org, label)
    for role, answer_sets in groups.items():
        for answers in answer_sets:
            api.respond(round_, answers, role=role)
    api.close(round_)
    return round_


def _scores(api: Api, round_) -> dict:
    response = api.client.get(f"/api/rounds/{round_.id}/scores", headers=round_.org.auth)
    assert response.status_code == 200, response.text
    return response.json()


def _derivable(scores: dict, respondents: dict[str, int]) -> list[tuple]:
    """Every figure an attacker can compute for the hidden role groups of a dimension:
    (instrument, dimension, hidden roles, their respondents, the derived mean).

    The organisation's score is the mean of its role groups, and the respondent count
    per role is public (round progress), so k × overall − Σ shown = Σ hidden."""
    derived = []
    present = {role for role, count in respondents.items() if count}
    for instrument in scores["instruments"]:
        for dimension in instrument["dimensions"]:
            if dimension["score"] is None:
                continue
            shown = {}
            for role in scores["roles"]:
                for figure in role["dimensions"]:
                    key = (figure["instrument"], figure["dimension"])
                    if key == (instrument["id"], dimension["id"]) and not figure["suppressed"]:
                        shown[role["role"]] = figure["score"]
            hidden = present - shown.keys()
            if not hidden:
                continue
            total = len(present) * dimension["score"] - sum(shown.values())
            derived.append(
                (
                    instrument["id"],
                    dimension["id"],
                    frozenset(hidden),
                    sum(respondents[r] for r in hidden),
                    total / len(hidden),
                )
            )
    return derived


def _assert_nothing_small_derivable(scores: dict, respondents: dict[str, int]) -> None:
    for instrument, dimension, hidden, count, _ in _derivable(scores, respondents):
        assert len(hidden) >= 2 and count >= MIN_ROLE_GROUP, (
            f"{instrument}/{dimension}: the hidden group(s) {sorted(hidden)} of {count} "
            "respondent(s) follow from the overall score and the shown groups"
        )


def _by_role(api: Api, round_) -> dict[str, int]:
    progress = api.client.get(f"/api/rounds/{round_.id}", headers=round_.org.auth).json()
    return {role: c["submitted"] for role, c in progress["responses"]["by_role"].items()}


def test_a_group_of_two_next_to_a_group_of_three_cannot_be_derived(api):
    org = api.register()
    round_ = _closed_round(
        api, org, {"staff": [ANSWERS_FULL] * 3, "management": [ANSWERS_NONE] * 2}, "3 + 2"
    )
    scores, respondents = _scores(api, round_), _by_role(api, round_)
    assert respondents == {"staff": 3, "management": 2}
    # the overall score shows (5 respondents), so staff must be hidden with management:
    # otherwise management = 2 × overall − staff = 0
    assert all(d["score"] == 50 for i in scores["instruments"] for d in i["dimensions"])
    assert {r["role"]: r["suppressed"] for r in scores["roles"]} == {
        "staff": True,
        "management": True,
    }
    assert all(f["score"] is None for r in scores["roles"] for f in r["dimensions"])
    _assert_nothing_small_derivable(scores, respondents)
    # nor through the items: no role spread between hidden groups
    assert all(p["role_spread"] is None for p in scores["priorities"])
    assert "management" not in str(scores["priorities"])


def test_a_small_group_among_three_is_covered_by_a_second_hidden_group(api):
    org = api.register()
    round_ = _closed_round(
        api,
        org,
        {
            "staff": [ANSWERS_FULL] * 3,
            "management": [ANSWERS_SOME] * 3,
            "hr": [ANSWERS_NONE] * 2,
        },
        "3 + 3 + 2",
    )
    scores, respondents = _scores(api, round_), _by_role(api, round_)
    suppressed = {r["role"]: r["suppressed"] for r in scores["roles"]}
    assert suppressed["hr"] is True
    assert sum(suppressed.values()) == 2  # one group of 3 is hidden along with hr
    _assert_nothing_small_derivable(scores, respondents)
    for *_, hidden, count, mean in _derivable(scores, respondents):
        assert hidden != {"hr"}
        assert mean != 0.0  # hr's own score (all "none") is not what comes out


def test_a_role_group_split_across_two_rounds_stays_hidden(api):
    """Management's four respondents answer two of them in each round: in neither round
    does a management figure show or follow from the shown ones, and with two rounds the
    attacker has two overall scores for four unknown group means."""
    org = api.register()
    first = _closed_round(
        api, org, {"staff": [ANSWERS_FULL] * 3, "management": [ANSWERS_NONE] * 2}, "first"
    )
    second = _closed_round(
        api, org, {"staff": [ANSWERS_FULL] * 3, "management": [ANSWERS_SOME] * 2}, "second"
    )
    for round_ in (first, second):
        scores, respondents = _scores(api, round_), _by_role(api, round_)
        assert all(r["suppressed"] for r in scores["roles"])
        _assert_nothing_small_derivable(scores, respondents)
    # the rounds list carries no figures that could be combined across rounds
    listed = api.client.get(f"/api/organisations/{org.id}/rounds", headers=org.auth).json()
    assert {r["id"] for r in listed} == {first.id, second.id}
    assert not any("score" in key for r in listed for key in r)


def test_a_round_cannot_be_watched_before_and_after_one_more_response(api):
    """Differencing over time within a round: no figures while it is open, and no
    response after it closed, so no pair of figures differs by one respondent."""
    org = api.register()
    round_ = api.open_round(org, "watched")
    for role in ("staff", "staff", "staff", "management", "management", "management"):
        api.respond(round_, ANSWERS_FULL, role=role)
    assert api.client.get(f"/api/rounds/{round_.id}/scores", headers=org.auth).status_code == 409
    api.close(round_)
    late = api.client.post(
        f"/api/invites/{round_.invite_code}/responses", json={"role": "management"}
    )
    assert late.status_code == 409
    assert _by_role(api, round_) == {"staff": 3, "management": 3}


# --- differencing: peer groups ------------------------------------------------------------


CLOSED = datetime(2026, 3, 1, tzinfo=UTC)


def _population(members: list[tuple[str, str, str, float]]) -> pl.DataFrame:
    """Results of one closed round per organisation: (sector, size band, country, score)."""
    rows = []
    for n, (sector, size_band, country, score) in enumerate(members):
        for dimension, offset in (("rules", 0.0), ("culture", 7.5)):
            rows.append(
                {
                    "organisation_id": f"org-{n}",
                    "round_id": f"round-{n}",
                    "instrument_id": "mini",
                    "instrument_version": "1.0",
                    "dimension_id": dimension,
                    "score": min(100.0, score + offset),
                    "respondents": 6,
                    "closed_at": CLOSED - timedelta(days=n),
                    "sector": sector,
                    "size_band": size_band,
                    "country": country,
                    "synthetic": False,
                    "shares": False,
                }
            )
    return pl.DataFrame(rows, schema=benchmark.RESULTS_SCHEMA)


def _published(results: pl.DataFrame) -> list[pl.DataFrame]:
    reps = benchmark.representatives(results)
    return [benchmark.peer_statistics(reps, group) for group in benchmark.PEER_GROUPS] + [
        benchmark.benchmark_all(reps).drop("score")
    ]


def test_five_organisations_and_one_more_give_away_no_more_than_its_band():
    """All organisations (6) and the municipalities (5) both show a median band; the
    sixth organisation's score can move anywhere inside its band without any published
    figure changing, which is all that differencing the two groups could exploit."""
    five_and_one = [("municipalities", "250-999", "NL", 20.0 + 10 * n) for n in range(5)]
    before = _published(_population([*five_and_one, ("police", "1000-4999", "NL", 91.0)]))
    everyone, sector = before[0], before[1]
    assert set(everyone["form"]) == {"median"}
    assert set(sector.filter(sector="municipalities")["form"]) == {"median"}
    assert set(sector.filter(sector="police")["form"]) == {"count"}
    for moved in (90.0, 92.5, 94.99):
        after = _published(_population([*five_and_one, ("police", "1000-4999", "NL", moved)]))
        assert all(x.equals(y) for x, y in zip(before, after, strict=True)), moved


def test_a_group_of_five_shows_its_median_band_and_loses_it_when_one_leaves():
    five = [("municipalities", "250-999", "NL", 20.0 + 10 * n) for n in range(5)]
    shown = _published(_population(five))[1]
    assert set(shown["form"]) == {"median"} and set(shown["median_low"]) == {40.0, 45.0}
    assert set(_published(_population(five[:4]))[1]["form"]) == {"count"}


def test_the_benchmark_api_publishes_bands_only(api):
    """Through ``GET /api/rounds/{id}/benchmark``: five municipalities and one police
    force. Every published peer figure is a 5-point band; the police force's sector (1)
    shows its count only, with the rule that hid the rest."""
    answer_sets = [ANSWERS_NONE, ANSWERS_SOME, ANSWERS_FULL, ANSWERS_SOME, ANSWERS_NONE]
    rounds = {}
    for n, answers in enumerate(answer_sets):
        org = api.register(f"Gemeente {n}")
        rounds[f"municipality {n}"] = _closed_round(api, org, {"staff": [answers] * 3}, "r")
    police = api.register("Politie Eenheid", sector="police")
    rounds["police"] = _closed_round(api, police, {"staff": [ANSWERS_FULL] * 3}, "r")

    def view(name: str, peers: str) -> dict:
        round_ = rounds[name]
        response = api.client.get(
            f"/api/rounds/{round_.id}/benchmark",
            params={"peers": peers},
            headers=round_.org.auth,
        )
        assert response.status_code == 200, response.text
        return response.json()

    for name in rounds:
        everyone, sector = view(name, "all"), view(name, "sector")
        assert everyone["peer_count"] == 6
        assert sector["peer_count"] == (1 if name == "police" else 5)
        for dimension in (*everyone["dimensions"], *sector["dimensions"]):
            for statistic in benchmark.STATISTICS:
                low, high = dimension[f"{statistic}_low"], dimension[f"{statistic}_high"]
                assert (low is None) == (high is None)
                if low is not None:
                    assert low % 5 == 0 and high - low == 5, (name, dimension)
            if dimension["suppressed"]:
                assert dimension["suppression"] == "few_unknown"
                assert dimension["position"] is None and dimension["percentile"] is None
        assert not any(d["suppressed"] for d in everyone["dimensions"])
        if name == "police":
            assert all(d["suppressed"] for d in sector["dimensions"])


# --- isolation: every route that takes an id, every credential ----------------------------


@dataclass(frozen=True)
class Side:
    org_id: str
    org_token: str
    name: str
    round_id: str
    closed_round_id: str
    label: str
    invite_code: str
    response_id: str
    response_token: str
    action_id: str
    coordinator_id: str = ""
    token_id: str = ""
    personal_token: str = ""

    def secrets(self) -> list[str]:
        return [
            self.name, self.label, self.invite_code, self.org_token, self.response_token,
            f"{self.name}: agreed action",
            *([self.personal_token] if self.personal_token else []),
        ]  # fmt: skip


def _side(api: Api, name: str) -> Side:
    org = api.register(name)
    closed = _closed_round(api, org, {"staff": [ANSWERS_FULL] * 3}, f"{name} closed")
    action = api.client.post(
        f"/api/rounds/{closed.id}/actions",
        json={"instrument": "mini", "dimensions": ["rules"], "title": f"{name}: agreed action",
              "owner_role": "hr"},
        headers=org.auth,
    )  # fmt: skip
    assert action.status_code == 201, action.text
    round_ = api.open_round(org, f"{name} open")
    respondent = api.start(round_)
    api.answer(respondent, {"rules.guideline": "most"})
    return Side(
        org.id,
        org.token,
        name,
        round_.id,
        closed.id,
        f"{name} open",
        round_.invite_code,
        respondent.id,
        respondent.token,
        action.json()["id"],
    )


ID_PARAMETERS = {
    "org_id": "org_id",
    "organisation_id": "org_id",
    "round_id": "round_id",
    "response_id": "response_id",
    "coordinator_id": "coordinator_id",
    "token_id": "token_id",
    "action_id": "action_id",
}
PUBLIC_IDS = {"instrument_id"}


def _targets(app, victim: Side) -> list[tuple[str, str]]:
    """(method, path) of every route that takes an id, filled in with the victim's ids."""
    found = []
    for route in app.routes:
        names = re.findall(r"{(\w+)(?::\w+)?}", route.path)
        unknown = [n for n in names if n.endswith("_id") and n not in {*ID_PARAMETERS, *PUBLIC_IDS}]
        assert not unknown, f"{route.path}: teach this test the id parameter(s) {unknown}"
        if not any(n in ID_PARAMETERS for n in names):
            continue
        for round_id in {victim.round_id, victim.closed_round_id}:
            values = {
                "org_id": victim.org_id,
                "round_id": round_id,
                "response_id": victim.response_id,
                "coordinator_id": victim.coordinator_id,
                "token_id": victim.token_id,
                "action_id": victim.action_id,
            }
            path = re.sub(
                r"{(\w+)(?::\w+)?}",
                lambda m: values[ID_PARAMETERS[m.group(1)]] if m.group(1) in ID_PARAMETERS else "0",
                route.path,
            )
            for method in sorted(getattr(route, "methods", ())):
                if method not in ("OPTIONS", "HEAD"):
                    found.append((method, path))
    return sorted(set(found))


@pytest.fixture
def browsers(attack_world) -> Iterator[Callable[[], TestClient]]:
    """Browser-like clients on the attack world's app, each with its own cookies."""
    with contextlib.ExitStack() as stack:
        yield lambda: stack.enter_context(
            TestClient(attack_world[0], base_url="http://testserver.local")
        )


def _csrf(client: TestClient) -> str:
    page = client.get("/login")
    found = CSRF.search(page.text)
    assert found
    return found.group(1)


def _snapshot(db_url: str, side: Side) -> tuple:
    database = Database(db_url)
    with database.session() as s:
        rounds = s.execute(
            select(Round.id, Round.status, Round.label, Round.closed_at)
            .where(Round.organisation_id == side.org_id)
            .order_by(Round.id)
        ).all()
        response = s.get(Response, side.response_id)
        answers = s.execute(
            select(Answer.item_id, Answer.option_value).where(
                Answer.response_id == side.response_id
            )
        ).all()
        count = s.scalar(select(func.count()).select_from(Response))
        team = s.execute(
            select(Coordinator.email, AccountToken.token_hash, AccountToken.revoked_at)
            .join(AccountToken, AccountToken.coordinator_id == Coordinator.id, isouter=True)
            .where(Coordinator.organisation_id == side.org_id)
        ).all()
        actions = s.execute(
            select(Action.id, Action.title, Action.status, Action.updated_at)
            .where(Action.organisation_id == side.org_id)
            .order_by(Action.id)
        ).all()
        snapshot = (
            tuple(rounds),
            response.status,
            response.last_page,
            tuple(answers),
            count,
            tuple(team),
            tuple(actions),
        )
    database.dispose()
    return snapshot


@pytest.fixture
def attack_world(client, database):
    api = Api(client)
    victim, attacker = _side(api, "Gemeente Slachtoffer"), _side(api, "Gemeente Aanvaller")
    with database.session() as s:
        users.create_user(s, "office", PASSWORD)
        office_token = users.create_api_token(s, "office")
        accounts = [
            Coordinator(organisation_id=side.org_id, email=f"{kind}@example.org",
                        password_hash=hash_password(PASSWORD))
            for kind, side in (("victim", victim), ("attacker", attacker))
        ]  # fmt: skip
        s.add_all(accounts)
        s.flush()
        issued = [personal_tokens.create(s, account, "script") for account in accounts]
        victim, attacker = (
            dataclasses.replace(
                side, coordinator_id=account.id, token_id=made.row.id, personal_token=made.token
            )
            for side, account, made in zip((victim, attacker), accounts, issued, strict=True)
        )
    return client.app, victim, attacker, office_token


def _credentials(browser, attacker: Side, victim: Side, office_token: str) -> dict:
    """Credential name -> (client, headers). Each browser client holds its own cookies."""
    coordinator = browser()
    assert coordinator.get(f"/c/{attacker.org_token}", follow_redirects=False).status_code in (
        302,
        303,
    )
    assert coordinator.get(f"/organisations/{attacker.org_id}").status_code == 200
    office = browser()
    login = office.post(
        "/login",
        data={"username": "office", "password": PASSWORD, "_csrf_token": _csrf(office)},
        follow_redirects=False,
    )
    assert login.status_code in (302, 303), login.text[:300]
    assert office.get("/office").status_code == 200
    account = browser()
    signed_in = account.post(
        "/coordinators/sign-in",
        data={"email": "attacker@example.org", "password": PASSWORD, "_csrf_token": _csrf(account)},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303, signed_in.text[:300]
    assert account.get(f"/organisations/{attacker.org_id}/coordinators").status_code == 200
    respondent = browser()
    assert respondent.get(f"/r/{attacker.response_token}", follow_redirects=False).status_code in (
        302,
        303,
    )
    assert respondent.cookies.get("smb_resume") == attacker.response_token
    # the victim's own coordinator session must not open the API either (cookies never do)
    own_session = browser()
    own_session.get(f"/c/{victim.org_token}", follow_redirects=False)
    anonymous = browser()
    return {
        "coordinator token": (anonymous, bearer(attacker.org_token)),
        "personal API token": (anonymous, bearer(attacker.personal_token)),
        "respondent token": (anonymous, bearer(attacker.response_token)),
        "office API token": (anonymous, bearer(office_token)),
        "coordinator session": (coordinator, {}),
        "coordinator account session": (account, {}),
        "office session": (office, {}),
        "respondent resume cookie": (respondent, {}),
        "victim's session on the API": (own_session, {}),
        "nothing": (anonymous, {}),
    }


def test_no_credential_reaches_another_organisations_objects(attack_world, browsers, db_url):
    app, victim, attacker, office_token = attack_world
    targets = _targets(app, victim)
    assert len(targets) >= 20  # API and pages, open and closed round
    credentials = _credentials(browsers, attacker, victim, office_token)
    before = _snapshot(db_url, victim)
    tried = 0
    for name, (client, headers) in credentials.items():
        csrf = _csrf(client)
        for method, path in targets:
            api = path.startswith("/api")
            if name == "victim's session on the API" and not api:
                continue
            if api:
                kwargs = {"json": {"answers": {"rules.guideline": "none"}, "label": "x",
                                   "instruments": ["mini"], "instrument": "mini",
                                   "dimensions": ["rules"], "title": "x",
                                   "owner_role": "hr", "invitations": [
                                       {"email": "x@example.org", "role": "staff"}]}}  # fmt: skip
            else:
                kwargs = {"data": {"_csrf_token": csrf, "label": "x", "instruments": "mini",
                                   "dimensions": "mini/rules", "title": "x", "owner_role": "hr",
                                   "status": "dropped"}}  # fmt: skip
            response = client.request(
                method, path, headers=headers, follow_redirects=False, **kwargs
            )
            tried += 1
            what = (name, method, path, response.status_code, response.text[:300])
            assert response.status_code in (302, 303, 401, 404, 405), what
            if response.status_code in (302, 303):
                location = response.headers["location"]
                assert not any(i in location for i in (victim.org_id, victim.round_id)), what
            for secret in victim.secrets():
                assert secret not in response.text, what
    assert tried >= 9 * len(targets)
    assert _snapshot(db_url, victim) == before
    # the same requests with the victim's own credentials do reach the objects
    owner = browsers()
    owner.get(f"/c/{victim.org_token}", follow_redirects=False)
    for path in (
        f"/organisations/{victim.org_id}",
        f"/rounds/{victim.round_id}",
        f"/rounds/{victim.closed_round_id}/results",
    ):
        assert owner.get(path).status_code == 200, path
    account = browsers()
    account.post(
        "/coordinators/sign-in",
        data={"email": "victim@example.org", "password": PASSWORD, "_csrf_token": _csrf(account)},
    )
    assert account.get(f"/organisations/{victim.org_id}/coordinators").status_code == 200
    for path in (
        f"/api/rounds/{victim.closed_round_id}/scores",
        f"/api/organisations/{victim.org_id}",
    ):
        assert owner.get(path, headers=bearer(victim.org_token)).status_code == 200, path
        assert owner.get(path, headers=bearer(victim.personal_token)).status_code == 200, path


OFFICE_PREFIXES = ("/api/exports", "/api/benchmarks", "/office")


def _office_routes(app) -> list[str]:
    """Every GET route of the integrity office's exports, benchmarks and reports."""
    return sorted(
        route.path
        for route in app.routes
        if route.path.startswith(OFFICE_PREFIXES)
        and "{" not in route.path
        and "GET" in getattr(route, "methods", ())
    )


def test_exports_and_sector_views_name_only_organisations_that_share(
    attack_world, browsers, client
):
    """The office's exports and reports name the organisations that chose to share and
    no other; no coordinator or respondent credential opens them at all."""
    app, victim, attacker, office_token = attack_world
    api = Api(client)
    sharer = api.register("Gemeente Deelt", share_with_integrity_office=True)
    _closed_round(api, sharer, {"staff": [ANSWERS_SOME] * 3}, "shared round")
    routes = _office_routes(app)
    assert "/api/exports/scores" in routes
    credentials = _credentials(browsers, attacker, victim, office_token)
    office_kinds = {"office API token", "office session"}
    exported = ""
    for name, (browser, headers) in credentials.items():
        for path in routes:
            api_route = path.startswith("/api")
            if name == "office session" and api_route:
                continue  # cookies never count on the API (checked below)
            if name == "office API token" and not api_route:
                continue  # bearer tokens are for the API
            response = browser.get(path, headers=headers, follow_redirects=False)
            what = (name, path, response.status_code, response.text[:300])
            if name in office_kinds:
                assert response.status_code < 500, what
                for secret in (*victim.secrets(), victim.org_id, attacker.name, attacker.org_id):
                    assert secret not in response.text, what
                if path == "/api/exports/scores":
                    assert response.status_code == 200, what
                    exported = response.text
            else:
                assert response.status_code in (302, 303, 401), what
    office_browser, _ = credentials["office session"]
    assert office_browser.get("/api/exports/scores").status_code == 401
    assert "Gemeente Deelt" in exported  # the export is not empty: the sharer is named


# --- guessing past the rate limit -------------------------------------------------------------


LIMIT = 5


def _guess() -> str:
    return secrets.token_urlsafe(20)


@pytest.fixture
def guessing(make_client, store_backend, database, clock):
    client = make_client(rate_limit_per_minute=LIMIT, **store_backend)
    clock.next_window()
    api = Api(client)
    org = api.register()  # (registration has its own limit)
    round_ = api.open_round(org)  # 1
    respondent = api.start(round_)  # 2
    with database.session() as s:
        users.create_user(s, "office", PASSWORD)
    clock.next_window()
    return client, org, round_, respondent


def _guess_then_try(client, clock, guess, right, *, wrong: set[int], ok: set[int]) -> None:
    for n in range(LIMIT):
        response = guess()
        assert response.status_code in wrong, (n, response.status_code, response.text[:200])
    refused = guess()
    assert refused.status_code == 429
    retry = int(refused.headers["retry-after"])
    assert 1 <= retry <= 60
    # the right code or token is refused as well while the window lasts
    for _ in range(3):
        assert right().status_code == 429
    clock.next_window(retry + 1)
    assert right().status_code in ok
    clock.next_window()


def test_guessing_invitation_codes_past_the_limit(guessing, clock):
    client, _, round_, _ = guessing
    _guess_then_try(
        client,
        clock,
        lambda: client.post(f"/api/invites/{_guess()}/responses", json={"role": "staff"}),
        lambda: client.post(f"/api/invites/{round_.invite_code}/responses", json={"role": "staff"}),
        wrong={404},
        ok={201},
    )
    _guess_then_try(  # the invitation page of the browser counts the same way
        client,
        clock,
        lambda: client.get(f"/i/{_guess()}"),
        lambda: client.get(f"/i/{round_.invite_code}"),
        wrong={404},
        ok={200},
    )


def test_guessing_respondent_tokens_and_resume_links_past_the_limit(guessing, clock):
    client, _, _, respondent = guessing
    path = f"/api/responses/{respondent.id}"
    _guess_then_try(
        client,
        clock,
        lambda: client.get(path, headers=bearer(_guess())),
        lambda: client.get(path, headers=respondent.auth),
        wrong={401},
        ok={200},
    )
    _guess_then_try(
        client,
        clock,
        lambda: client.get(f"/r/{_guess()}", follow_redirects=False),
        lambda: client.get(f"/r/{respondent.token}", follow_redirects=False),
        wrong={404},
        ok={302, 303},
    )


def test_guessing_coordinator_tokens_and_passwords_past_the_limit(guessing, clock):
    client, org, round_, _ = guessing
    _guess_then_try(
        client,
        clock,
        lambda: client.get(f"/api/rounds/{round_.id}", headers=bearer(_guess())),
        lambda: client.get(f"/api/rounds/{round_.id}", headers=org.auth),
        wrong={401},
        ok={200},
    )
    _guess_then_try(
        client,
        clock,
        lambda: client.get(f"/c/{_guess()}", follow_redirects=False),
        lambda: client.get(f"/c/{org.token}", follow_redirects=False),
        wrong={404},
        ok={302, 303},
    )
    csrf = _csrf(client)

    def login(password: str):
        return client.post(
            "/login",
            data={"username": "office", "password": password, "_csrf_token": csrf},
            follow_redirects=False,
        )

    # Passwords count against the rate limit like tokens; the fifth wrong one also locks
    # the account and says so (429, per-account lockout, test_login_security.py), so after
    # the rate-limit window the right password is still refused as locked until the lock
    # ends (a lock runs on the real clock, which this test does not move).
    _guess_then_try(
        client, clock, lambda: login(_guess()), lambda: login(PASSWORD), wrong={401, 429}, ok={429}
    )


def test_guesses_on_different_endpoints_share_one_budget(guessing, clock):
    client, _, round_, respondent = guessing
    guesses = [
        lambda: client.post(f"/api/invites/{_guess()}/responses", json={"role": "staff"}),
        lambda: client.get(f"/api/responses/{respondent.id}", headers=bearer(_guess())),
        lambda: client.get(f"/api/rounds/{round_.id}", headers=bearer(_guess())),
        lambda: client.get(f"/c/{_guess()}", follow_redirects=False),
        lambda: client.get(f"/r/{_guess()}", follow_redirects=False),
    ]
    assert [g().status_code for g in guesses] == [404, 401, 401, 404, 404]
    for guess in guesses:
        assert guess().status_code == 429

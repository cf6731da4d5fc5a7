"""Bad input over the wire: Schemathesis against the schema a real server serves.

``test_api_fuzz.py`` (in process) proves that no generated input causes a 5xx. This
extends it to the served app (``python -m cli serve`` on a loopback port, the
schema fetched from ``/schema/openapi.json``) and to what comes back: every answer
must conform to the schema (a declared status code, the declared content type, a
body that validates against the declared response schema). Real ids and tokens come
from the same world as the in-process test, so that input reaches the handlers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as CHECKS_REGISTRY
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from bench.loadgen import Server
from tests.integration.conftest import ANSWERS_FULL

CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]
EXAMPLES = 12

pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def served(db_url: str, tmp_path: Path) -> Iterator[Server]:
    server = Server(
        db_url,
        data_dir=tmp_path / "data",
        settings={"RATE_LIMIT_PER_MINUTE": "1000000", "REGISTRATION_LIMIT_PER_HOUR": "1000"},
    )
    try:
        yield server.start()
    finally:
        server.stop()


def _world(base_url: str) -> dict[str, str]:
    """An organisation with an open and a closed round, and a started response."""
    with httpx.Client(base_url=base_url, timeout=30) as client:

        def ok(response: httpx.Response) -> dict:
            assert response.status_code in (200, 201), response.text
            return response.json()

        org = ok(
            client.post(
                "/api/organisations",
                json={"name": "Fuzz", "sector": "police", "size_band": "1-49", "country": "NL"},
            )
        )
        auth = {"Authorization": f"Bearer {org['coordinator_token']}"}
        items = ok(client.get("/api/instruments/sm-maturity"))["items"]
        item = next(i for i in items if not i["roles"] or "hr" in i["roles"])
        answers = {item["id"]: item["options"][0]["value"]}
        rounds = []
        for label in ("Open", "Closed"):
            rounds.append(
                ok(
                    client.post(
                        f"/api/organisations/{org['id']}/rounds",
                        json={"label": label, "instruments": ["sm-maturity"]},
                        headers=auth,
                    )
                )
            )
        closed = rounds[1]
        for _ in range(3):
            started = ok(
                client.post(f"/api/invites/{closed['invite_code']}/responses", json={"role": "hr"})
            )
            bearer = {"Authorization": f"Bearer {started['token']}"}
            ok(client.put(f"/api/responses/{started['id']}/answers",
                          json={"answers": answers}, headers=bearer))  # fmt: skip
            ok(client.post(f"/api/responses/{started['id']}/submit", headers=bearer))
        ok(client.post(f"/api/rounds/{closed['id']}/close", headers=auth))
        respondent = ok(
            client.post(f"/api/invites/{rounds[0]['invite_code']}/responses", json={"role": "it"})
        )
    assert ANSWERS_FULL  # (the in-process world uses the mini instrument instead)
    return {
        "org_id": org["id"],
        "org_token": org["coordinator_token"],
        "round_id": rounds[0]["id"],
        "closed_round_id": closed["id"],
        "invite_code": rounds[0]["invite_code"],
        "response_id": respondent["id"],
        "response_token": respondent["token"],
        "instrument_id": "sm-maturity",
    }


def _with_real_ids(case, ids: dict[str, str]) -> str:
    """Put real ids into the path; return the token that the operation takes."""
    path_parameters = dict(case.path_parameters or {})
    for name in path_parameters:
        if name == "round_id" and (case.path.endswith("/scores") or "/actions" in case.path):
            path_parameters[name] = ids["closed_round_id"]
        elif name in ids:
            path_parameters[name] = ids[name]
    case.path_parameters = path_parameters
    return ids["response_token"] if "response_id" in path_parameters else ids["org_token"]


FRAMING_HEADERS = ("content-length", "transfer-encoding")


def _without_framing_headers(case) -> None:
    """Drop generated framing headers: the HTTP client sets them from the body, and the
    HTTP server (uvicorn) answers a malformed one with its own plain-text 400 before any
    request reaches the app, so they test the server's HTTP parser, not the API."""
    if case.headers:
        case.headers = {
            name: value
            for name, value in case.headers.items()
            if name.lower() not in FRAMING_HEADERS
        }


def _run(served: Server, mode: GenerationMode, checks: list) -> list[str]:
    """Every operation's failures (each operation runs to its end, then all are reported)."""
    ids = _world(served.base_url)
    schema = schemathesis.openapi.from_url(served.base_url + "/schema/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    if mode is GenerationMode.NEGATIVE:
        operations = [op for op in operations if len(op.query) or len(op.body)]
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            _without_framing_headers(case)
            token = _with_real_ids(case, ids)
            response = case.call(
                base_url=served.base_url, headers={"Authorization": f"Bearer {token}"}
            )
            case.validate_response(response, checks=checks)

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # every operation runs, then all fail
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    return failures


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_error_and_every_body_conforms_to_the_served_schema(served, mode):
    failures = _run(served, mode, CHECKS)
    assert not failures, "\n\n".join(failures)


def test_every_status_code_is_documented_in_the_served_schema(served):
    failures = _run(served, GenerationMode.NEGATIVE, [status_code_conformance])
    assert not failures, "\n\n".join(failures)


# Every check of ``schemathesis run --checks all`` but one: positive_data_acceptance
# expects every schema-valid body to be accepted, and the schema does not (yet) say that
# names and labels need a visible character, that sector, size band, country and
# instruments come from the vocabulary endpoints, or which item ids a role answers, so
# it reports the clear 422 answers to those bodies (see docs/asvs.md, V2/V4 notes).
ALL_CHECKS = [c for c in CHECKS_REGISTRY.get_all() if c.__name__ != "positive_data_acceptance"]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_every_schemathesis_check_passes_against_the_served_schema(served, mode):
    """What ``schemathesis run --checks all`` checks, bounded to a few examples each:
    no server error, declared status codes, content types, headers and bodies,
    rejection of schema-invalid input, no ignored authentication, no use after free."""
    assert len(ALL_CHECKS) == len(CHECKS_REGISTRY.get_all()) - 1
    failures = _run(served, mode, ALL_CHECKS)
    assert not failures, "\n\n".join(failures)

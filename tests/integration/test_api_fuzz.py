"""Property-based: whatever a client sends, the API never answers with a server error.

Schemathesis generates requests from the app's own OpenAPI schema, both fitting it
(positive) and breaking it (negative: wrong types, missing fields, bad query
values). Path ids and credentials are real ones, so that the generated input
reaches the handlers instead of stopping at 401 or 404.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from litestar.testing import TestClient
from schemathesis import GenerationMode

from tests.integration.conftest import ANSWERS_FULL, Api


def _world(client: TestClient) -> dict[str, str]:
    api = Api(client)
    org = api.register()
    open_round = api.open_round(org)
    closable_round = api.open_round(org, "To close")
    closed_round = api.open_round(org, "Closed")
    api.respond(closed_round, ANSWERS_FULL)
    api.close(closed_round)
    respondent = api.start(open_round)
    api.answer(respondent, {"rules.guideline": "some"})
    submitter = api.start(open_round, role="hr")
    return {
        "org_id": org.id,
        "org_token": org.token,
        "round_id": open_round.id,
        "closed_round_id": closed_round.id,
        "closable_round_id": closable_round.id,
        "invite_code": open_round.invite_code,
        "response_id": respondent.id,
        "response_token": respondent.token,
        "submit_response_id": submitter.id,
        "submit_response_token": submitter.token,
        "instrument_id": "mini",
    }


def _with_real_ids(case, ids: dict[str, str]) -> str:
    """Put real ids into the path; return the token that the operation takes."""
    path_parameters = dict(case.path_parameters or {})
    for name in path_parameters:
        if name == "round_id" and case.path.endswith("/scores"):
            path_parameters[name] = ids["closed_round_id"]
        elif name == "round_id" and case.path.endswith("/close"):
            path_parameters[name] = ids["closable_round_id"]
        elif name in ids:
            path_parameters[name] = ids[name]
    if "response_id" in path_parameters and case.path.endswith("/submit"):
        path_parameters["response_id"] = ids["submit_response_id"]
        case.path_parameters = path_parameters
        return ids["submit_response_token"]
    case.path_parameters = path_parameters
    return ids["response_token"] if "response_id" in path_parameters else ids["org_token"]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_error_for_any_input(make_app, mode):
    app = make_app()
    with TestClient(app) as client:
        ids = _world(client)
    schema = schemathesis.openapi.from_asgi("/schema/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    if mode is GenerationMode.NEGATIVE:  # only input that can be broken
        operations = [op for op in operations if len(op.query) or len(op.body)]
        assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=20,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            token = _with_real_ids(case, ids)
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            assert response.status_code < 500, (
                case.method,
                case.formatted_path,
                case.body,
                case.query,
                response.text,
            )

        check()

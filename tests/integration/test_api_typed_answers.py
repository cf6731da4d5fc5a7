"""Typed API answers: the scores and benchmark answers are msgspec structs whose JSON is
byte for byte what the services' plain data encodes to, on a schema-1 and a schema-2
round (one with a previous round), in English and Dutch; and the served OpenAPI schema
names every field the answers carry, with its type."""

from __future__ import annotations

from typing import Any, get_args

import msgspec
import pytest

from analytics import service
from analytics.benchmark import BAND_COLUMNS
from instruments.library import load_library
from survey.disclosure import rules
from survey.models import Round
from survey.scoring import FINDINGS, QUADRANTS
from survey.services import results, rounds, users
from tests import factories
from tests.integration.conftest import bearer
from tests.scoring_v2 import MINI_V2
from web.controllers.api.schemas import Finding
from web.controllers.api.scores_out import Quadrant

MINI_V1 = MINI_V2.parent / "mini.yaml"
GROUPS = (("management", 3, 4), ("staff", 3, 2), ("communications", 1, 5))


@pytest.fixture(params=[MINI_V1, MINI_V2], ids=["scheme-1", "scheme-2"])
def lib(request):
    return load_library([request.param])


def _answers(lib, role: str, rung: int) -> dict[str, str]:
    (instrument,) = lib.latest_versions()
    return {
        item.id: item.scored_options[min(rung, len(item.scored_options)) - 1].value
        for item in instrument.items_for(role)
    }


def _closed_round(database, lib, organisation, label: str) -> str:
    opened = factories.open_round(database, organisation, lib, label=label)
    for role, count, rung in GROUPS:
        for _ in range(count):
            factories.respond(
                database, opened.invite_code, lib, _answers(lib, role, rung), role=role
            )
    with database.session() as s:
        rounds.close_round(s, s.get(Round, opened.round.id), lib)
    return opened.round.id


@pytest.fixture
def two_rounds(database, lib):
    """An organisation with two closed rounds (the second compares with the first) and
    four peers, so that the benchmark shows figures."""
    for n in range(4):
        peer = factories.organisation(database, name=f"Peer {n}")
        _closed_round(database, lib, peer.organisation, "2026")
    own = factories.organisation(database)
    ids = [_closed_round(database, lib, own.organisation, label) for label in ("2025", "2026")]
    return own.coordinator_token, ids


def _body(client, path: str, token: str, **params: Any) -> bytes:
    response = client.get(path, params=params, headers=bearer(token))
    assert response.status_code == 200, response.text
    return response.content


def _round_benchmark(found: service.RoundBenchmark) -> dict[str, Any]:
    """The answer's shape as plain data, written out field by field."""
    return {
        "peer_group": found.peer_group,
        "peer_count": found.peer_count,
        "suppressed": found.suppressed,
        "suppression": found.suppression,
        "explanation": rules.explanations(found.suppression),
        "synthetic": found.synthetic,
        "dimensions": [
            {
                "instrument": row["instrument_id"],
                "instrument_version": row["instrument_version"],
                "dimension": row["dimension_id"],
                "score": row["score"],
                "score_suppressed": row["score_suppressed"],
                "score_suppression": rules.FEW_RESPONDENTS if row["score_suppressed"] else None,
                **{name: row[name] for name in BAND_COLUMNS},
                "position": row["position"],
                "percentile": row["percentile"],
                "peer_count": row["peer_count"],
                "known": row["known"],
                "unknown": row["unknown"],
                "form": row["form"],
                "suppressed": row["suppressed"],
                "suppression": row["suppression"],
                "explanation": rules.explanations(row["suppression"]),
            }
            for row in found.dimensions.iter_rows(named=True)
        ],
    }


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_scores_are_the_services_data_byte_for_byte(client, database, lib, two_rounds, lang):
    token, ids = two_rounds
    for round_id in ids:
        with database.session() as s:
            expected = results.round_scores(s, s.get(Round, round_id), lib, lang)
        body = _body(client, f"/api/rounds/{round_id}/scores", token, lang=lang)
        assert body == msgspec.json.encode(expected)
    assert [p["reason"] for p in expected["previous"]] == [None]
    assert expected["previous"][0]["dimensions"]


def test_benchmarks_are_the_services_data_byte_for_byte(client, database, lib, two_rounds):
    token, ids = two_rounds
    with database.session() as s:
        round_ = s.get(Round, ids[1])
        found = service.round_benchmark(
            s, round_, "sector", library=lib, cache=service.BenchmarkCache()
        )
        office = users.create_api_token(s, "bios")
    body = _body(client, f"/api/rounds/{ids[1]}/benchmark", token, peers="sector")
    assert body == msgspec.json.encode(_round_benchmark(found))
    assert any(d["median_low"] is not None for d in _round_benchmark(found)["dimensions"])

    (instrument,) = lib.latest_versions()
    with database.session() as s:
        statistics = service.office_statistics(
            s,
            instrument_id=instrument.id,
            instrument_version=instrument.version,
            by="sector",
            cache=service.BenchmarkCache(),
        )
    expected = {
        "instrument": instrument.id,
        "version": instrument.version,
        "by": "sector",
        "filters": dict.fromkeys(("sector", "size_band", "country", "year", "synthetic")),
        "groups": service.office_groups(statistics),
    }
    assert expected["groups"]
    assert _body(client, "/api/benchmarks", office, instrument=instrument.id) == (
        msgspec.json.encode(expected)
    )


def _resolve(schema: dict[str, Any], components: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return _resolve(components[schema["$ref"].rsplit("/", 1)[1]], components)
    return schema


JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}


def _mismatches(value: Any, schema: dict[str, Any], components: dict[str, Any], at: str) -> list:
    """The places of ``value`` (an answer) that ``schema`` does not describe: a field it
    does not name, a required field not sent, a value of another type or not listed."""
    schema = _resolve(schema, components)
    if "oneOf" in schema:
        found = [_mismatches(value, one, components, at) for one in schema["oneOf"]]
        return min(found, key=len)
    if isinstance(value, dict):
        named = schema.get("properties")
        values = schema.get("additionalProperties")
        if named is None and not isinstance(values, dict):
            return [f"{at}: an object without properties"]
        missing = []
        for key, item in value.items():
            if named is not None and key not in named:
                missing.append(f"{at}.{key}: not in the schema")
            else:
                below = named[key] if named is not None else values
                missing += _mismatches(item, below, components, f"{at}.{key}")
        required = schema.get("required", [])
        return missing + [f"{at}.{key}: not sent" for key in required if key not in value]
    if isinstance(value, list):
        if schema.get("type") != "array":
            return [f"{at}: a list, not {schema.get('type')}"]
        return [
            m
            for n, v in enumerate(value)
            for m in _mismatches(v, schema["items"], components, f"{at}[{n}]")
        ]
    kind = JSON_TYPES[type(value)]
    allowed = schema.get("type")
    allowed = allowed if isinstance(allowed, list) else [allowed]
    if kind not in allowed and not (kind == "integer" and "number" in allowed):
        return [f"{at}: {kind}, not {allowed}"]
    if value not in schema.get("enum", [value]) or schema.get("const", value) != value:
        return [f"{at}: {value!r} not listed"]
    return []


def test_the_openapi_schema_lists_every_field(client, database, lib, two_rounds):
    token, ids = two_rounds
    with database.session() as s:
        office = users.create_api_token(s, "bios")
    (instrument,) = lib.latest_versions()
    spec = client.get("/schema/openapi.json").json()
    components = spec["components"]["schemas"]
    answers = {
        "/api/rounds/{round_id}/scores": _body(client, f"/api/rounds/{ids[1]}/scores", token),
        "/api/rounds/{round_id}/benchmark": _body(
            client, f"/api/rounds/{ids[1]}/benchmark", token, peers="sector"
        ),
        "/api/benchmarks": _body(client, "/api/benchmarks", office, instrument=instrument.id),
    }
    for path, body in answers.items():
        ok = spec["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        schema = _resolve(ok["schema"], components)
        assert schema.get("properties"), path
        assert _mismatches(msgspec.json.decode(body), schema, components, path) == []


def test_the_answers_list_the_scorings_codes():
    assert get_args(Quadrant) == QUADRANTS
    assert get_args(Finding) == FINDINGS

"""Health, the instrument library, vocabularies and the OpenAPI schema over HTTP."""

from __future__ import annotations

from bootstrap import build_root
from instruments import default_library, vocabularies
from web.app import create_app
from web.settings import WebSettings


def test_health_checks_the_database(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_health_reports_an_unreachable_database(make_client):
    client = make_client(database_url="postgresql://postgres@127.0.0.1:1/nowhere")
    response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["detail"] == "database unavailable"


def test_instrument_list(client):
    response = client.get("/api/instruments")
    assert response.status_code == 200
    assert response.json() == [
        {
            "id": "mini",
            "version": "1.0",
            "title": "Mini instrument",
            "description": "A small instrument for tests",
            "item_count": 4,
            "dimensions": [
                {"id": "rules", "title": "Rules"},
                {"id": "culture", "title": "Culture"},
            ],
        }
    ]


def test_instrument_list_in_dutch(client):
    body = client.get("/api/instruments", params={"lang": "nl"}).json()
    assert body[0]["title"] == "Mini-instrument"
    assert body[0]["dimensions"][0]["title"] == "Regels"


def test_instrument_detail(client):
    response = client.get("/api/instruments/mini")
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["version"], body["title"]) == ("mini", "1.0", "Mini instrument")
    assert body["dimensions"][0]["id"] == "rules"
    assert body["dimensions"][0]["levels"] == [
        "No rules",
        "Some rules",
        "Written rules",
        "Known rules",
        "Lived rules",
    ]
    item = body["items"][0]
    assert item["id"] == "rules.guideline"
    assert item["dimension"] == "rules"
    assert item["text"] == "There is a written guideline."
    assert item["weight"] == 2.0
    assert item["tag"] == "control"
    assert item["recommendation"] == "Write the guideline."
    assert item["dialogue_question"] == "What should it say?"
    assert item["sources"] == [
        {"file": "000_f1f3bb7e15731050.txt", "section": "Frame 3, element 1"}
    ]
    assert item["uses"] == []
    options = {o["value"]: o for o in item["options"]}
    assert options["none"] == {
        "value": "none",
        "label": "Not at all",
        "score": 0.0,
        "kind": "scored",
    }
    assert options["full"]["score"] == 100.0
    assert options["dont_know"] == {
        "value": "dont_know",
        "label": "Don't know",
        "score": None,
        "kind": "dont_know",
    }
    assert options["not_applicable"]["kind"] == "not_applicable"
    assert options["not_applicable"]["score"] is None
    assert [o["value"] for o in item["options"]] == [
        "none",
        "some",
        "most",
        "full",
        "dont_know",
        "not_applicable",
    ]


def test_instrument_detail_in_dutch_and_by_version(client):
    body = client.get("/api/instruments/mini", params={"lang": "nl", "version": "1.0"}).json()
    assert body["items"][0]["text"] == "Er is een geschreven richtlijn."
    assert body["items"][0]["options"][4]["label"] == "Weet ik niet"
    assert body["dimensions"][1]["levels"][0] == "Stilte"


def test_unknown_instrument_or_version_is_404(client):
    for path, params in (
        ("/api/instruments/nope", {}),
        ("/api/instruments/mini", {"version": "9"}),
    ):
        response = client.get(path, params=params)
        assert response.status_code == 404
        assert "No instrument" in response.json()["detail"]


def test_unknown_language_is_400_naming_lang(client):
    for path in ("/api/instruments", "/api/instruments/mini", "/api/vocabularies"):
        response = client.get(path, params={"lang": "fr"})
        assert response.status_code == 400
        assert response.json()["field"] == "lang"
        assert "lang" in response.json()["detail"]


def test_vocabularies(client):
    response = client.get("/api/vocabularies")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"sectors", "size_bands", "roles", "countries"}
    assert {"id": "municipalities", "label": "Municipalities"} in body["sectors"]
    assert {"id": "staff", "label": "Staff member"} in body["roles"]
    assert {"id": "NL", "label": "Netherlands"} in body["countries"]
    assert [e["id"] for e in body["size_bands"]] == vocabularies().size_bands.ids()
    dutch = client.get("/api/vocabularies", params={"lang": "nl"}).json()
    assert {"id": "municipalities", "label": "Gemeenten"} in dutch["sectors"]
    assert {"id": "NL", "label": "Nederland"} in dutch["countries"]


def test_the_shipped_instruments_are_served(db_url, tmp_path):
    """The app without a library override serves every shipped instrument."""
    from litestar.testing import TestClient

    settings = WebSettings(database_url=db_url, data_dir=tmp_path, secret_key="s")
    with TestClient(create_app(build_root(settings))) as client:
        served = client.get("/api/instruments").json()
        assert [(i["id"], i["version"]) for i in served] == [
            (i.id, i.version) for i in default_library().latest_versions()
        ]
        for instrument in default_library().latest_versions():
            for lang in ("en", "nl"):
                body = client.get(f"/api/instruments/{instrument.id}", params={"lang": lang})
                assert body.status_code == 200
                assert len(body.json()["items"]) == len(instrument.items)


def test_openapi_schema_documents_every_api_path(client):
    response = client.get("/schema/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path, method in [
        ("/health", "get"),
        ("/api/instruments", "get"),
        ("/api/instruments/{instrument_id}", "get"),
        ("/api/vocabularies", "get"),
        ("/api/organisations", "post"),
        ("/api/organisations/{org_id}", "get"),
        ("/api/organisations/{org_id}/rounds", "post"),
        ("/api/organisations/{org_id}/rounds", "get"),
        ("/api/rounds/{round_id}", "get"),
        ("/api/rounds/{round_id}/close", "post"),
        ("/api/rounds/{round_id}/scores", "get"),
        ("/api/rounds/{round_id}/actions", "get"),
        ("/api/rounds/{round_id}/actions", "post"),
        ("/api/rounds/{round_id}/actions/{action_id}", "patch"),
        ("/api/invites/{invite_code}/responses", "post"),
        ("/api/responses/{response_id}", "get"),
        ("/api/responses/{response_id}/answers", "put"),
        ("/api/responses/{response_id}/submit", "post"),
    ]:
        assert method in paths[path], (path, method)
    assert schema["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    assert paths["/api/rounds/{round_id}"]["get"]["security"] == [{"bearer": []}]
    registered = schema["components"]["schemas"]["Registered"]["properties"]
    assert {"id", "coordinator_token", "dashboard_url"} <= set(registered)


def test_schema_root_loads_no_documentation_ui(client):
    """The schema is served as JSON only: the documentation UIs fetch scripts from CDNs."""
    response = client.get("/schema")
    assert response.status_code == 200
    assert "json" in response.headers["content-type"]
    assert "<script" not in response.text

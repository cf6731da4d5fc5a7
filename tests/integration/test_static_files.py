"""The app's own stylesheets and scripts under ``/static``: served as they are on disk,
with validators for caching, and a missing file is a plain 404 that names no folder."""

from __future__ import annotations

import pytest

from web.templating import STATIC_DIR


@pytest.mark.parametrize("name", ["app.css", "charts.js", "favicon.svg"])
def test_a_static_file_is_served_as_on_disk(client, name):
    response = client.get(f"/static/{name}")
    assert response.status_code == 200
    assert response.content == (STATIC_DIR / name).read_bytes()
    assert response.headers["etag"] and response.headers["last-modified"]
    assert "cache-control" not in response.headers
    head = client.head(f"/static/{name}")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == response.headers["etag"]


@pytest.mark.parametrize("path", ["/static/no-such.css", "/static/", "/static/../pyproject.toml"])
def test_a_missing_static_file_names_no_folder(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert str(STATIC_DIR) not in response.text


def test_pages_link_the_static_files_by_the_routes_name(client):
    page = client.get("/")
    assert '<link rel="stylesheet" href="/static/app.css">' in page.text
    assert '<script src="/static/app.js" defer></script>' in page.text

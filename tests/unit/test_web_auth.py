"""Reading credentials from requests (web/auth.py), without a database."""

from __future__ import annotations

import pytest
from litestar.testing import RequestFactory

from web.auth import bearer_token


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("Bearer abc", "abc"),
        ("bearer   abc  ", "abc"),
        ("BEARER abc", "abc"),
        ("Basic eDp5", ""),
        ("Bearer", ""),
        ("Bearer ", ""),
        ("abc", ""),
        ("Bearer " + "x" * 201, ""),
    ],
)
def test_bearer_token(header, expected):
    headers = {"Authorization": header} if header is not None else {}
    request = RequestFactory().get("/api/x", headers=headers)
    assert bearer_token(request) == expected

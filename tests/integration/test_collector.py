"""What the app's start-up built is frozen out of the garbage collector while it runs
(``web/collector.py``), and handed back when it shuts down."""

from __future__ import annotations

import gc

from litestar.testing import TestClient


def test_start_up_objects_are_frozen_while_the_app_runs_and_thawed_after(make_app):
    with TestClient(make_app()) as client:
        assert gc.get_freeze_count() > 10_000
        assert client.get("/health").status_code == 200
    assert gc.get_freeze_count() == 0

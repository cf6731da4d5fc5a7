"""`make demo`: the featured demo organisation's benchmark shows figures."""

from __future__ import annotations

from sqlalchemy import select

from analytics import service
from survey.demo import FEATURED_NAME, create_demo
from survey.models import Organisation, Round
from survey.tokens import hash_token


def test_the_featured_demo_organisation_sees_peer_figures(database, library):
    with database.session() as s:
        summary = create_demo(s, library, organisations=24, seed=1)
    assert summary.featured_token and summary.featured_organisation_id
    with database.session() as s:
        featured = s.get(Organisation, summary.featured_organisation_id)
        assert featured is not None and featured.synthetic and featured.name == FEATURED_NAME
        assert featured.coordinator_token_hash == hash_token(summary.featured_token)
        latest = s.scalars(
            select(Round)
            .where(Round.organisation_id == featured.id)
            .order_by(Round.closed_at.desc())
        ).first()
        assert latest is not None
        for group in ("all", "sector"):
            found = service.round_benchmark(
                s, latest, group, library=library, cache=service.BenchmarkCache()
            )
            assert found.synthetic
            assert not found.suppressed, group
            shown = found.dimensions.filter(~found.dimensions["suppressed"])
            assert shown.height and shown["median_low"].null_count() == 0, group
            assert set(shown["position"].drop_nulls()) <= {"below", "in", "above"}

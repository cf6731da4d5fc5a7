"""Demo data, CSV export and import through the command line, on both databases."""

from __future__ import annotations

import io

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from cli import main
from instruments import default_library
from survey.demo import create_demo, remove_demo
from survey.models import Answer, DimensionResult, Organisation, Response, Round
from survey.services.organisations import register_organisation
from survey.transfer import ImportRejected, export_responses, import_responses


@pytest.fixture
def cli_env(db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    yield CliRunner()


def test_demo_creates_varied_synthetic_rounds_and_removes_them(database, cli_env):
    result = cli_env.invoke(main, ["demo", "--organisations", "6", "--seed", "3"])
    assert result.exit_code == 0, result.output
    with database.session() as s:
        orgs = s.scalars(select(Organisation)).all()
        assert len(orgs) == 6 and all(o.synthetic for o in orgs)
        assert len({o.sector for o in orgs}) == 6
        rounds = s.scalars(select(Round)).all()
        assert rounds and all(r.status == "closed" and r.closed_at for r in rounds)
        scores = s.scalars(
            select(DimensionResult.score).where(DimensionResult.score.is_not(None))
        ).all()
        assert max(scores) - min(scores) > 30, "organisations should differ in maturity"
        roles = s.scalars(select(Response.role).distinct()).all()
        assert len(roles) >= 4
    again = cli_env.invoke(main, ["demo", "--remove"])
    assert again.exit_code == 0 and "removed 6" in again.output
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Organisation)) == 0
        assert s.scalar(select(func.count()).select_from(Answer)) == 0


def test_export_then_import_gives_the_same_scores(database):
    library = default_library()
    with database.session() as s:
        create_demo(s, library, organisations=2, seed=5)
    with database.session() as s:
        round_ = s.scalars(select(Round).order_by(Round.closed_at.desc())).first()
        buffer = io.StringIO()
        rows = export_responses(s, buffer, round_id=round_.id)
        original = {
            (d.instrument_id, d.dimension_id): d.score
            for d in s.scalars(select(DimensionResult).where(DimensionResult.round_id == round_.id))
        }
        target = register_organisation(
            s, name="Import target", sector="police", size_band="5000+", country="NL"
        ).organisation
    assert rows > 100
    csv_text = (
        buffer.getvalue()
        .replace(round_.organisation_id, target.id)
        .replace(round_.id, "Imported round")
    )
    with database.session() as s:
        summary = import_responses(s, io.StringIO(csv_text), library)
        from survey.services.rounds import close_round

        imported = close_round(s, s.get(Round, summary.rounds[0]), library)
        assert imported.scheme == round_.scheme == 2
        copied = {
            (d.instrument_id, d.dimension_id): d.score
            for d in s.scalars(
                select(DimensionResult).where(DimensionResult.round_id == imported.id)
            )
        }
    assert copied == pytest.approx(original)


def test_import_reports_bad_rows_by_line_and_imports_nothing(database, cli_env, tmp_path):
    with database.session() as s:
        org = register_organisation(
            s, name="Gemeente CSV", sector="municipalities", size_band="50-249", country="NL"
        ).organisation
    lines = [
        "organisation,round,response,role,instrument,item,answer",
        f"{org.id},2026,r1,it,ctg-access,scope.employee-groups,dont_know",
        f"{org.id},2026,r1,it,ctg-access,no-such-item,dont_know",
        f"{org.id},2026,r2,pilot,ctg-access,scope.employee-groups,dont_know",
        f"{org.id},2026,r1,it,ctg-access,scope.employee-groups,dont_know",
        f"{org.id},2026,r3,staff,ctg-access,scope.employee-groups,dont_know",
    ]
    path = tmp_path / "answers.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli_env.invoke(main, ["import", str(path)])
    assert result.exit_code == 2
    assert "line 3: unknown item 'no-such-item'" in result.output
    assert "line 4: unknown role 'pilot'" in result.output
    assert "line 5: duplicate answer (first on line 2)" in result.output
    assert "line 6: item 'scope.employee-groups' is not asked of the role 'staff'" in result.output
    assert "nothing was imported" in result.output
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Response)) == 0
        assert s.scalar(select(func.count()).select_from(Round)) == 0


def test_import_refuses_a_file_without_the_columns(database):
    with database.session() as s, pytest.raises(ImportRejected) as info:
        import_responses(s, io.StringIO("a,b\n1,2\n"), default_library())
    assert "line 1: missing column(s)" in str(info.value)


def test_remove_demo_keeps_real_organisations(database):
    with database.session() as s:
        register_organisation(s, name="Echt", sector="police", size_band="5000+", country="NL")
        create_demo(s, default_library(), organisations=1, seed=1)
    with database.session() as s:
        assert remove_demo(s) == 1
        assert s.scalars(select(Organisation.name)).all() == ["Echt"]

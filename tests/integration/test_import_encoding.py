"""`survey import` of a file that is not UTF-8: a clear error with file and byte offset."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from cli import main
from survey.models import Answer

HEADER = b"organisation,round,response,role,instrument,item,answer\n"


@pytest.fixture
def run(db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    yield lambda *args: CliRunner().invoke(main, list(args))


def test_invalid_utf8_is_an_encoding_error_with_file_and_offset(run, tmp_path, database):
    path = tmp_path / "answers.csv"
    path.write_bytes(HEADER + b"org,2026,r1,staff,mini,rules.guideline,f\xffull\n")
    result = run("import", str(path))
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    offset = len(HEADER) + len(b"org,2026,r1,staff,mini,rules.guideline,f")
    assert f"{path}: not valid UTF-8 at byte {offset} (line 2)" in result.output
    assert "Traceback" not in result.output
    assert "nothing was imported" in result.output
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Answer)) == 0


def test_a_byte_order_mark_is_still_accepted(run, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + HEADER + b"nowhere,2026,r1,staff,mini,x,y\n")
    result = run("import", str(path))
    assert result.exit_code == 2
    assert "unknown organisation 'nowhere'" in result.output
    assert "missing column" not in result.output

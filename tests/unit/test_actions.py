"""The pure parts of the action plan and the dialogue session."""

from __future__ import annotations

import pytest

from instruments import default_library
from survey.errors import InvalidInput
from survey.services.actions import Draft, checked, dimension_changes
from tests import factories
from web.controllers.pages.dialogue import fitting_case, role_views

MINI = factories.mini_library().latest_versions()


def test_a_draft_is_tidied():
    good = checked(
        Draft(
            instrument="mini",
            dimensions=["rules", "rules", "culture"],
            title="  Write   the guideline ",
            owner_name="  Anna  ",
            note="  first draft by May \n",
        ),
        MINI,
    )
    assert good.dimensions == ["rules", "culture"]
    assert (good.title, good.owner_name, good.note) == (
        "Write the guideline",
        "Anna",
        "first draft by May",
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "x" * 201}, "title"),
        ({"owner_name": "x" * 201}, "owner_name"),
        ({"owner_role": None, "owner_name": "   "}, "owner_role"),
        ({"status": "finished"}, "status"),
        ({"note": "x" * 2001}, "note"),
        ({"dimensions": []}, "dimensions"),
        ({"origin_item": "culture.dialogue", "origin_finding": "bad_luck"}, "origin_finding"),
    ],
)
def test_a_bad_draft_names_its_field(changes, field):
    draft = Draft(instrument="mini", dimensions=["rules"], title="Do it", owner_role="hr")
    with pytest.raises(InvalidInput) as refused:
        checked(Draft(**{**draft.__dict__, **changes}), MINI)
    assert refused.value.field == field


def test_changes_need_both_shown_scores_and_both_errors_for_a_verdict():
    changes = dimension_changes(
        ["rules", "culture", "hidden"],
        {"rules": 40.0, "culture": 50.0, "hidden": None},
        {"rules": 70.0, "culture": 52.0, "hidden": 60.0},
        {"rules": 5.0, "culture": 5.0},
        {"rules": 5.0},
    )
    rules, culture, hidden = changes
    assert (rules.change, rules.beyond_turnover) == (30.0, True)  # 30 > 1.96 × 7.07
    assert (culture.change, culture.beyond_turnover) == (2.0, None)
    assert (hidden.change, hidden.beyond_turnover) == (None, None)


def test_role_views_leave_out_hidden_groups_and_keep_hidden_figures_hidden():
    scores = {
        "roles": [
            {"label": "Management", "suppressed": False, "dimensions": [
                {"instrument": "mini", "dimension": "rules", "score": 80.0, "suppressed": False}]},
            {"label": "Staff", "suppressed": False, "dimensions": [
                {"instrument": "mini", "dimension": "rules", "score": 20.0, "suppressed": True}]},
            {"label": "IT", "suppressed": True, "dimensions": [
                {"instrument": "mini", "dimension": "rules", "score": 50.0, "suppressed": True}]},
        ]
    }  # fmt: skip
    assert role_views(scores, "mini", "rules") == [
        {"label": "Management", "score": 80.0},
        {"label": "Staff", "score": None},
    ]


def test_the_fitting_case_is_cited_by_title_and_section():
    instruments = default_library().latest_versions()
    maturity = next(i for i in instruments if i.id == "sm-maturity")
    case = next(c for c in maturity.cases)
    found = fitting_case(instruments, "sm-maturity", case.dimensions[0], "en")
    assert found is not None and found["title"]
    assert all(".txt" not in source and " – " in source for source in found["sources"])
    assert fitting_case(MINI, "mini", "rules", "en") is None

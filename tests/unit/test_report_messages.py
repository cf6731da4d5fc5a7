"""Every report string exists in English and Dutch, and the templates use only those."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from analytics.benchmark import PEER_GROUPS
from analytics.report import content, sector
from analytics.report.messages import LANGUAGES, MESSAGES, Messages
from survey.scoring import QUADRANTS

TEMPLATES = Path(content.__file__).parent / "templates" / "report"
SOURCES = [
    Path(content.__file__).parent / name
    for name in ("content.py", "sector.py", "render.py", "followup.py", "action_export.py")
]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_has_both_languages_with_the_same_placeholders():
    assert set(LANGUAGES) == {"en", "nl"}
    for key, texts in MESSAGES.items():
        assert set(texts) == {"en", "nl"}, key
        assert all(texts[lang].strip() for lang in LANGUAGES), key
        assert placeholders(texts["en"]) == placeholders(texts["nl"]), key


def test_dutch_is_a_translation_not_a_copy():
    same = {k for k, v in MESSAGES.items() if v["en"] == v["nl"]}
    # labels that are the same word in both languages (or a mark) may stay equal
    allowed = {
        "label.instrument",
        "label.score",
        "label.rank",
        "label.hidden_mark",
        "label.minutes",
        "dialogue.agenda",
        "action.status",
        "status.open",
        "xlsx.scores",
        "export.score",
        "sector.q1",
        "sector.q3",
        "finding.sentence",
    }
    assert same <= allowed, same - allowed


def referenced_keys() -> set[str]:
    found = set()
    for path in TEMPLATES.glob("*.html"):
        found |= set(re.findall(r"""\bt\(\s*'([a-z0-9_.,]+)'""", path.read_text()))
    for path in SOURCES:
        found |= set(re.findall(r"""\bt\(\s*\n?\s*"([a-z0-9_.,]+)\"""", path.read_text()))
    return found


def test_every_key_the_templates_and_code_use_exists():
    keys = referenced_keys()
    assert len(keys) > 100
    missing = keys - set(MESSAGES)
    assert not missing, missing


DYNAMIC = (
    "quadrant.",
    "coherence.",
    "peer_group.",
    "sector.by.",
    "status.",
    "agenda.",
    "snapshot.position.",
    "action_status.",
    "followup.beyond.",
    "followup.why.",
)
INDIRECT = {  # keys chosen in code or templates by a condition, not written as t("...")
    "overview.strongest",
    "overview.weakest",
    "snapshot.dont_know",
    "snapshot.dont_know_high",
}


def test_every_message_is_used():
    used = referenced_keys() | INDIRECT
    unused = {k for k in MESSAGES if k not in used and not k.startswith(DYNAMIC)}
    assert not unused, unused


def test_keys_built_from_values_exist():
    for quadrant in (*QUADRANTS, "none"):
        assert f"quadrant.{quadrant}" in MESSAGES
        assert f"quadrant.{quadrant}.meaning" in MESSAGES
    for judged in ("yes", "no", "unknown"):
        assert f"coherence.{judged}" in MESSAGES
        assert f"coherence.{judged}.meaning" in MESSAGES
    for group in PEER_GROUPS:
        assert f"peer_group.{group}" in MESSAGES
    for grouping in sector.GROUPINGS:
        assert f"sector.by.{grouping}" in MESSAGES
    for status in ("open", "in_progress", "done"):
        assert f"status.{status}" in MESSAGES
    from survey.services.actions import STATUSES

    for status in STATUSES:
        assert f"action_status.{status}" in MESSAGES
    for verdict in ("true", "false", "none"):
        assert f"followup.beyond.{verdict}" in MESSAGES
    for reason in ("open", "other_version", "not_in_round"):
        assert f"followup.why.{reason}" in MESSAGES
    for position in ("below", "in", "above"):
        assert f"snapshot.position.{position}" in MESSAGES
    from analytics.report.dialogue import AGENDA

    for block, _ in AGENDA:
        assert f"agenda.{block}" in MESSAGES
    for block in ("awareness", "strengths"):
        assert f"agenda.{block}" in MESSAGES and f"agenda.{block}.detail" in MESSAGES


def test_messages_lookup():
    en, nl = Messages("en"), Messages("nl")
    assert en("report.title") == "Improvement report"
    assert nl("report.title") == "Verbeterrapport"
    assert nl("label.level_of", level=3) == "Niveau 3 van 5"
    with pytest.raises(KeyError):
        en("no.such.key")
    with pytest.raises(ValueError):
        Messages("de")

"""Playbooks: the shipped situations cover the FAQ, and every mistake a lead can make in them
(YAML, fields, templates) is named with its file and line."""

import shutil
from datetime import time
from pathlib import Path

import pytest

from bot.coaching.emotion import EMOTIONS
from bot.coaching.playbooks import EmotionLines, check_coverage, load_playbooks
from bot.faq.knowledge import Entry, load_knowledge

ROOT = Path(__file__).parent.parent
SHIPPED = ROOT / "playbooks"

SITUATION = """\
working_hours:
  days: [mon, tue, wed, thu, fri]
  start: "09:00"
  end: "17:00"
fallback: general
situations:
  - id: late
    faq: [box_late]
    tags: [delivery]
    thing: box
    problem: "your {thing} is running late"
    options: ["check the courier scan"]
    next_step: "I'll confirm where it is"
    within: 2 working hours
  - id: general
    problem: "you need a hand with {snippet}"
    options: ["look into it"]
    next_step: "I'll come back to you"
    within: 1 working day
"""


@pytest.fixture
def books(tmp_path: Path) -> Path:
    """A copy of the shipped playbooks with a small situations file, to break one thing."""
    directory = tmp_path / "playbooks"
    shutil.copytree(SHIPPED, directory)
    (directory / "situations.yaml").write_text(SITUATION)
    return directory


def messages(directory: Path) -> list[str]:
    _, problems = load_playbooks(directory)
    return [str(problem) for problem in problems]


def test_the_shipped_playbooks_load_without_problems():
    playbooks, problems = load_playbooks(SHIPPED)
    assert problems == []
    assert playbooks.fallback is not None and playbooks.fallback.id == "general"
    assert {"standard.j2", "short.j2", "formal.j2"} <= set(playbooks.templates)
    assert {"closing_standard.j2", "closing_short.j2", "closing_formal.j2"} <= set(
        playbooks.templates
    )


def test_every_faq_entry_has_its_own_situation():
    playbooks, _ = load_playbooks(SHIPPED)
    knowledge = load_knowledge(ROOT / "knowledge")
    assert len(knowledge.entries) >= 55
    assert check_coverage(playbooks, knowledge.entries) == []
    for entry in knowledge.entries:
        assert playbooks.situation_for(entry) is not playbooks.fallback, entry.id


def test_situations_are_found_by_id_then_by_tags_then_the_fallback(books):
    playbooks, problems = load_playbooks(books)
    assert problems == []
    assert playbooks.situation_for(Entry("box_late", "q", "a")).id == "late"
    assert playbooks.situation_for(Entry("other", "q", "a", tags=("delivery",))).id == "late"
    assert playbooks.situation_for(Entry("other", "q", "a", tags=("billing",))).id == "general"
    assert playbooks.situation_for(None).id == "general"


def test_a_working_day_is_one_days_opening_hours(books):
    playbooks, _ = load_playbooks(books)
    assert playbooks.situation_for(None).within_hours == 8


def test_coverage_warns_of_entries_without_situation_and_unknown_faq_ids(books):
    playbooks, _ = load_playbooks(books)
    entries = [Entry("refund_timing", "q", "a", source="knowledge/billing.yaml:12")]
    assert [str(p) for p in check_coverage(playbooks, entries)] == [
        "knowledge/billing.yaml:12: warning: FAQ entry 'refund_timing' has no playbook "
        "situation (by id or tag)",
        f"{books / 'situations.yaml'}:7: warning: situation 'late' names unknown FAQ id 'box_late'",
    ]


def test_bad_yaml_is_named_with_its_line(books):
    path = books / "situations.yaml"
    path.write_text(SITUATION.replace("    thing: box\n", "    thing: [box\n"))
    # YAML notices the open bracket on the next line
    assert messages(books)[0].startswith(f"{path}:11: error: bad YAML")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            '    options: ["check the courier scan"]\n',
            "",
            "7: error: situation 'late': missing options",
        ),
        (
            '["check the courier scan"]',
            "[]",
            "12: error: situation 'late': options must be a non-empty",
        ),
        (
            "    within: 2 working hours\n",
            "    within: soon\n",
            "14: error: situation 'late': within: 'soon' does not read like '2 working hours'",
        ),
        (
            "your {thing}",
            "your {item}",
            "11: error: situation 'late': problem: unknown placeholder {item} "
            "(use {thing} or {topic})",
        ),
        (
            "    thing: box\n",
            "",
            "10: error: situation 'late': uses {thing} but the situation has no thing",
        ),
        (
            "    tags: [delivery]\n",
            "    tags: [delivery]\n    colour: red\n",
            "10: error: situation 'late': unknown key 'colour'",
        ),
        ("fallback: general", "fallback: other", "5: error: fallback 'other' must name one"),
        (
            "  - id: general\n",
            "  - id: general\n    faq: [box_late]\n",
            "15: error: FAQ id 'box_late' is in both",
        ),
        ('  end: "17:00"', '  end: "8:00"', "4: error: working_hours: end must be after start"),
        (
            "[mon, tue",
            "[monday, tue",
            "2: error: working_hours: days: 'monday' is not one of 'mon'",
        ),
        (
            '  end: "17:00"\n',
            '  end: "17:00"\n  holidays: ["12-32"]\n',
            "5: error: working_hours: holidays",
        ),
        (
            '  end: "17:00"\n',
            '  end: "17:00"\n  holidays: christmas\n',
            "5: error: working_hours: holidays",
        ),
        (
            "    within: 2 working hours\n",
            "    within: 2 working hours\n    templates: {standard: fancy.j2}\n",
            "15: error: situation 'late': unknown template 'fancy.j2'",
        ),
        (
            "    within: 2 working hours\n",
            '    within: 2 working hours\n    empathy:\n      grumpy: ["Oh dear."]\n',
            "16: error: situation 'late': empathy: unknown emotion 'grumpy' (expected frustrated,",
        ),
    ],
)
def test_mistakes_in_situations_are_named_with_file_and_line(books, old, new, expected):
    path = books / "situations.yaml"
    assert old in SITUATION
    path.write_text(SITUATION.replace(old, new, 1))
    assert f"{path}:{expected}" in "\n".join(messages(books))


def test_times_written_without_quotes_are_read_as_times(books):
    # YAML 1.1 reads an unquoted 17:30 as the number 1050.
    (books / "situations.yaml").write_text(SITUATION.replace('"17:00"', "17:30"))
    playbooks, problems = load_playbooks(books)
    assert problems == []
    assert playbooks.working_hours.end == time(17, 30)


def test_an_emotion_without_empathy_lines_is_an_error(books):
    path = books / "empathy.yaml"
    path.write_text('empathy:\n  neutral: ["Thanks."]\n')
    assert messages(books) == [
        f"{path}:2: warning: neutral: one line only, so every version says the same",
        f"{path}:1: error: no empathy lines for frustrated, angry, anxious, confused",
    ]
    path.write_text('empathy:\n  neutral: ["Thanks.", "Hello."]\n  bored: ["Hm."]\n')
    bored = "unknown emotion 'bored' (expected frustrated, angry, anxious, confused, neutral)"
    assert messages(books) == [f"{path}:3: error: empathy: {bored}"]


def test_the_empathy_shape_has_every_emotion_there_is():
    assert tuple(EmotionLines.model_fields) == EMOTIONS


def test_a_template_using_an_unknown_name_is_found_by_rendering_it(books):
    path = books / "templates" / "short.j2"
    path.write_text("Hi,\n{{ empathy }}\n{{ undefined_thing }}\n{{ next_step }} {{ promise }}.\n")
    assert messages(books) == [
        f"{path}:3: error: template uses something a draft does not have: "
        "'undefined_thing' is undefined"
    ]


def test_a_closing_template_that_promises_is_found_and_one_missing_is_named(books):
    """A closing answers a customer who only thanks us: it has no promise to make."""
    path = books / "templates" / "closing_short.j2"
    path.write_text("{% if settled %}Glad it's sorted!{% endif %}\nBack to you {{ promise }}.\n")
    (books / "templates" / "closing_formal.j2").unlink()
    assert messages(books) == [
        f"{path}:2: error: template uses something a draft does not have: 'promise' is undefined",
        f"{books / 'templates' / 'closing_formal.j2'}:0: error: template not found",
    ]


def test_a_template_failing_only_in_one_branch_is_found(books):
    path = books / "templates" / "formal.j2"
    path.write_text("Dear customer,\n{% if case_id %}\nRe: {{ case.id }}\n{% endif %}\n")
    assert messages(books)[0].startswith(f"{path}:3: error: template uses something")


def test_a_template_syntax_error_is_named_with_its_line(books):
    path = books / "templates" / "standard.j2"
    path.write_text("Hi,\n\n{% for option in options %}\n- {{ option }}\n")
    assert messages(books)[0].startswith(f"{path}:4: error: template syntax: Unexpected end")


def test_missing_files_are_errors(tmp_path):
    assert messages(tmp_path) == [
        f"{tmp_path / 'templates'}:0: error: templates directory not found",
        f"{tmp_path / 'empathy.yaml'}:0: error: file not found",
        f"{tmp_path / 'situations.yaml'}:0: error: file not found",
    ]


LATE_WITHIN = "    within: 2 working hours\n"
INSTEAD = """\
    instead:
      - says: ["box ..2 never came/arrived"]
        use: general
"""


def test_a_situation_gives_way_when_the_message_says_it_cannot_be_right(books):
    path = books / "situations.yaml"
    path.write_text(SITUATION.replace(LATE_WITHIN, LATE_WITHIN + INSTEAD))
    playbooks, problems = load_playbooks(books)
    assert problems == []
    late = Entry("box_late", "q", "a")
    assert playbooks.situation_for(late, "my box has never arrived").id == "general"
    assert playbooks.situation_for(late, "my box is late").id == "late"
    assert playbooks.situation_for(late).id == "late"


@pytest.mark.parametrize(
    ("says", "use", "expected"),
    [
        ("box ..9 never", "general", "..9"),
        ("box never", "missing", "instead uses 'missing', no other situation"),
        ("box never", "late", "instead uses 'late', no other situation"),
    ],
)
def test_a_wrong_instead_is_named(books, says, use, expected):
    path = books / "situations.yaml"
    instead = INSTEAD.replace("box ..2 never came/arrived", says).replace("general", use)
    path.write_text(SITUATION.replace(LATE_WITHIN, LATE_WITHIN + instead))
    found = messages(books)
    assert any(expected in message for message in found), found

"""The content-schema helper: a file's shape checked with pydantic, each mistake in plain words
at the line of the node it is about."""

from pathlib import Path
from typing import Literal

from pydantic import Field

from bot.shared.content import Problem, Shape, check_shape, item_nodes, load_shape, read_yaml


class Entry(Shape):
    id: str
    kind: Literal["faq", "note"] = "faq"
    tags: list[str] = Field([], description="a list of words like billing")


class Book(Shape, title="section", extra="allow"):
    entries: list[Entry]


def check(tmp_path: Path, text: str) -> tuple[Book | None, list[str]]:
    path = tmp_path / "book.yaml"
    path.write_text(text)
    problems: list[Problem] = []
    loaded = load_shape(path, Book, problems)
    return (loaded[0] if loaded else None), [
        f"{p.line}: {p.severity}: {p.message}" for p in problems
    ]


def test_a_sound_file_gives_its_shape(tmp_path):
    book, problems = check(tmp_path, "entries:\n  - id: a\n    tags: [billing]\n")
    assert problems == [] and book is not None and book.entries[0].tags == ["billing"]


def test_a_missing_key_is_named_at_the_line_of_its_mapping(tmp_path):
    book, problems = check(tmp_path, "entries:\n  - id: a\n  - kind: note\n")
    assert book is None and problems == ["3: error: entries: missing id"]


def test_a_wrong_type_says_what_it_must_be_at_its_line(tmp_path):
    _, problems = check(tmp_path, "entries:\n  - id: a\n    tags: billing\n")
    assert problems == [  # how to write it, with its words
        "3: error: tags must be a list of words like billing, not one text: write "
        'tags: ["billing"], or each on a line of its own under it, after "- "'
    ]
    _, problems = check(tmp_path, "entries:\n  - id: a\n    tags: {billing: 1}\n")
    assert problems == ["3: error: tags must be a list of words like billing"]
    _, problems = check(tmp_path, "entries:\n  - id: [a, b]\n")
    assert problems == ["2: error: id must be text"]


def test_a_value_not_allowed_names_the_values_that_are(tmp_path):
    _, problems = check(tmp_path, "entries:\n  - id: a\n\n    kind: memo\n")
    assert problems == ["4: error: kind: 'memo' is not one of 'faq' or 'note'"]


def test_unknown_keys_are_errors_or_warnings_as_the_shape_says(tmp_path):
    _, problems = check(tmp_path, "entries:\n  - id: a\n    tgas: [x]\nextra: 1\n")
    assert problems == [
        "3: error: entries: unknown key 'tgas': did you mean 'tags'? (expected id, kind, tags)",
        "4: warning: unknown section 'extra' (expected entries)",
    ]


def test_not_a_mapping_at_all(tmp_path):
    _, problems = check(tmp_path, "- a\n")
    assert problems == ["1: error: the file must be a mapping of entries"]


def test_a_part_checked_on_its_own_is_named_as_itself_not_as_the_file(tmp_path):
    class Goal(Shape):
        id: str

    path = tmp_path / "goals.yaml"
    path.write_text("goals:\n  - just a word\n")
    problems: list[Problem] = []
    data, root = read_yaml(path, problems) or (None, None)
    node = item_nodes(root, "goals")[0]
    assert check_shape(data["goals"][0], node, Goal, "goals.yaml", problems, "goal: ") is None
    assert [p.message for p in problems] == ["goal: it must be a mapping of id"]


def test_text_that_yaml_reads_as_yes_or_a_number_says_to_quote_it(tmp_path):
    class Entry(Shape):
        id: str
        code: str

    path = tmp_path / "faq.yaml"
    path.write_text("id: yes\ncode: 012\n")
    problems: list[Problem] = []
    assert load_shape(path, Entry, problems) is None
    assert [(p.line, p.message) for p in problems] == [
        (1, 'id: put yes in quotes, "yes": without them YAML reads it as yes or no, not as text'),
        (2, 'code: put 012 in quotes, "012": without them YAML reads it as a number, not as text'),
    ]

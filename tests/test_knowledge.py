"""The knowledge loader names the file and line of every problem a lead can make."""

from pathlib import Path

import pytest

from bot.faq.knowledge import load_knowledge
from bot.shared.content import NeedsNodes, line_of, list_items, read_yaml

GOOD = """\
- id: where_is_my_box
  question: Where is my box?
  variants:
    - my parcel hasn't come
    - delivery is late
  answer: Track it under Account > Orders.
  tags: [delivery]
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def messages(tmp_path: Path) -> list[str]:
    return [str(p) for p in load_knowledge(tmp_path).problems]


def test_a_good_file_loads_every_field(tmp_path):
    write(tmp_path, "delivery.yaml", GOOD)
    knowledge = load_knowledge(tmp_path)
    assert knowledge.problems == []
    (entry,) = knowledge.entries
    assert entry.id == "where_is_my_box"
    assert entry.phrasings == ("Where is my box?", "my parcel hasn't come", "delivery is late")
    assert entry.tags == ("delivery",)
    assert entry.source.endswith("delivery.yaml:1")


def test_missing_id_and_empty_answer_name_file_and_line(tmp_path):
    path = write(
        tmp_path,
        "faq.yaml",
        GOOD + "- question: How do I pay?\n  answer: By card.\n"
        "- id: refunds\n  question: Where is my refund?\n  answer: ''\n",
    )
    assert messages(tmp_path) == [
        f"{path}:8: error: missing id",
        f"{path}:12: error: entry 'refunds': empty answer",
    ]


def test_duplicate_id_across_files_points_at_both(tmp_path):
    first = write(tmp_path, "a.yaml", GOOD)
    second = write(tmp_path, "b.yaml", "# copy\n" + GOOD.replace("Where is", "Where's"))
    assert messages(tmp_path) == [
        f"{second}:2: error: duplicate id 'where_is_my_box' (first at {first}:1); give one of "
        "them another id"
    ]


def test_bad_yaml_names_the_line_of_the_mistake(tmp_path):
    path = write(tmp_path, "bad.yaml", GOOD + "- id: x\n  question: [unclosed\n  answer: y\n")
    (problem,) = load_knowledge(tmp_path).problems
    assert problem.file == str(path)
    assert problem.line == 10  # where the parser finds the list was never closed
    assert problem.message.startswith("bad YAML")


NEW = '- id: gift_cards\n  question: "Can I pay with a gift card?"\n'


@pytest.mark.parametrize(
    ("added", "fix"),
    [
        # a key indented further than the others of its entry
        ('  answer: "At checkout."\n    tags: [billing]\n', "check the indentation of this line"),
        ('  answer: "At checkout."\n\ttags: [billing]\n', "replace the tab on this line"),
        ("  answer: Note: at checkout.\n", "the text after 'answer:' has ': ' in it, so put"),
    ],
)
def test_yaml_a_lead_gets_wrong_is_named_at_its_line_with_what_to_do(tmp_path, added, fix):
    path = write(tmp_path, "faq.yaml", GOOD + NEW + added)
    (problem,) = load_knowledge(tmp_path).problems
    last = (GOOD + NEW + added).count("\n")  # the line of the mistake: the last one
    assert (problem.file, problem.line) == (str(path), last)
    assert problem.message.startswith("bad YAML: ")
    assert fix in problem.message


def test_misspelt_key_and_wrong_types_are_errors(tmp_path):
    path = write(
        tmp_path,
        "faq.yaml",
        "- id: a\n  question: Q?\n  anwser: A.\n  variants: just one string\n",
    )
    assert messages(tmp_path) == [
        # one line for the one mistake, not "missing answer" besides
        f"{path}:3: error: entry 'a': unknown key 'anwser': did you mean 'answer'? "
        "(expected id, question, variants, answer, tags)",
        f"{path}:4: error: entry 'a': variants must be a list of non-empty texts, not one text: "
        'write variants: ["just one string"], or each on a line of its own under it, after "- "',
    ]


def test_a_key_named_as_leads_say_it_or_far_from_any_is_still_named_with_the_keys(tmp_path):
    path = write(
        tmp_path,
        "faq.yaml",
        "- id: a\n  question: Q?\n  answer: A.\n  phrasings: [q]\n  colour: red\n"
        "- id: b\n  question: R?\n  tag: [x]\n",
    )
    expected = "(expected id, question, variants, answer, tags)"
    assert messages(tmp_path) == [
        f"{path}:4: error: entry 'a': unknown key 'phrasings': did you mean 'variants'? {expected}",
        f"{path}:5: error: entry 'a': unknown key 'colour' {expected}",
        f"{path}:6: error: entry 'b': missing answer",  # no key there stands for it
        f"{path}:8: error: entry 'b': unknown key 'tag': did you mean 'tags'? {expected}",
    ]


def test_same_phrasing_in_two_entries_is_a_warning_not_an_error(tmp_path):
    write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "b.yaml", GOOD.replace("where_is_my_box", "late_box"))
    knowledge = load_knowledge(tmp_path)
    assert knowledge.errors == []
    assert len(knowledge.entries) == 2
    assert {p.severity for p in knowledge.problems} == {"warning"}
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert [str(p) for p in knowledge.problems][0] == (
        f"{second}:1: warning: entry 'late_box': phrasing 'Where is my box?' is also one of entry "
        f"'where_is_my_box' ({first}:1); keep it in the entry it belongs to"
    )
    assert len(knowledge.problems) == 3  # one for each phrasing the two share


def test_a_missing_directory_or_no_files_is_an_error(tmp_path):
    assert "knowledge directory not found" in messages(tmp_path / "nope")[0]
    assert "no .yaml files" in messages(tmp_path)[0]


def test_the_shipped_knowledge_base_is_clean_and_big_enough():
    knowledge = load_knowledge(Path(__file__).parent.parent / "knowledge")
    assert knowledge.problems == []
    assert len(knowledge.entries) >= 40
    assert all(3 <= len(entry.variants) <= 8 for entry in knowledge.entries)


def test_synonyms_are_read_from_their_own_file_and_are_not_entries(tmp_path):
    write(tmp_path, "delivery.yaml", GOOD)
    write(tmp_path, "synonyms.yaml", "synonyms:\n  box: [parcel, Package, turn up]\n")
    knowledge = load_knowledge(tmp_path)
    assert knowledge.problems == []
    assert [e.id for e in knowledge.entries] == ["where_is_my_box"]
    assert knowledge.synonyms == {"box": ("parcel", "package", "turn up")}


def test_synonym_mistakes_name_file_and_line(tmp_path):
    write(tmp_path, "delivery.yaml", GOOD)
    path = write(
        tmp_path,
        "synonyms.yaml",
        "synonyms:\n  box: [parcel]\n  delivery: [parcel]\n  two words: [x]\n  card: plastic\n",
    )
    assert messages(tmp_path) == [
        f"{path}:3: error: 'parcel' is listed for both 'box' and 'delivery'",
        f"{path}:4: error: 'two words': word: must be one word, as the FAQ writes it",
        f"{path}:5: error: 'card': phrases must be a list of words or phrases",
    ]


# Sound files are read straight from libyaml's events, without a node tree (start-up and memory
# of a big FAQ); anything else is read again with the tree. Both must give the same.
TRICKY = """\
# a comment, then entries in every style leads write
- id: plain
  question: Where is my box?
  variants: [ "quoted, with a comma", 'single', plain words ]
  answer: |
    A block
    of two lines.
  tags: []
- {id: flow, question: "Why?", answer: "Because.", variants: }
- id: folded
  question: >-
    folded
    text
  answer: 2026-01-01

- id: typed
  question: "yes"
  answer: "012"
  tags: [~, "true"]
"""


def test_a_sound_file_reads_as_the_node_tree_reads_it_with_the_same_lines(tmp_path):
    path = write(tmp_path, "faq.yaml", TRICKY)
    data, root = read_yaml(path, [])
    assert list(list_items(path)) == [
        (item, line_of(node)) for item, node in zip(data, root.value, strict=True)
    ]
    assert [(item, line) for item, line in list_items(path)][1][1] == 9


def test_yaml_that_only_the_node_tree_reads_falls_back_to_it(tmp_path):
    aliases = "- &first {id: a, question: Why?, answer: Because.}\n- *first\n"
    for text in [
        aliases,
        "a: mapping\n",
        "- !!str tagged\n",
        "- <<: {id: a}\n",
        "",
        "[a]\n---\n[b]",
    ]:
        path = write(tmp_path, "odd.yaml", text)
        with pytest.raises(NeedsNodes):
            list(list_items(path))
    write(tmp_path, "odd.yaml", aliases)
    knowledge = load_knowledge(tmp_path)
    assert [str(p) for p in knowledge.errors] == [
        f"{tmp_path / 'odd.yaml'}:1: error: duplicate id 'a' (first at {tmp_path / 'odd.yaml'}:1); "
        "give one of them another id"
    ]


def test_a_bad_entry_after_many_good_ones_is_named_at_its_line(tmp_path):
    good = "".join(
        f"- id: e{n}\n  question: Question {n}?\n  answer: Answer {n}.\n" for n in range(500)
    )
    write(tmp_path, "big.yaml", good + "- id: bad\n  question: yes\n  answer: A.\n")
    knowledge = load_knowledge(tmp_path)
    assert len(knowledge.entries) == 500
    assert [str(p) for p in knowledge.problems] == [
        f"{tmp_path / 'big.yaml'}:1502: error: entry 'bad': question: put yes in quotes, "
        '"yes": without them YAML reads it as yes or no, not as text'
    ]
    assert knowledge.entries[-1].source == f"{tmp_path / 'big.yaml'}:1498"


def test_a_file_that_is_not_utf8_or_not_yaml_is_said_so_at_its_line(tmp_path):
    (tmp_path / "latin.yaml").write_bytes("- id: caf\xe9\n".encode("latin-1"))
    write(tmp_path, "broken.yaml", "- id: a\n  question: [unclosed\n  answer: b\n")
    found = messages(tmp_path)
    assert found[0].startswith(f"{tmp_path / 'broken.yaml'}:")
    assert "bad YAML" in found[0]
    assert found[1].startswith(f"{tmp_path / 'latin.yaml'}:0: error: cannot read the file")

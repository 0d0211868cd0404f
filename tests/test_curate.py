"""Leads' additions land in the knowledge files as reviewable text, or not at all."""

from pathlib import Path

import pytest
from processes import at_once

from bot.faq.curate import CurateError, add_entry, add_phrasing
from bot.faq.knowledge import load_knowledge

FAQ = """\
# Delivery questions, curated by Lee
- id: where_is_my_box
  question: Where is my box?
  variants:
    - "my parcel hasn't come"   # the most common one
    - delivery is late
  answer: Track it under Account > Orders.
  tags: [delivery]

- id: flow
  question: How do I pay?
  variants: ["by card?", 'paypal?']
  answer: By card or PayPal.

- id: bare
  question: "Can I pause?"
  answer: Yes, for up to 12 weeks.
"""


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    (tmp_path / "delivery.yaml").write_text(FAQ, encoding="utf-8")
    return tmp_path


def entry(kb: Path, entry_id: str):
    return load_knowledge(kb).by_id()[entry_id]


def test_a_phrasing_is_added_under_the_others_and_nothing_else_changes(kb):
    written = add_phrasing(kb, entry(kb, "where_is_my_box"), 'box "still" not here')
    assert written.file == kb / "delivery.yaml"
    text = (kb / "delivery.yaml").read_text()
    assert text == FAQ.replace(
        "    - delivery is late\n", '    - delivery is late\n    - "box \\"still\\" not here"\n'
    )
    assert entry(kb, "where_is_my_box").variants[-1] == 'box "still" not here'


def test_a_phrasing_joins_a_flow_list_and_starts_a_list_where_there_was_none(kb):
    add_phrasing(kb, entry(kb, "flow"), "apple pay?")
    add_phrasing(kb, entry(kb, "bare"), "can i take a break: 2 weeks")
    knowledge = load_knowledge(kb)
    assert knowledge.errors == []
    assert knowledge.by_id()["flow"].variants == ("by card?", "paypal?", "apple pay?")
    assert knowledge.by_id()["bare"].variants == ("can i take a break: 2 weeks",)
    assert (
        '  variants: ["by card?", \'paypal?\', "apple pay?"]' in (kb / "delivery.yaml").read_text()
    )


def test_a_phrasing_the_entry_already_has_is_not_written_twice(kb):
    before = (kb / "delivery.yaml").read_text()
    assert add_phrasing(kb, entry(kb, "where_is_my_box"), "Delivery is   LATE") is None
    assert (kb / "delivery.yaml").read_text() == before


def test_a_new_entry_goes_to_the_file_of_its_tag_with_a_fresh_id(kb):
    taken = set(load_knowledge(kb).by_id())
    written = add_entry(
        kb, "Where is my box?", "Here: Account > Orders.", variants=["box gone", ""],
        tags=["delivery"], taken_ids=taken,
    )  # fmt: skip
    assert written.file == kb / "delivery.yaml"
    assert written.entry_id == "where_is_my_box_2"
    new = entry(kb, "where_is_my_box_2")
    assert (new.question, new.variants, new.answer, new.tags) == (
        "Where is my box?", ("box gone",), "Here: Account > Orders.", ("delivery",)
    )  # fmt: skip


def test_a_new_entry_without_a_matching_file_goes_to_added_yaml(kb):
    written = add_entry(kb, "Do you sell dog food?", "Not yet: we're adding pet boxes in May.",
                        tags=["pets"])  # fmt: skip
    assert written.file == kb / "added.yaml"
    assert entry(kb, written.entry_id).tags == ("pets",)


def test_empty_text_is_refused_and_nothing_is_written(kb):
    before = (kb / "delivery.yaml").read_text()
    with pytest.raises(CurateError, match="phrasing is empty"):
        add_phrasing(kb, entry(kb, "flow"), "   ")
    with pytest.raises(CurateError, match="answer is empty"):
        add_entry(kb, "A question?", "  ")
    assert (kb / "delivery.yaml").read_text() == before
    assert not (kb / "added.yaml").exists()


def test_a_write_is_undone_when_the_knowledge_base_is_already_broken(kb):
    box = entry(kb, "where_is_my_box")
    (kb / "broken.yaml").write_text("- id: x\n  question: [\n")
    before = (kb / "delivery.yaml").read_text()
    with pytest.raises(CurateError, match="would break the knowledge base"):
        add_phrasing(kb, box, "new words")
    assert (kb / "delivery.yaml").read_text() == before


def add_phrasings(kb: Path, entry_id: str, phrasings: list[str]) -> None:
    for phrasing in phrasings:
        add_phrasing(kb, entry(kb, entry_id), phrasing)


def test_edits_from_several_processes_at_once_all_land(kb):
    # Leads' clicks reach whichever worker process Slack's request lands on; each edit reads
    # the file and writes it back, so without one lock over all processes one would be lost.
    calls = [(kb, entry_id, [f"{entry_id} wording {n}" for n in range(8)])
             for entry_id in ("where_is_my_box", "flow", "bare")]  # fmt: skip
    at_once(add_phrasings, calls)
    knowledge = load_knowledge(kb)
    assert knowledge.errors == []
    for _, entry_id, phrasings in calls:
        assert set(phrasings) <= set(knowledge.by_id()[entry_id].variants)

"""The curated FAQ: YAML files under `knowledge/`, loaded and validated with file and line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import AfterValidator, BeforeValidator, Field, ValidationError

from bot.shared.content import (
    ContentError,
    NeedsNodes,
    Problem,
    Shape,
    Text,
    check_shape,
    line_of,
    list_items,
    load_shape,
    read_yaml,
    value_node,
)
from bot.shared.memory import no_cycle_collection

SYNONYMS_FILE = "synonyms.yaml"  # words customers use for the FAQ's words; not entries
ID_PATTERN = re.compile(r"^\S{1,100}$")  # ids are typed by leads and shown to reps: one word


@dataclass(frozen=True, slots=True)  # slots: 100,000 of them without a dict each
class Entry:
    """One FAQ entry: the question, the other ways customers ask it, and the answer."""

    id: str
    question: str
    answer: str
    variants: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    source: str = ""  # "file:line", so a lead can find the entry

    @property
    def phrasings(self) -> tuple[str, ...]:
        return (self.question, *self.variants)


@dataclass
class Knowledge:
    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    signature: tuple = ()  # of the files as they were read
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)  # word -> other words

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def by_id(self) -> dict[str, Entry]:
        return {entry.id: entry for entry in self.entries}


def _yaml_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def knowledge_files(directory: Path) -> list[Path]:
    """The files of entries (every YAML file but the synonyms)."""
    return [p for p in _yaml_files(directory) if p != directory / SYNONYMS_FILE]


def files_signature(directory: str | Path) -> tuple:
    """Changes whenever a knowledge file is added, removed or edited."""
    signature = []
    for path in _yaml_files(Path(directory)):
        try:
            stat = path.stat()
        except OSError:  # removed between listing and looking
            continue
        signature.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(signature)


def load_knowledge(directory: str | Path) -> Knowledge:
    """Read every YAML file under `directory`; never raises for bad content, records problems."""
    directory = Path(directory)
    knowledge = Knowledge()
    if not directory.is_dir():
        knowledge.problems.append(Problem(str(directory), 0, "knowledge directory not found"))
        return knowledge
    knowledge.signature = files_signature(directory)
    knowledge.files = knowledge_files(directory)
    if (directory / SYNONYMS_FILE).is_file():
        knowledge.synonyms = _load_synonyms(directory / SYNONYMS_FILE, knowledge.problems)
    if not knowledge.files:
        knowledge.problems.append(Problem(str(directory), 0, "no .yaml files in the directory"))
    with no_cycle_collection():
        _load_entries(knowledge)
    return knowledge


def phrasing_key(text: str) -> str:
    """A phrasing as two are told the same by: spaces and case aside ("Where is  MY box?" is
    "where is my box?"), in the files' check, curation and the gaps alike."""
    return " ".join(text.split()).lower()


def _load_entries(knowledge: Knowledge) -> None:
    first_seen: dict[str, str] = {}
    phrasing_owner: dict[str, Entry] = {}
    for path in knowledge.files:
        for entry in _load_file(path, knowledge.problems):
            where = entry.source
            file, line = where.rsplit(":", 1)
            if entry.id in first_seen:
                knowledge.problems.append(
                    Problem(
                        file,
                        int(line),
                        f"duplicate id {entry.id!r} (first at {first_seen[entry.id]}); "
                        "give one of them another id",
                    )
                )
                continue
            first_seen[entry.id] = where
            for phrasing in entry.phrasings:
                key = phrasing_key(phrasing)
                owner = phrasing_owner.setdefault(key, entry)
                if owner.id != entry.id:
                    message = (
                        f"entry {entry.id!r}: phrasing {phrasing!r} is also one of entry "
                        f"{owner.id!r} ({owner.source}); keep it in the entry it belongs to"
                    )
                    knowledge.problems.append(Problem(file, int(line), message, "warning"))
            knowledge.entries.append(entry)


def load_valid_knowledge(directory: str | Path) -> Knowledge:
    """Load the knowledge base, raising ContentError if it has any error."""
    knowledge = load_knowledge(directory)
    if knowledge.errors:
        raise ContentError(knowledge.errors)
    return knowledge


def _entry_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise ValueError(f"{value!r} must be one word of at most 100 characters")
    return value


def _none_is_empty(value: object) -> object:
    return [] if value is None else value  # "variants:" with nothing under it yet


Texts = Annotated[list[Text], BeforeValidator(_none_is_empty)]


class EntryShape(Shape):
    id: Annotated[str, AfterValidator(_entry_id)]
    question: Text
    variants: Texts = Field(
        default_factory=list,
        description="a list of non-empty texts",
        # what leads and the README call them besides
        json_schema_extra={"also_called": ["phrasings", "phrasing", "alternatives", "examples"]},
    )
    answer: Text
    tags: Texts = Field(default_factory=list, description="a list of non-empty texts")


def _load_file(path: Path, problems: list[Problem]) -> list[Entry]:
    try:
        return _sound_entries(path)
    except NeedsNodes:
        pass  # something is wrong (or unusual): the node tree finds it, with its line
    name = str(path)
    parsed = read_yaml(path, problems)
    if parsed is None:
        return []
    data, root = parsed
    if data is None or root is None:  # no root only for an empty file, whose data is None
        problems.append(Problem(name, 1, "the file is empty", "warning"))
        return []
    if not isinstance(data, list):
        problems.append(Problem(name, line_of(root), "expected a list of entries"))
        return []
    entries = []
    # Each entry is checked on its own: a bad one is left out and the others still load.
    for item, node in zip(data, root.value, strict=True):
        if not isinstance(item, dict):  # the shape's own words would call it "the file"
            message = "an entry must be a mapping with id, question, answer"
            problems.append(Problem(name, line_of(node), message))
            continue
        entry_id = item.get("id")
        # Named by its id when it has one as text; else "missing id" (or why not) is said there.
        prefix = f"entry {entry_id!r}: " if isinstance(entry_id, str) and entry_id else ""
        shaped = check_shape(item, node, EntryShape, name, problems, prefix)
        if shaped is not None:
            entries.append(_entry(shaped, f"{name}:{line_of(node)}"))
    return entries


def _sound_entries(path: Path) -> list[Entry]:
    """The file's entries when it is a list of sound ones, the common case, read without the
    node tree (`list_items`); NeedsNodes at the first thing wrong, for `_load_file` to read
    the file again and report every problem at its line."""
    entries = []
    for item, line in list_items(path):
        try:
            shaped = EntryShape.model_validate(item)
        except ValidationError:
            raise NeedsNodes(path) from None
        entries.append(_entry(shaped, f"{path}:{line}"))
    return entries


def _entry(shaped: EntryShape, source: str) -> Entry:
    return Entry(
        id=shaped.id,
        question=shaped.question,
        answer=shaped.answer,
        variants=tuple(shaped.variants),
        tags=tuple(shaped.tags),
        source=source,
    )


def _one_word(word: str) -> str:
    if len(word.split()) != 1:
        raise ValueError("must be one word, as the FAQ writes it")
    return word.strip().lower()


class SynonymsFile(Shape):
    synonyms: dict[str, object] = Field(
        description="a mapping of the FAQ's words to the words customers use"
    )


class Synonym(Shape):
    """One word of the FAQ and what customers say for it, checked on its own so that one bad
    word does not lose the others."""

    word: Annotated[str, AfterValidator(_one_word)]
    phrases: list[Text] = Field(description="a list of words or phrases")


def _load_synonyms(path: Path, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    """`synonyms:` maps a word the FAQ uses to the other words and phrases customers use."""
    name = str(path)
    loaded = load_shape(path, SynonymsFile, problems)
    if loaded is None:
        return {}
    content, root = loaded
    mapping = value_node(root, "synonyms")
    key_nodes = [key for key, _ in mapping.value] if isinstance(mapping, yaml.MappingNode) else []
    synonyms: dict[str, tuple[str, ...]] = {}
    lines: dict[str, int] = {}
    owner: dict[str, str] = {}
    for (word, others), node in zip(content.synonyms.items(), key_nodes, strict=True):
        shaped = check_shape(
            {"word": word, "phrases": others}, node, Synonym, name, problems, f"{word!r}: "
        )
        if shaped is None:
            continue
        line = line_of(node)
        for other in (o.lower() for o in shaped.phrases):
            if other in owner and owner[other] != shaped.word:
                message = f"{other!r} is listed for both {owner[other]!r} and {shaped.word!r}"
                problems.append(Problem(name, line, message))
            owner[other] = shaped.word
        synonyms[shaped.word] = tuple(o.lower() for o in shaped.phrases)
        lines[shaped.word] = line
    for word in synonyms:
        if word in owner:
            message = f"{word!r} is a word and also another word's synonym ({owner[word]!r})"
            problems.append(Problem(name, lines[word], message))
    return synonyms


def entries_gone_with_files(before: Knowledge, after: Knowledge) -> dict[str, list[str]]:
    """The entries `before` had that `after` lacks because their file is gone (deleted or
    renamed away, not edited): file -> entry ids. An entry moved to another file is kept."""
    files = {str(path) for path in after.files}
    ids = {entry.id for entry in after.entries}
    gone: dict[str, list[str]] = {}
    for entry in before.entries:
        file = entry.source.rpartition(":")[0]
        if file not in files and entry.id not in ids:
            gone.setdefault(file, []).append(entry.id)
    return gone

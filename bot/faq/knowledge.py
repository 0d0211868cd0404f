"""The curated FAQ: YAML files under `knowledge/`, loaded and validated with file and line."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.shared.content import (
    ContentError,
    Problem,
    key_lines,
    line_of,
    read_yaml,
    unknown_keys,
    value_node,
)

ENTRY_KEYS = {"id", "question", "variants", "answer", "tags"}
SYNONYMS_FILE = "synonyms.yaml"  # words customers use for the FAQ's words; not entries
ID_PATTERN = re.compile(r"^\S{1,100}$")  # ids are typed by leads and shown to reps: one word


@dataclass(frozen=True)
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
    first_seen: dict[str, str] = {}
    phrasing_owner: dict[str, str] = {}
    for path in knowledge.files:
        for entry in _load_file(path, knowledge.problems):
            where = entry.source
            file, line = where.rsplit(":", 1)
            if entry.id in first_seen:
                knowledge.problems.append(
                    Problem(
                        file,
                        int(line),
                        f"duplicate id {entry.id!r} (first at {first_seen[entry.id]})",
                    )
                )
                continue
            first_seen[entry.id] = where
            for phrasing in entry.phrasings:
                key = " ".join(phrasing.lower().split())
                owner = phrasing_owner.setdefault(key, entry.id)
                if owner != entry.id:
                    knowledge.problems.append(
                        Problem(
                            file,
                            int(line),
                            f"{entry.id!r}: phrasing {phrasing!r} is also in {owner!r}",
                            "warning",
                        )
                    )
            knowledge.entries.append(entry)
    return knowledge


def load_valid_knowledge(directory: str | Path) -> Knowledge:
    """Load the knowledge base, raising ContentError if it has any error."""
    knowledge = load_knowledge(directory)
    if knowledge.errors:
        raise ContentError(knowledge.errors)
    return knowledge


def _load_file(path: Path, problems: list[Problem]) -> list[Entry]:
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
    for item, node in zip(data, root.value, strict=True):
        entry = _entry(item, node, name, problems)
        if entry is not None:
            entries.append(entry)
    return entries


def _entry(item: object, node: yaml.Node, name: str, problems: list[Problem]) -> Entry | None:
    line = line_of(node)
    if not isinstance(item, dict):
        problems.append(Problem(name, line, "an entry must be a mapping with id, question, answer"))
        return None
    lines = key_lines(node)

    def problem(key: str, message: str, severity: str = "error") -> None:
        problems.append(Problem(name, lines.get(key, line), message, severity))

    ok = True
    entry_id = item.get("id")
    label = f"entry {entry_id!r}" if entry_id else "entry"
    if entry_id is None or (isinstance(entry_id, str) and not entry_id.strip()):
        problem("id", "missing id")
        ok = False
    elif not isinstance(entry_id, str) or not ID_PATTERN.match(entry_id):
        problem("id", f"id {entry_id!r} must be one word of at most 100 characters")
        ok = False
    for key in ("question", "answer"):
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            problem(key, f"{label}: empty {key}" if key in item else f"{label}: missing {key}")
            ok = False
    variants = _strings(item, "variants", label, problem)
    tags = _strings(item, "tags", label, problem)
    if variants is None or tags is None:
        ok = False
    if unknown := unknown_keys(item, ENTRY_KEYS, lines, file=name, line=line, prefix=f"{label}: "):
        problems.extend(unknown)
        ok = False
    if not ok or not isinstance(entry_id, str) or variants is None or tags is None:
        return None  # the last three only restate what `ok` says, for the type checker
    return Entry(
        id=entry_id,
        question=item["question"].strip(),
        answer=item["answer"].strip(),
        variants=tuple(variants),
        tags=tuple(tags),
        source=f"{name}:{line}",
    )


def _strings(item: dict, key: str, label: str, problem) -> list[str] | None:
    value = item.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problem(key, f"{label}: {key} must be a list of non-empty texts")
        return None
    return [v.strip() for v in value]


def _load_synonyms(path: Path, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    """`synonyms:` maps a word the FAQ uses to the other words and phrases customers use."""
    name = str(path)
    parsed = read_yaml(path, problems)
    if parsed is None or parsed[0] is None:
        return {}
    data, root = parsed
    if not isinstance(data, dict) or not isinstance(data.get("synonyms"), dict):
        problems.append(Problem(name, 1, "expected `synonyms:` mapping words to lists of words"))
        return {}
    lines = key_lines(value_node(root, "synonyms"))
    synonyms: dict[str, tuple[str, ...]] = {}
    owner: dict[str, str] = {}
    for word, others in data["synonyms"].items():
        line = lines.get(word, 1)
        if not isinstance(word, str) or len(word.split()) != 1:
            problems.append(Problem(name, line, f"{word!r}: the word must be one word"))
            continue
        if not isinstance(others, list) or not all(
            isinstance(o, str) and o.strip() for o in others
        ):
            problems.append(Problem(name, line, f"{word}: expected a list of words or phrases"))
            continue
        word = word.strip().lower()
        for other in (o.strip().lower() for o in others):
            if other in owner and owner[other] != word:
                message = f"{other!r} is listed for both {owner[other]!r} and {word!r}"
                problems.append(Problem(name, line, message))
            owner[other] = word
        synonyms[word] = tuple(o.strip().lower() for o in others)
    for word in synonyms:
        if word in owner:
            message = f"{word!r} is a word and also another word's synonym ({owner[word]!r})"
            problems.append(Problem(name, lines.get(word, 1), message))
    return synonyms

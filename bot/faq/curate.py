"""What team leads add to the FAQ from the floor, written into the `knowledge/` files.

Edits are made to the text, not by re-dumping the YAML, so a lead's comments, quoting and
layout survive and the diff a reviewer sees is just the new lines. Every write is checked by
loading the knowledge base again; a write that would break it is undone.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
from collections.abc import Iterator, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.faq.knowledge import Entry, load_knowledge, phrasing_key
from bot.shared.content import ContentError, key_lines, value_node
from bot.shared.refusal import Refusal

PHRASING_LIMIT = 500
NEW_ENTRIES_FILE = "added.yaml"  # where a new entry goes when no file is named after its tag


@contextmanager
def _writing(knowledge_dir: Path) -> Iterator[None]:
    """One edit at a time to the knowledge files, over every thread and every worker process:
    each edit reads a file and writes it back, and two at once would lose one. flock on the
    directory itself needs no lock file; each call opens its own descriptor, so threads of
    one process exclude each other too. Closing the descriptor releases the lock."""
    fd = os.open(knowledge_dir, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


class CurateError(Refusal):
    """The edit cannot be made; the message says why, for the lead."""


@dataclass(frozen=True)
class Written:
    entry_id: str
    file: Path


def _quoted(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar: every character survives.
    return json.dumps(text, ensure_ascii=False)


def _clean(text: str, what: str, limit: int) -> str:
    text = " ".join(text.split())
    if not text:
        raise CurateError(f"The {what} is empty.")
    if len(text) > limit:
        raise CurateError(f"The {what} is longer than {limit} characters.")
    return text


def add_phrasing(knowledge_dir: Path, entry: Entry, phrasing: str) -> Written | None:
    """Add `phrasing` to the entry's variants in its file; None if the entry already has it."""
    phrasing = _clean(phrasing, "phrasing", PHRASING_LIMIT)
    if phrasing_key(phrasing) in map(phrasing_key, entry.phrasings):
        return None
    path = Path(entry.source.rsplit(":", 1)[0])
    with _writing(knowledge_dir):
        text = path.read_text(encoding="utf-8")
        _write_checked(knowledge_dir, path, _with_variant(text, entry.id, phrasing))
    return Written(entry.id, path)


def add_entry(
    knowledge_dir: Path,
    question: str,
    answer: str,
    *,
    variants: Sequence[str] = (),
    tags: Sequence[str] = (),
    taken_ids: AbstractSet[str] = frozenset(),
) -> Written:
    """Append a new entry to the file named after its first tag, or to added.yaml."""
    question = _clean(question, "question", PHRASING_LIMIT)
    answer = answer.strip()
    if not answer:
        raise CurateError("The answer is empty.")
    variants = list(
        dict.fromkeys(_clean(v, "phrasing", PHRASING_LIMIT) for v in variants if v.strip())
    )
    variants = [v for v in variants if v.lower() != question.lower()]
    tags = [t for t in (re.sub(r"[^\w-]", "", tag.lower()) for tag in tags) if t]
    entry_id = _new_id(question, taken_ids)
    lines = [f"- id: {entry_id}", f"  question: {_quoted(question)}"]
    if variants:
        lines += ["  variants:", *(f"    - {_quoted(v)}" for v in variants)]
    lines.append(f"  answer: {_quoted(answer)}")
    if tags:
        lines.append(f"  tags: [{', '.join(tags)}]")
    with _writing(knowledge_dir):
        path = _file_for(knowledge_dir, tags)
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if text and not text.endswith("\n"):
            text += "\n"
        _write_checked(knowledge_dir, path, text + "\n".join(lines) + "\n")
    return Written(entry_id, path)


def _new_id(question: str, taken: AbstractSet[str]) -> str:
    words = re.findall(r"[a-z0-9]+", question.lower())[:6]
    base = "_".join(words)[:40].strip("_") or "entry"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}_{n}", n + 1
    return candidate


def _file_for(knowledge_dir: Path, tags: list[str]) -> Path:
    for tag in tags:
        path = knowledge_dir / f"{tag}.yaml"
        if path.is_file():
            return path
    return knowledge_dir / NEW_ENTRIES_FILE


def _with_variant(text: str, entry_id: str, phrasing: str) -> str:
    """The file's text with one more variant in the entry, placed and indented like the rest."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    entry = next(
        (
            node
            for node in (root.value if isinstance(root, yaml.SequenceNode) else [])
            if (id_node := value_node(node, "id")) is not None and id_node.value == entry_id
        ),
        None,
    )
    if entry is None:
        raise CurateError(f"Entry {entry_id} is no longer in its file.")
    lines = text.splitlines(keepends=True)
    variants = value_node(entry, "variants")
    if isinstance(variants, yaml.SequenceNode) and variants.flow_style:
        # variants: ["a", "b"]  ->  variants: ["a", "b", "new"]
        end = variants.end_mark.index - 1  # the closing bracket
        separator = ", " if variants.value else ""
        return text[:end] + separator + _quoted(phrasing) + text[end:]
    if isinstance(variants, yaml.SequenceNode) and variants.value:
        first, last = variants.value[0], variants.value[-1]
        prefix = lines[first.start_mark.line][: first.start_mark.column]  # e.g. "    - "
        after = last.end_mark.line + (1 if last.end_mark.column else 0)
        return "".join([*lines[:after], prefix + _quoted(phrasing) + "\n", *lines[after:]])
    # No variants yet: a new block right after the question.
    question = value_node(entry, "question")
    if question is None:  # edited by hand since it was loaded
        raise CurateError(f"Entry {entry_id} has no question in its file.")
    column = entry.start_mark.column  # where the entry's keys start
    after = question.end_mark.line + (1 if question.end_mark.column else 0)
    if variants is not None:  # "variants:" with nothing under it: replaced by the new block
        key_line = key_lines(entry)["variants"] - 1
        del lines[key_line]
        after -= key_line < after
    pad = " " * column
    new = [f"{pad}variants:\n", f"{pad}  - {_quoted(phrasing)}\n"]
    return "".join([*lines[:after], *new, *lines[after:]])


def _write_checked(knowledge_dir: Path, path: Path, text: str) -> None:
    """Replace the file atomically, then load the knowledge base; undo if it broke."""
    old = path.read_text(encoding="utf-8") if path.exists() else None
    _replace(path, text)
    knowledge = load_knowledge(knowledge_dir)
    errors = knowledge.errors
    if errors:
        if old is None:
            path.unlink()
        else:
            _replace(path, old)
        raise CurateError(f"The change would break the knowledge base: {ContentError(errors)}")


def _replace(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")  # not *.yaml: a reload never reads it
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)

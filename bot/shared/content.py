"""Content that leads edit (FAQ, playbooks): YAML read with the line of every node, and
problems reported as file:line so a lead can find them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    severity: str = "error"  # "error" stops the bot; "warning" is shown by `repbot check`

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.severity}: {self.message}"


class ContentError(Exception):
    """Content with errors; the message lists every one."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


# libyaml's loader when PyYAML was built with it: the same nodes and line marks, ten times
# faster (a big FAQ or a reload every few seconds is mostly YAML parsing).
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path, problems: list[Problem]) -> tuple[object, yaml.Node | None] | None:
    """The file's data and its node tree (for line numbers), (None, None) for an empty file,
    or None after recording why it could not be read."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(name, 0, f"cannot read the file: {error}"))
        return None
    loader = LOADER(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark else 0
        reason = getattr(error, "problem", None) or str(error)
        problems.append(Problem(name, line, f"bad YAML: {reason}"))
        return None
    finally:
        loader.dispose()
    return data, root


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def key_lines(node: yaml.Node | None) -> dict[str, int]:
    """The line of each key of a mapping node; none for anything else (an empty file too)."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: line_of(key) for key, _ in node.value}


def value_node(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The node of a mapping's value, for the lines of what is inside it."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if key_node.value == key:
                return value
    return None


def item_nodes(node: yaml.Node | None, key: str) -> list[yaml.Node]:
    """The nodes of the items of a mapping's list value, in order; none when it is no list."""
    value = value_node(node, key)
    return value.value if isinstance(value, yaml.SequenceNode) else []


def unknown_keys(
    data: dict,
    allowed: Iterable[str],
    lines: dict[str, int],
    *,
    file: str,
    line: int = 1,
    prefix: str = "",
    severity: str = "error",
) -> list[Problem]:
    """A problem for each key of `data` that is not `allowed` (a misspelt key would otherwise
    be ignored without a word), at the key's own line."""
    allowed = sorted(allowed)
    expected = "expected " + ", ".join(allowed)
    return [
        Problem(file, lines.get(str(key), line), f"{prefix}unknown key {key!r} ({expected})",
                severity)
        for key in data
        if key not in allowed
    ]  # fmt: skip

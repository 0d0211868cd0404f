"""Content that leads edit (FAQ, playbooks): YAML read with the line of every node, and
problems reported as file:line so a lead can find them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import UnionType
from typing import TYPE_CHECKING, Annotated, TypeVar, get_args, get_origin

import yaml
from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails
from rapidfuzz import fuzz, process


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
if TYPE_CHECKING:  # CSafeLoader is not there when PyYAML was built without libyaml
    _Loader = yaml.SafeLoader | yaml.CSafeLoader


def readable(key: str) -> str:
    """A content id read out where no file gives it a name ("account_credit" is "Account
    credit", "as-i-said" is "As i said"): never the id itself in front of a person."""
    words = " ".join(key.replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:]


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
        problems.append(Problem(name, line, f"bad YAML: {reason}; {_yaml_fix(text, line)}"))
        return None
    finally:
        loader.dispose()
    return data, root


def _yaml_fix(text: str, line: int) -> str:
    """What to do about YAML that does not parse, from the line the parser stopped on."""
    lines = text.splitlines()
    here = lines[line - 1] if 0 < line <= len(lines) else ""
    key, colon, value = here.partition(": ")
    if "\t" in here:
        return "replace the tab on this line with spaces (YAML indents with spaces only)"
    if colon and ": " in value:
        return f"the text after '{key.strip(' -')}:' has ': ' in it, so put that text in quotes"
    return (
        "check the indentation of this line and the ones just above: the keys of one entry "
        "start in the same column, under its first key"
    )


class NeedsNodes(Exception):
    """`list_items` met what only the node tree reads right (another root, aliases, tags,
    merge keys, bad YAML, a file it cannot read): read_yaml reads it, and says what is wrong."""


_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
# The first characters of plain scalars that may be something other than text (true, 90, ~,
# 2026-01-01, <<); None would stand for resolvers that look at every scalar.
_TYPED_STARTS = frozenset(LOADER.yaml_implicit_resolvers)


def list_items(path: Path) -> Iterator[tuple[object, int]]:
    """The items of a file that is one list, each with the line it starts on, as read_yaml's
    data has them, made straight from the parser's events. No node tree: for a big FAQ the
    tree (a node and two marks for each scalar) took most of the start-up and most of the
    memory, and the memory it left behind stayed with the process. Raises NeedsNodes, possibly
    after some items, for anything but a plain list; the caller then drops what it got and
    reads the file with read_yaml."""
    try:
        with path.open("rb") as stream:  # read in chunks: not the whole text, twice, at once
            loader = LOADER(stream)
            try:
                events = loader.get_event
                if not isinstance(events(), yaml.StreamStartEvent) or not isinstance(
                    events(), yaml.DocumentStartEvent
                ):
                    raise NeedsNodes  # never, or empty: read_yaml says so
                start = events()
                if not isinstance(start, yaml.SequenceStartEvent) or start.tag is not None:
                    raise NeedsNodes
                while not isinstance(event := events(), yaml.SequenceEndEvent):
                    yield _value(loader, event), event.start_mark.line + 1
                if not isinstance(events(), yaml.DocumentEndEvent) or not isinstance(
                    events(), yaml.StreamEndEvent
                ):
                    raise NeedsNodes  # a second document
            finally:
                loader.dispose()
    except (OSError, yaml.YAMLError) as error:
        raise NeedsNodes from error


def _value(loader: _Loader, event: yaml.Event | None) -> object:
    """What `event` starts, built as the safe constructor builds it from the node tree."""
    if isinstance(event, yaml.ScalarEvent):
        return _scalar(loader, event)
    if isinstance(event, yaml.SequenceStartEvent) and event.tag is None:
        items = []
        while not isinstance(event := loader.get_event(), yaml.SequenceEndEvent):
            items.append(_value(loader, event))
        return items
    if isinstance(event, yaml.MappingStartEvent) and event.tag is None:
        mapping = {}
        while not isinstance(key := loader.get_event(), yaml.MappingEndEvent):
            if not isinstance(key, yaml.ScalarEvent):
                raise NeedsNodes  # a list or mapping as a key
            mapping[_scalar(loader, key)] = _value(loader, loader.get_event())
        return mapping
    raise NeedsNodes  # an alias or an explicit tag


def _scalar(loader: _Loader, event: yaml.ScalarEvent) -> object:
    if event.tag is not None and event.tag != "!":
        raise NeedsNodes
    value = event.value
    # Nearly every scalar of content is text: quoted, or plain with a first character that
    # starts no other type (the resolver looks types up by it), so it need not be resolved.
    if not event.implicit[0] or (value and value[0] not in _TYPED_STARTS):
        return value
    tag = loader.resolve(yaml.ScalarNode, value, event.implicit)
    if tag == _STR:
        return value
    if tag == _MERGE:
        raise NeedsNodes
    # true, 90, 2026-01-01, null: as the constructor makes them (the shapes then refuse them)
    node = yaml.ScalarNode(tag, value, None, None, event.style)  # marks: for errors only
    return loader.construct_object(node)


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


class Shape(BaseModel):
    """The shape of a piece of content: its keys, their types and the values they allow.
    Unknown keys are errors (a misspelt key would otherwise be ignored without a word); a shape
    declared with extra="allow" keeps them with a warning. Strict, so that YAML's `yes` or `90`
    are never quietly turned into text or numbers. The config's title names the keys in
    messages ("unknown role 'boss'"); a field's description says what it must be."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


S = TypeVar("S", bound=Shape)

# Text a lead writes: spaces around it are dropped, and blank is "empty" (see _message).
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Loc = tuple[int | str, ...]

# What a value of the wrong type must be instead, in a lead's words, by pydantic's error type.
EXPECTED = {
    "string_type": "text",
    "list_type": "a list",
    "too_short": "a list that is not empty",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "dict_type": "a mapping",
}
# rapidfuzz ratio from which an unknown key is taken for a typo of a known one: "answr" is 91
# from answer, "tag" 86 from tags, "anwser" 83; "chanel" is 60 from time, and no typo of it.
TYPO = 75
# A value quoted back in a message that shows how to write it: enough of it to recognise.
QUOTED = 60


def load_shape(
    path: Path, shape: type[S], problems: list[Problem]
) -> tuple[S, yaml.Node | None] | None:
    """The file's content as `shape`, with its node tree (for the lines of later checks), or
    None after recording each problem, at its line."""
    parsed = read_yaml(path, problems)
    if parsed is None:
        return None
    data, root = parsed
    value = check_shape(data, root, shape, str(path), problems)
    return None if value is None else (value, root)


def check_shape(
    data: object,
    node: yaml.Node | None,
    shape: type[S],
    file: str,
    problems: list[Problem],
    prefix: str = "",
) -> S | None:
    """`data` (read from `node`) as `shape`, or None after recording a problem for each thing
    wrong with it, in plain words at its line. Parts are checked on their own when the sound
    ones should load without the others (goals, teams)."""
    found = (
        [
            Problem(file, line_at(node, loc), prefix + _unknown(owner, loc), "warning")
            for loc, owner in _extras(data, shape, ())
        ]
        if _keeps_extras(shape)
        else []
    )
    try:
        value: S | None = shape.model_validate(data)
    except ValidationError as invalid:
        value = None
        errors = invalid.errors()
        # "missing answer" beside "unknown key 'answr': did you mean 'answer'?" is one mistake
        # said twice: the line of the misspelt key says it.
        misspelt = {(*e["loc"][:-1], meant) for e in errors if (meant := _meant_at(shape, e))}
        found += [
            Problem(file, line_at(node, error["loc"]), prefix + _said(error, shape, node, prefix))
            for error in errors
            if not (error["type"] == "missing" and error["loc"] in misspelt)
        ]
    problems += sorted(found, key=lambda problem: problem.line)  # in the order of the file
    return value


def line_at(node: yaml.Node | None, loc: Loc) -> int:
    """The line of what `loc` points to (keys of mappings, indexes of lists): the line of its
    key, or of the nearest thing above it that is there (where a missing key belongs)."""
    return _walk(node, loc)[0]


def _walk(node: yaml.Node | None, loc: Loc) -> tuple[int, yaml.Node | None]:
    """The line of what `loc` points to, and its node (None when it is not there)."""
    line = line_of(node) if node is not None else 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = [(key, value) for key, value in node.value if key.value == str(part)]
            if not found:
                return line, None
            line, node = line_of(found[0][0]), found[0][1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return line, None
            node = node.value[part]
            line = line_of(node)
        else:
            return line, None
    return line, node


def _unquoted(error: ErrorDetails, node: yaml.Node | None, key: str) -> str | None:
    """For text YAML read as something else (`id: yes` is true, `code: 012` a number): the
    words that say to quote it, from what the lead wrote; None for any other error."""
    if error["type"] != "string_type" or not isinstance(error["input"], bool | int | float):
        return None
    _, scalar = _walk(node, error["loc"])
    if not isinstance(scalar, yaml.ScalarNode):
        return None
    what = "yes or no" if isinstance(error["input"], bool) else "a number"
    return (f'{key}: put {scalar.value} in quotes, "{scalar.value}": without them YAML reads '
            f"it as {what}, not as text")  # fmt: skip


# A part checked on its own (a goal, a rule) is "it", not "the file".
def _said(error: ErrorDetails, shape: type[Shape], node: yaml.Node | None, prefix: str) -> str:
    whole = "it" if prefix else "the file"
    key = _key(error, whole)
    return (
        _unquoted(error, node, key)
        or _one_text(error, shape, node, key)
        or _message(error, shape, whole)
    )


def _one_text(
    error: ErrorDetails, shape: type[Shape], node: yaml.Node | None, key: str
) -> str | None:
    """For one text where a list must be (`variants: my box is late`): how to write it as a
    list, with the lead's own words; None for any other error, or a key the file does not
    have as written (a part made of the file's, as the synonyms are)."""
    if error["type"] != "list_type" or not isinstance(error["input"], str):
        return None
    if not isinstance(_walk(node, error["loc"])[1], yaml.ScalarNode):
        return None
    text = " ".join(error["input"].split())
    text = text if len(text) <= QUOTED else text[: QUOTED - 1].rstrip() + "…"
    one = json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML one too
    field = _field_at(shape, error["loc"])
    what = field.description if field and field.description else "a list"
    return (f"{key} must be {what}, not one text: write {key}: [{one}], or each on a line of "
            'its own under it, after "- "')  # fmt: skip


def _key(error: ErrorDetails, whole: str) -> str:
    keys = [part for part in error["loc"] if isinstance(part, str)]
    return keys[-1] if keys else whole


def _message(error: ErrorDetails, shape: type[Shape], whole: str) -> str:
    loc, kind = error["loc"], error["type"]
    keys = [part for part in loc if isinstance(part, str)]
    key = _key(error, whole)
    if kind == "extra_forbidden":
        owner = _shape_at(shape, loc[:-1])
        return _unknown(owner, loc) if owner else f"unknown key {loc[-1]!r}"
    field = _field_at(shape, loc)
    described = f" ({field.description})" if field and field.description else ""
    if kind == "missing":
        return f"{keys[-2]}: missing {key}{described}" if len(keys) > 1 else f"missing {key}"
    if kind == "value_error":
        return f"{key}: {error['ctx']['error']}"
    if kind == "literal_error":
        return f"{key}: {error['input']!r} is not one of {error['ctx']['expected']}"
    if field and field.description:
        return f"{key} must be {field.description}"
    if kind == "model_type":
        inner = _shape_at(shape, loc)
        keys_of = ", ".join(inner.model_fields) if inner else "keys"
        return f"{key} must be a mapping of {keys_of}"
    if kind == "string_too_short":  # blank text: "empty answer" says it plainer than "must be"
        return f"empty {key}"
    return f"{key} must be {EXPECTED.get(kind, 'as the comments of the file say')}"


def _unknown(owner: type[Shape], loc: Loc) -> str:
    """'channels: unknown channel 'managers' (expected leads, ...)', for the key at `loc`; with
    the key meant first when there is one (`_meant`)."""
    noun = owner.model_config.get("title") or "key"
    meant = _meant(owner, loc[-1])
    guess = f": did you mean {meant!r}?" if meant else ""
    message = f"unknown {noun} {loc[-1]!r}{guess} (expected {', '.join(owner.model_fields)})"
    parents = [part for part in loc[:-1] if isinstance(part, str)]
    return f"{parents[-1]}: {message}" if parents else message


def _meant(owner: type[Shape], key: object) -> str | None:
    """The key of `owner` that an unknown `key` most likely stands for: a typo of it ("answr",
    "varients"), or a word the field says leads use for it (`also_called` in its
    json_schema_extra: "phrasings" for variants)."""
    typed = str(key).strip().casefold()
    for name, field in owner.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        also = extra.get("also_called")
        if isinstance(also, list) and typed in also:
            return name
    best = process.extractOne(typed, list(owner.model_fields), scorer=fuzz.ratio, score_cutoff=TYPO)
    return best[0] if best else None


def _meant_at(shape: type[Shape], error: ErrorDetails) -> str | None:
    """For an unknown key's error, the key it likely stands for (`_meant`); else None."""
    if error["type"] != "extra_forbidden":
        return None
    owner = _shape_at(shape, error["loc"][:-1])
    return _meant(owner, error["loc"][-1]) if owner else None


def _extras(data: object, shape: type[Shape], loc: Loc) -> Iterator[tuple[Loc, type[Shape]]]:
    """The unknown keys that shapes declared with extra="allow" keep, each with where it is
    and its shape; found in the data, so that they are reported beside any error."""
    if isinstance(data, dict):
        owner = _shape_at(shape, loc)
        for key, item in data.items():
            if (
                owner
                and owner.model_config.get("extra") == "allow"
                and key not in owner.model_fields
            ):
                yield (*loc, key), owner
            else:
                yield from _extras(item, shape, (*loc, key))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from _extras(item, shape, (*loc, index))


@cache
def _keeps_extras(shape: type[Shape]) -> bool:
    """Whether the shape or one inside it keeps unknown keys: only then is the data walked for
    them (for the 100,000 entries of a big FAQ, the walk cost more than pydantic's check)."""
    return shape.model_config.get("extra") == "allow" or any(
        _keeps_extras(inner)
        for field in shape.model_fields.values()
        for inner in _shapes_in(field.annotation)
    )


def _shapes_in(kind: object) -> Iterator[type[Shape]]:
    """The shapes a field's type names: itself, or inside lists, optionals and annotations."""
    if isinstance(kind, type) and issubclass(kind, Shape):
        yield kind
    else:
        for arg in get_args(kind):
            yield from _shapes_in(arg)


def _shape_at(shape: type[Shape], loc: Loc) -> type[Shape] | None:
    """The shape that `loc` points into, following fields and list items."""
    kind: object = shape
    for part in loc:
        if isinstance(kind, type) and issubclass(kind, Shape):
            field = kind.model_fields.get(str(part))
            kind = field.annotation if field else None
        else:
            args = [arg for arg in get_args(kind) if arg is not type(None)]
            kind = args[-1] if args else None  # a list's items, an optional's value
        if get_origin(kind) is Annotated or isinstance(kind, UnionType):
            kind = next(arg for arg in get_args(kind) if arg is not type(None))
    return kind if isinstance(kind, type) and issubclass(kind, Shape) else None


def _field_at(shape: type[Shape], loc: Loc) -> FieldInfo | None:
    """The field an error is about: the last key of `loc` (for a list's item, the list)."""
    keys = [i for i, part in enumerate(loc) if isinstance(part, str)]
    if not keys:
        return None
    owner = _shape_at(shape, loc[: keys[-1]])
    return owner.model_fields.get(str(loc[keys[-1]])) if owner else None

"""Playbooks that team leads edit: the situations customers are in, what we can do in each,
empathy lines per emotion, working hours, and the Jinja2 templates of a draft reply. Loaded
and validated with file and line; every template is rendered once on load, so a broken one is
found by `repbot check`, never by a rep in the middle of a chat."""

from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import jinja2
import yaml
from jinja2.sandbox import SandboxedEnvironment

from bot.coaching.emotion import EMOTIONS
from bot.faq.knowledge import ID_PATTERN, Entry
from bot.shared.content import (
    Problem,
    item_nodes,
    key_lines,
    line_of,
    read_yaml,
    unknown_keys,
    value_node,
)

SITUATIONS_FILE = "situations.yaml"
EMPATHY_FILE = "empathy.yaml"
TEMPLATES_DIR = "templates"
STYLES = ("standard", "short", "formal")  # each has templates/<style>.j2
TOP_KEYS = {"working_hours", "fallback", "situations"}
HOURS_KEYS = {"days", "start", "end", "holidays"}
REQUIRED_KEYS = ("id", "problem", "options", "next_step", "within")
SITUATION_KEYS = {*REQUIRED_KEYS, "faq", "tags", "thing", "templates", "empathy"}
# {thing}: the customer's own word for it (or the situation's `thing`); {snippet}: a short
# quote of the customer's message, for the fallback that has no FAQ words to go by.
PLACEHOLDERS = ("thing", "snippet")
PLACEHOLDER = re.compile(r"\{(\w*)\}")
DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WITHIN = re.compile(r"^(\d+(?:\.\d+)?)\s+working\s+(hour|day)s?$")
CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
YEARLY = re.compile(r"^(\d\d)-(\d\d)$")  # a holiday on the same day every year: "12-25"


@dataclass(frozen=True)
class WorkingHours:
    """When promises may fall due: the same opening hours on every working day."""

    days: frozenset[int] = frozenset(range(5))  # weekday numbers, Monday is 0
    start: time = time(9)
    end: time = time(17)
    holidays: frozenset[date] = frozenset()  # one-off closed days (Easter moves)
    yearly: frozenset[tuple[int, int]] = frozenset()  # (month, day) closed every year

    @property
    def hours_per_day(self) -> float:
        start = datetime.combine(date.min, self.start)
        return (datetime.combine(date.min, self.end) - start) / timedelta(hours=1)

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() in self.days
            and day not in self.holidays
            and (day.month, day.day) not in self.yearly
        )

    def add(self, moment: datetime, hours: float) -> datetime:
        """`hours` of working time after `moment` (aware, in the rep's zone), in that zone.
        Arithmetic on one zone's datetimes is wall-clock time, so daylight saving changes
        (which happen at night) never move an opening hour."""
        remaining = timedelta(hours=hours)
        tz = moment.tzinfo
        day = moment.date()
        begin = moment
        while True:
            if self.is_working_day(day):
                opening = datetime.combine(day, self.start, tzinfo=tz)
                closing = datetime.combine(day, self.end, tzinfo=tz)
                begin = max(begin, opening)
                if begin < closing:
                    if begin + remaining <= closing:
                        return begin + remaining
                    remaining -= closing - begin
            day += timedelta(days=1)
            begin = datetime.combine(day, self.start, tzinfo=tz)


@dataclass(frozen=True)
class Situation:
    id: str
    problem: str  # a clause: "your {thing} is running late"
    options: tuple[str, ...]  # what we can do, each fits after "I can ..."
    next_step: str  # "I'll confirm where your {thing} is", the promise follows it
    within_hours: float  # working hours until the next step is due
    within: str = ""  # as the lead wrote it, "2 working hours"
    thing: str = ""  # the FAQ's word for the thing, replaced by the customer's synonym
    faq: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    templates: dict[str, str] = field(default_factory=dict)  # style -> template file
    empathy: dict[str, tuple[str, ...]] = field(default_factory=dict)  # emotion -> lines
    source: str = ""  # "file:line"


@dataclass(frozen=True)
class Playbooks:
    situations: tuple[Situation, ...] = ()
    fallback: Situation | None = None
    empathy: dict[str, tuple[str, ...]] = field(default_factory=dict)
    working_hours: WorkingHours = WorkingHours()
    templates: dict[str, jinja2.Template] = field(default_factory=dict)  # file name -> template

    def situation_for(self, entry: Entry | None) -> Situation:
        """The situation that names the entry's id, else the one sharing most of its tags
        (the first in the file on a tie), else the fallback."""
        if self.fallback is None:
            raise LookupError("the playbooks have no fallback situation (see repbot check)")
        if entry is None:
            return self.fallback
        for situation in self.situations:
            if entry.id in situation.faq:
                return situation
        best, shared = self.fallback, 0
        for situation in self.situations:
            overlap = len(set(situation.tags) & set(entry.tags))
            if overlap > shared:
                best, shared = situation, overlap
        return best

    def empathy_lines(self, situation: Situation, emotion: str) -> tuple[str, ...]:
        return situation.empathy.get(emotion) or self.empathy[emotion]

    def template(self, situation: Situation, style: str) -> jinja2.Template:
        return self.templates[situation.templates.get(style, f"{style}.j2")]


def render_context(
    *,
    customer_name: str | None,
    case_id: str | None,
    empathy: str,
    problem: str,
    options: Iterable[str],
    next_step: str,
    promise: str,
    version: int,
) -> dict[str, object]:
    """What every template is rendered with, the drafts and the load-time check alike.
    `pick("a", "b")` chooses a phrasing by version, so "Another version" reads differently."""

    def pick(*choices: str) -> str:
        return choices[version % len(choices)]

    return {
        "customer_name": customer_name,
        "case_id": case_id,
        "empathy": empathy,
        "problem": problem,
        "options": list(options),
        "next_step": next_step,
        "promise": promise,
        "version": version,
        "pick": pick,
    }


def _sample_contexts() -> list[dict[str, object]]:
    """With and without the optional parts, so both sides of a template's `if` are rendered."""
    sample = {
        "empathy": "I can see why that is frustrating.",
        "problem": "your parcel is running late",
        "next_step": "I'll confirm where your parcel is",
        "promise": "by 3 pm tomorrow",
    }
    full = render_context(
        customer_name="Sam",
        case_id="C-1042",
        options=["check the courier scan", "send a replacement", "refund it in full"],
        version=1,
        **sample,
    )
    bare = render_context(
        customer_name=None, case_id=None, options=["check it"], version=0, **sample
    )
    return [full, bare]


def sentence(text: str) -> str:
    """First letter upper case, the rest as written ("capitalize" would lower "Account")."""
    return text[:1].upper() + text[1:]


def make_environment(templates_dir: Path) -> jinja2.Environment:
    # Autoescape is for HTML and drafts are plain text; customer text only ever arrives as a
    # value, which Jinja prints and never evaluates. The sandbox keeps a template from
    # reaching into Python objects.
    environment = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(templates_dir),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["sentence"] = sentence
    return environment


def load_playbooks(playbooks_dir: str | Path) -> tuple[Playbooks, list[Problem]]:
    """Read situations, empathy lines and templates; never raises for bad content."""
    directory = Path(playbooks_dir)
    problems: list[Problem] = []
    templates = _load_templates(directory / TEMPLATES_DIR, problems)
    empathy = _load_empathy(directory / EMPATHY_FILE, problems)
    loaded = _load_situations(directory / SITUATIONS_FILE, templates, problems)
    if loaded is None:
        return Playbooks(empathy=empathy, templates=templates), problems
    situations, fallback, hours = loaded
    playbooks = Playbooks(situations, fallback, empathy, hours, templates)
    return playbooks, problems


def check_coverage(playbooks: Playbooks, entries: Iterable[Entry]) -> list[Problem]:
    """Warnings: FAQ entries that only the fallback would answer, and situations naming FAQ
    ids that do not exist (a renamed or removed entry)."""
    if playbooks.fallback is None:  # playbooks that failed to load; their errors say why
        return []
    problems = []
    entries = list(entries)
    for entry in entries:
        if playbooks.situation_for(entry) is playbooks.fallback:
            file, line = entry.source.rsplit(":", 1) if entry.source else ("", "0")
            message = f"FAQ entry {entry.id!r} has no playbook situation (by id or tag)"
            problems.append(Problem(file, int(line), message, "warning"))
    known = {entry.id for entry in entries}
    for situation in playbooks.situations:
        file, line = situation.source.rsplit(":", 1)
        for faq_id in situation.faq:
            if faq_id not in known:
                message = f"situation {situation.id!r} names unknown FAQ id {faq_id!r}"
                problems.append(Problem(file, int(line), message, "warning"))
    return problems


def _load_templates(directory: Path, problems: list[Problem]) -> dict[str, jinja2.Template]:
    if not directory.is_dir():
        problems.append(Problem(str(directory), 0, "templates directory not found"))
        return {}
    environment = make_environment(directory)
    templates: dict[str, jinja2.Template] = {}
    for path in sorted(directory.glob("*.j2")):
        template = _checked_template(environment, path, problems)
        if template is not None:
            templates[path.name] = template
    for style in STYLES:
        if not (directory / f"{style}.j2").is_file():
            problems.append(Problem(str(directory / f"{style}.j2"), 0, "template not found"))
    return templates


def _checked_template(
    environment: jinja2.Environment, path: Path, problems: list[Problem]
) -> jinja2.Template | None:
    try:
        template = environment.get_template(path.name)
    except jinja2.TemplateSyntaxError as error:
        problems.append(Problem(str(path), error.lineno, f"template syntax: {error.message}"))
        return None
    except (OSError, UnicodeDecodeError) as error:
        problems.append(Problem(str(path), 0, f"cannot read the template: {error}"))
        return None
    for context in _sample_contexts():
        try:
            template.render(context)
        # A lead's template can fail in any way (undefined name, bad filter, a division):
        # every failure is reported as a problem with its line, none reaches a rep.
        except Exception as error:
            problems.append(Problem(str(path), _template_line(error, template), _why(error)))
            return None
    return template


def _template_line(error: Exception, template: jinja2.Template) -> int:
    """Jinja rewrites tracebacks so the template's own frames carry its file and line."""
    lines = [
        frame.lineno
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename == template.filename and frame.lineno is not None
    ]
    return lines[-1] if lines else 0


def _why(error: Exception) -> str:
    if isinstance(error, jinja2.UndefinedError):
        return f"template uses something a draft does not have: {error.message}"
    return f"template fails to render: {type(error).__name__}: {error}"


def _load_empathy(path: Path, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    name = str(path)
    if not path.is_file():
        problems.append(Problem(name, 0, "file not found"))
        return {}
    parsed = read_yaml(path, problems)
    if parsed is None:
        return {}
    data, root = parsed
    if not isinstance(data, dict) or not isinstance(data.get("empathy"), dict) or root is None:
        problems.append(Problem(name, 1, "expected `empathy:` mapping each emotion to lines"))
        return {}
    empathy = _emotion_lines(data["empathy"], value_node(root, "empathy"), name, "", problems)
    missing = [emotion for emotion in EMOTIONS if emotion not in empathy]
    if missing:
        message = f"no empathy lines for {', '.join(missing)}"
        problems.append(Problem(name, line_of(root), message))
    return empathy


def _emotion_lines(
    data: dict, node: yaml.Node | None, name: str, label: str, problems: list[Problem]
) -> dict[str, tuple[str, ...]]:
    """`emotion: [lines]`, in empathy.yaml or as a situation's override (`label` names it)."""
    lines = key_lines(node)
    result: dict[str, tuple[str, ...]] = {}
    for emotion, texts in data.items():
        line = lines.get(emotion, line_of(node) if node else 1)
        if emotion not in EMOTIONS:
            message = f"{label}unknown emotion {emotion!r} (emotions: {', '.join(EMOTIONS)})"
            problems.append(Problem(name, line, message))
        elif not _texts(texts):
            problems.append(Problem(name, line, f"{label}{emotion}: expected a list of lines"))
        else:
            result[emotion] = tuple(text.strip() for text in texts)
            if len(texts) < 2:
                message = f"{label}{emotion}: one line only, so every version says the same"
                problems.append(Problem(name, line, message, "warning"))
    return result


def _texts(value: object) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(v, str) and v.strip() for v in value)
    )


def _load_situations(
    path: Path, templates: dict[str, jinja2.Template], problems: list[Problem]
) -> tuple[tuple[Situation, ...], Situation | None, WorkingHours] | None:
    name = str(path)
    if not path.is_file():
        problems.append(Problem(name, 0, "file not found"))
        return None
    parsed = read_yaml(path, problems)
    if parsed is None:
        return None
    data, root = parsed
    if not isinstance(data, dict):
        problems.append(Problem(name, 1, "expected the keys working_hours, fallback, situations"))
        return None
    lines = key_lines(root)
    problems += unknown_keys(data, TOP_KEYS, lines, file=name)
    hours = _working_hours(data.get("working_hours"), root, name, problems)
    items = data.get("situations")
    if not isinstance(items, list) or not items:
        problems.append(Problem(name, lines.get("situations", 1), "expected a list of situations"))
        return None
    situations: list[Situation] = []
    faq_owner: dict[str, str] = {}
    for item, node in zip(items, item_nodes(root, "situations"), strict=True):
        situation = _situation(item, node, name, set(templates), hours, problems)
        if situation is None:
            continue
        line = line_of(node)
        if any(s.id == situation.id for s in situations):
            problems.append(Problem(name, line, f"duplicate situation id {situation.id!r}"))
            continue
        for faq_id in situation.faq:
            if faq_id in faq_owner:
                message = f"FAQ id {faq_id!r} is in both {faq_owner[faq_id]!r} and {situation.id!r}"
                problems.append(Problem(name, line, message))
            faq_owner[faq_id] = situation.id
        situations.append(situation)
    fallback_id = data.get("fallback")
    fallback = next((s for s in situations if s.id == fallback_id), None)
    if fallback is None:
        message = f"fallback {fallback_id!r} must name one of the situations"
        problems.append(Problem(name, lines.get("fallback", 1), message))
    for situation in situations:
        if situation is not fallback and not situation.faq and not situation.tags:
            line = int(situation.source.rsplit(":", 1)[1])
            message = f"situation {situation.id!r} has no faq ids or tags, so nothing reaches it"
            problems.append(Problem(name, line, message, "warning"))
    return tuple(situations), fallback, hours


def _working_hours(
    data: object, root: yaml.Node | None, name: str, problems: list[Problem]
) -> WorkingHours:
    line = key_lines(root).get("working_hours", 1)
    if not isinstance(data, dict):
        problems.append(Problem(name, line, "working_hours: expected days, start and end"))
        return WorkingHours()
    lines = key_lines(value_node(root, "working_hours"))

    def problem(key: str, message: str) -> None:
        problems.append(Problem(name, lines.get(key, line), f"working_hours: {message}"))

    problems += unknown_keys(
        data, HOURS_KEYS, lines, file=name, line=line, prefix="working_hours: "
    )
    days = data.get("days")
    if not isinstance(days, list) or not days or not all(d in DAY_NAMES for d in days):
        problem("days", f"days must be a list of {', '.join(DAY_NAMES)}")
        days = DAY_NAMES[:5]
    start = _clock(data.get("start"), "start", problem) or time(9)
    end = _clock(data.get("end"), "end", problem) or time(17)
    if end <= start:
        problem("end", "end must be after start")
        start, end = time(9), time(17)
    holidays = data.get("holidays") or []
    yearly = [_yearly(value) for value in holidays] if isinstance(holidays, list) else None
    if yearly is None or any(
        day is None and type(value) is not date for value, day in zip(holidays, yearly, strict=True)
    ):
        problem(
            "holidays",
            'holidays must be a list of dates like 2026-04-03 (that day) or "12-25" (every year)',
        )
        holidays, yearly = [], []
    return WorkingHours(
        frozenset(DAY_NAMES.index(d) for d in days),
        start,
        end,
        frozenset(value for value in holidays if type(value) is date),
        frozenset(day for day in yearly if day is not None),
    )


def _yearly(value: object) -> tuple[int, int] | None:
    """(month, day) of a holiday given as "MM-DD", every year; None if it is not one."""
    match = YEARLY.match(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:  # 2024 is a leap year, so "02-29" is a day that exists
        day = date(2024, int(match[1]), int(match[2]))
    except ValueError:
        return None
    return day.month, day.day


def _clock(value: object, key: str, problem: Callable[[str, str], None]) -> time | None:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 17:00 as the number 1020 (base 60): take it as meant.
        value = f"{value // 60}:{value % 60:02d}"
    match = CLOCK.match(value) if isinstance(value, str) else None
    if match is None:
        problem(key, f'{key} must be a time like "09:00", not {value!r}')
        return None
    return time(int(match[1]), int(match[2]))


def _situation(
    item: object,
    node: yaml.Node,
    name: str,
    template_names: set[str],
    hours: WorkingHours,
    problems: list[Problem],
) -> Situation | None:
    line = line_of(node)
    if not isinstance(item, dict):
        problems.append(Problem(name, line, "a situation must be a mapping with id, problem, ..."))
        return None
    lines = key_lines(node)
    errors_before = len([p for p in problems if p.severity == "error"])

    situation_id = item.get("id")
    label = f"situation {situation_id!r}: " if situation_id else "situation: "

    def problem(key: str, message: str) -> None:
        problems.append(Problem(name, lines.get(key, line), label + message))

    problems += unknown_keys(item, SITUATION_KEYS, lines, file=name, line=line, prefix=label)
    for key in REQUIRED_KEYS:
        if key not in item:
            problem(key, f"missing {key}")
    if "id" in item and (not isinstance(situation_id, str) or not ID_PATTERN.match(situation_id)):
        problem("id", f"id {situation_id!r} must be one word")
    for key in ("problem", "next_step"):
        if key in item and (not isinstance(item[key], str) or not item[key].strip()):
            problem(key, f"empty {key}")
    if "options" in item and not _texts(item["options"]):
        problem("options", "options must be a non-empty list of what we can do")
    for key in ("faq", "tags"):
        if item.get(key) is not None and not _texts(item[key]):
            problem(key, f"{key} must be a list of non-empty texts")
    thing = item.get("thing", "")
    if not isinstance(thing, str):
        problem("thing", "thing must be a word, like box")
        thing = ""
    for key in ("problem", "next_step", "options"):
        texts = item.get(key)
        for text in texts if isinstance(texts, list) else [texts]:
            for placeholder in PLACEHOLDER.findall(text) if isinstance(text, str) else []:
                if placeholder not in PLACEHOLDERS:
                    problem(key, f"unknown placeholder {{{placeholder}}} (use {{thing}})")
                elif placeholder == "thing" and not thing.strip():
                    problem(key, "uses {thing} but the situation has no thing")
    within = item.get("within")
    match = WITHIN.match(within.strip()) if isinstance(within, str) else None
    if "within" in item and (match is None or float(match[1]) <= 0):
        example = "like '2 working hours' or '1 working day'"
        problem("within", f"within must read {example}, not {within!r}")
    templates = item.get("templates") or {}
    if not isinstance(templates, dict):
        problem("templates", "templates must map a style to a template file")
        templates = {}
    for style, file in templates.items():
        if style not in STYLES:
            problem("templates", f"unknown style {style!r} (styles: {', '.join(STYLES)})")
        elif file not in template_names:
            problem("templates", f"unknown template {file!r} (none in templates/ by that name)")
    empathy = item.get("empathy") or {}
    if isinstance(empathy, dict):
        empathy_node = value_node(node, "empathy")
        empathy = _emotion_lines(empathy, empathy_node, name, label, problems)
    else:
        problem("empathy", "empathy must map an emotion to lines")

    if len([p for p in problems if p.severity == "error"]) > errors_before:
        return None
    if not isinstance(situation_id, str) or not isinstance(within, str) or match is None:
        return None  # each reported above; restated for the type checker
    # A working day is one day's opening hours, so "1 working day" from 4 pm is 4 pm next day.
    unit_hours = 1 if match[2] == "hour" else hours.hours_per_day
    return Situation(
        id=situation_id,
        problem=item["problem"].strip(),
        options=tuple(option.strip() for option in item["options"]),
        next_step=item["next_step"].strip(),
        within_hours=float(match[1]) * unit_hours,
        within=within.strip(),
        thing=thing.strip(),
        faq=tuple(item.get("faq") or ()),
        tags=tuple(item.get("tags") or ()),
        templates=dict(templates),
        empathy=empathy,
        source=f"{name}:{line}",
    )

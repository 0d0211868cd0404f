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
from typing import Annotated, Literal, get_args

import jinja2
import yaml
from annotated_types import MinLen
from jinja2.sandbox import SandboxedEnvironment
from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from bot.coaching.emotion import EMOTIONS
from bot.coaching.tone import compile_pattern
from bot.faq.knowledge import ID_PATTERN, Entry
from bot.shared.content import (
    Problem,
    Shape,
    Text,
    check_shape,
    item_nodes,
    line_at,
    line_of,
    load_shape,
    value_node,
)

SITUATIONS_FILE = "situations.yaml"
EMPATHY_FILE = "empathy.yaml"
TEMPLATES_DIR = "templates"
# {thing}: the customer's own word for it (or the situation's `thing`); {topic}: their problem
# named in a few words ("your missing box"), for the fallback that has no FAQ words to go by.
# {snippet}, its older name, still works and says the same.
PLACEHOLDERS = ("thing", "topic", "snippet")
ALIASES = {"snippet": "topic"}
PLACEHOLDER = re.compile(r"\{(\w*)\}")
# The reply to a customer who only thanks us or says it is settled, one file per style.
CLOSING_TEMPLATE = "closing_{style}.j2"
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAY_NAMES: tuple[str, ...] = get_args(Day)
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

    def hours_in(self, within: str) -> float:
        """The working hours of a `within` ("2 working hours"); a working day is one day's
        opening hours, so "1 working day" from 4 pm is 4 pm the next day."""
        match = WITHIN.match(within)
        if match is None:  # checked when the file that says it was loaded
            raise ValueError(f"{within!r} does not read like '2 working hours'")
        return float(match[1]) * (1 if match[2] == "hour" else self.hours_per_day)

    def is_working_day(self, day: date) -> bool:
        return (
            day.weekday() in self.days
            and day not in self.holidays
            and (day.month, day.day) not in self.yearly
        )

    def covers(self, moment: datetime) -> bool:
        """Whether `moment` (aware, in the person's zone) is in working hours, their ends
        included: a promise due at closing ("eod") is in them."""
        return self.is_working_day(moment.date()) and self.start <= moment.time() <= self.end

    def next_opening(self, moment: datetime) -> datetime:
        """When work starts on the first working day after `moment`'s day (aware, in the
        rep's zone), in that zone: on a Friday, Monday's opening time."""
        day = self.working_day_from(moment.date() + timedelta(days=1))
        return datetime.combine(day, self.start, tzinfo=moment.tzinfo)

    def working_day_from(self, day: date) -> date:
        """`day` if work is done on it, else the first working day after it."""
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

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
class Instead:
    """Another situation for a message that says what this one cannot be: a box whose items
    need putting right came, so one that "never came" is asked after instead."""

    says: tuple[str, ...]  # phrases in the pattern language of tone.yaml
    use: str  # the id of the situation to use instead

    def said_in(self, message: str) -> bool:
        lowered = message.lower()
        return any(compile_pattern(phrase).spans(lowered) for phrase in self.says)


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
    instead: tuple[Instead, ...] = ()
    source: str = ""  # "file:line"


@dataclass(frozen=True)
class Playbooks:
    situations: tuple[Situation, ...] = ()
    fallback: Situation | None = None
    empathy: dict[str, tuple[str, ...]] = field(default_factory=dict)
    working_hours: WorkingHours = WorkingHours()
    templates: dict[str, jinja2.Template] = field(default_factory=dict)  # file name -> template

    def situation_for(self, entry: Entry | None, message: str = "") -> Situation:
        """The situation that names the entry's id, else the one sharing most of its tags
        (the first in the file on a tie), else the fallback; and in its place the one its
        `instead` names when the customer's message says what that one says."""
        found = self._situation_of(entry)
        for instead in found.instead:
            if instead.said_in(message):
                return self.situation(instead.use) or found
        return found

    def _situation_of(self, entry: Entry | None) -> Situation:
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

    def situation(self, situation_id: str) -> Situation | None:
        """The situation with this id; None for one the playbooks no longer have."""
        return next((s for s in self.situations if s.id == situation_id), None)

    def empathy_lines(self, situation: Situation, emotion: str) -> tuple[str, ...]:
        return situation.empathy.get(emotion) or self.empathy[emotion]

    def template(self, situation: Situation, style: str) -> jinja2.Template:
        return self.templates[situation.templates.get(style, f"{style}.j2")]

    def closing_template(self, style: str) -> jinja2.Template:
        return self.templates[CLOSING_TEMPLATE.format(style=style)]


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
    return {
        "customer_name": customer_name,
        "case_id": case_id,
        "empathy": empathy,
        "problem": problem,
        "options": list(options),
        "next_step": next_step,
        "promise": promise,
        "version": version,
        "pick": _picker(version),
    }


def closing_context(
    *, customer_name: str | None, case_id: str | None, thanked: bool, settled: bool, version: int
) -> dict[str, object]:
    """What every closing template is rendered with: no options, no next step, no promise."""
    return {
        "customer_name": customer_name,
        "case_id": case_id,
        "thanked": thanked,
        "settled": settled,
        "version": version,
        "pick": _picker(version),
    }


def _picker(version: int) -> Callable[..., str]:
    """A template's `pick`: one phrasing of those given, the next one in the next version."""

    def pick(*choices: str) -> str:
        return choices[version % len(choices)]

    return pick


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


def _closing_samples() -> list[dict[str, object]]:
    """Thanks and word that it is settled, each alone and both; with a name and a case, and
    without, so both sides of a template's `if` are rendered."""
    return [
        closing_context(customer_name="Sam", case_id="C-1042", thanked=True, settled=True,
                        version=1),
        closing_context(customer_name=None, case_id=None, thanked=True, settled=False, version=0),
        closing_context(customer_name=None, case_id=None, thanked=False, settled=True, version=2),
    ]  # fmt: skip


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


# The shapes of situations.yaml and empathy.yaml.


def _within(value: str) -> str:
    match = WITHIN.match(value.strip())
    if match is None or float(match[1]) <= 0:
        raise ValueError(f"{value!r} does not read like '2 working hours' or '1 working day'")
    return value.strip()


def _one_word(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise ValueError(f"{value!r} must be one word")
    return value


def _placeholders(text: str) -> str:
    for placeholder in PLACEHOLDER.findall(text):
        if placeholder not in PLACEHOLDERS:
            raise ValueError(f"unknown placeholder {{{placeholder}}} (use {{thing}} or {{topic}})")
    return text


def _clock(value: object) -> time:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 17:00 as the number 1020 (base 60): take it as meant.
        value = f"{value // 60}:{value % 60:02d}"
    match = CLOCK.match(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f'{value!r} is not a time like "09:00"')
    return time(int(match[1]), int(match[2]))


def _holiday(value: object) -> date | tuple[int, int]:
    """A date (that day), or "MM-DD" as (month, day), closed every year."""
    if type(value) is date:  # not a datetime, which YAML makes of a date with a time
        return value
    match = YEARLY.match(value) if isinstance(value, str) else None
    try:  # 2024 is a leap year, so "02-29" is a day that exists
        day = date(2024, int(match[1]), int(match[2])) if match else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError(
            f'{value!r} is not a date like 2026-04-03 (that day) or "12-25" (every year)'
        )
    return day.month, day.day


def _said(value: str) -> str:
    try:
        compile_pattern(value)
    except ValueError as error:
        raise ValueError(f"{value!r}: {error}") from None
    return value


# "2 working hours": when a situation's next step is due, and a team's reply (teams.yaml).
Within = Annotated[str, AfterValidator(_within)]
Phrase = Annotated[Text, AfterValidator(_placeholders)]
Clock = Annotated[time, BeforeValidator(_clock)]
Said = Annotated[Text, AfterValidator(_said)]
Lines = Annotated[list[Text], MinLen(1)]
LINES = "a list of lines, one or more"


class HoursShape(Shape):
    days: list[Day] = Field(min_length=1, description="a list of days like [mon, tue, wed]")
    start: Clock
    end: Clock
    holidays: list[Annotated[date | tuple[int, int], BeforeValidator(_holiday)]] = Field(
        default_factory=list,
        description='a list of dates like 2026-04-03 (that day) or "12-25" (every year)',
    )


# The emotions are those of bot.coaching.emotion (a test keeps them the same).
class EmotionLines(Shape, title="emotion"):
    frustrated: Lines | None = Field(default=None, description=LINES)
    angry: Lines | None = Field(default=None, description=LINES)
    anxious: Lines | None = Field(default=None, description=LINES)
    confused: Lines | None = Field(default=None, description=LINES)
    neutral: Lines | None = Field(default=None, description=LINES)


class StyleTemplates(Shape, title="style"):
    standard: str | None = None
    short: str | None = None
    formal: str | None = None


STYLES = tuple(StyleTemplates.model_fields)  # each has templates/<style>.j2


class InsteadShape(Shape, title="field"):
    says: list[Said] = Field(min_length=1, description="a list of phrases, as in tone.yaml")
    use: Annotated[str, AfterValidator(_one_word)]


class SituationShape(Shape):
    id: Annotated[str, AfterValidator(_one_word)]
    faq: list[Text] = Field(default_factory=list, description="a list of FAQ ids")
    tags: list[Text] = Field(default_factory=list, description="a list of tags")
    thing: Annotated[str, StringConstraints(strip_whitespace=True)] = Field(
        default="", description="a word, like box"
    )
    problem: Phrase = Field(description='a clause, like "your {thing} is running late"')
    options: list[Phrase] = Field(min_length=1, description="a non-empty list of what we can do")
    next_step: Phrase = Field(description='what happens next, like "I\'ll confirm where it is"')
    within: Within
    templates: StyleTemplates = Field(
        default_factory=StyleTemplates,
        description="a mapping of a style to a template file, like {standard: put_right.j2}",
    )
    empathy: EmotionLines = Field(
        default_factory=EmotionLines, description="a mapping of an emotion to its lines"
    )
    instead: list[InsteadShape] = Field(
        default_factory=list, description="a list of {says: [phrases], use: situation id}"
    )


# Working hours and each situation are checked on their own: a mistake in one leaves the
# others to be checked (and solutions.yaml to be checked against the sound situations).
class SituationsFile(Shape):
    working_hours: dict[str, object] = Field(description="a mapping of days, start and end")
    fallback: str = Field(description="the id of the situation for everything else")
    situations: list[object] = Field(min_length=1, description="a list of situations")


class EmpathyFile(Shape):
    empathy: EmotionLines = Field(description="a mapping of each emotion to its lines")


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
        for name in (f"{style}.j2", CLOSING_TEMPLATE.format(style=style)):
            if not (directory / name).is_file():
                problems.append(Problem(str(directory / name), 0, "template not found"))
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
    closing = path.name in {CLOSING_TEMPLATE.format(style=style) for style in STYLES}
    for context in _closing_samples() if closing else _sample_contexts():
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


def _emotion_lines(
    shaped: EmotionLines, node: yaml.Node | None, name: str, label: str, problems: list[Problem]
) -> dict[str, tuple[str, ...]]:
    """The lines of each emotion given, in empathy.yaml or as a situation's override (`label`
    names it), with a warning for an emotion of one line only."""
    result = {
        emotion: tuple(lines) for emotion, lines in shaped.model_dump(exclude_none=True).items()
    }
    for emotion, lines in result.items():
        if len(lines) < 2:
            message = f"{label}{emotion}: one line only, so every version says the same"
            problems.append(Problem(name, line_at(node, (emotion,)), message, "warning"))
    return result


def _load_empathy(path: Path, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    name = str(path)
    if not path.is_file():
        problems.append(Problem(name, 0, "file not found"))
        return {}
    loaded = load_shape(path, EmpathyFile, problems)
    if loaded is None:
        return {}
    content, root = loaded
    empathy = _emotion_lines(content.empathy, value_node(root, "empathy"), name, "", problems)
    missing = [emotion for emotion in EMOTIONS if emotion not in empathy]
    if missing:
        message = f"no empathy lines for {', '.join(missing)}"
        problems.append(Problem(name, line_at(root, ()), message))
    return empathy


def _load_situations(
    path: Path, templates: dict[str, jinja2.Template], problems: list[Problem]
) -> tuple[tuple[Situation, ...], Situation | None, WorkingHours] | None:
    name = str(path)
    if not path.is_file():
        problems.append(Problem(name, 0, "file not found"))
        return None
    loaded = load_shape(path, SituationsFile, problems)
    if loaded is None:
        return None
    content, root = loaded
    hours = _working_hours(content.working_hours, value_node(root, "working_hours"), name, problems)
    situations: list[Situation] = []
    faq_owner: dict[str, str] = {}
    for item, node in zip(content.situations, item_nodes(root, "situations"), strict=True):
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
    fallback = next((s for s in situations if s.id == content.fallback), None)
    if fallback is None:
        message = f"fallback {content.fallback!r} must name one of the situations"
        problems.append(Problem(name, line_at(root, ("fallback",)), message))
    for situation in situations:
        line = int(situation.source.rsplit(":", 1)[1])
        if situation is not fallback and not situation.faq and not situation.tags:
            message = f"situation {situation.id!r} has no faq ids or tags, so nothing reaches it"
            problems.append(Problem(name, line, message, "warning"))
        ids = {s.id for s in situations} - {situation.id}
        for instead in situation.instead:
            if instead.use not in ids:
                message = (
                    f"situation {situation.id!r}: instead uses {instead.use!r}, no other situation"
                )
                problems.append(Problem(name, line, message))
    return tuple(situations), fallback, hours


def _working_hours(
    data: dict[str, object], node: yaml.Node | None, name: str, problems: list[Problem]
) -> WorkingHours:
    """The working hours, or the default ones after recording what is wrong with them (the
    situations are still checked)."""
    shaped = check_shape(data, node, HoursShape, name, problems, "working_hours: ")
    if shaped is None:
        return WorkingHours()
    start, end = shaped.start, shaped.end
    if end <= start:
        message = "working_hours: end must be after start"
        problems.append(Problem(name, line_at(node, ("end",)), message))
        start, end = WorkingHours.start, WorkingHours.end
    return WorkingHours(
        frozenset(DAY_NAMES.index(day) for day in shaped.days),
        start,
        end,
        frozenset(day for day in shaped.holidays if isinstance(day, date)),
        frozenset(day for day in shaped.holidays if isinstance(day, tuple)),
    )


def _situation(
    item: object,
    node: yaml.Node,
    name: str,
    template_names: set[str],
    hours: WorkingHours,
    problems: list[Problem],
) -> Situation | None:
    situation_id = item.get("id") if isinstance(item, dict) else None
    label = f"situation {situation_id!r}: " if situation_id else "situation: "
    shaped = check_shape(item, node, SituationShape, name, problems, label)
    if shaped is None:
        return None
    # Rules between keys, and the templates directory, which the shape cannot see.
    phrases = {"problem": [shaped.problem], "next_step": [shaped.next_step]}
    wrong: list[tuple[tuple[str, ...], str]] = [
        ((key,), "uses {thing} but the situation has no thing")
        for key, texts in {**phrases, "options": shaped.options}.items()
        if not shaped.thing and any("thing" in PLACEHOLDER.findall(text) for text in texts)
    ]
    templates = shaped.templates.model_dump(exclude_none=True)
    wrong += [
        (("templates", style), f"unknown template {file!r} (none in templates/ by that name)")
        for style, file in templates.items()
        if file not in template_names
    ]
    problems += [Problem(name, line_at(node, loc), label + message) for loc, message in wrong]
    empathy = _emotion_lines(shaped.empathy, value_node(node, "empathy"), name, label, problems)
    if wrong:
        return None
    return Situation(
        id=shaped.id,
        problem=shaped.problem,
        options=tuple(shaped.options),
        next_step=shaped.next_step,
        within_hours=hours.hours_in(shaped.within),
        within=shaped.within,
        thing=shaped.thing,
        faq=tuple(shaped.faq),
        tags=tuple(shaped.tags),
        templates=templates,
        empathy=empathy,
        instead=tuple(Instead(tuple(i.says), i.use) for i in shaped.instead),
        source=f"{name}:{line_of(node)}",
    )

"""playbooks/goals.yaml: the figures a goal may name, the experience goals with their
targets, and when the weekly summary is posted."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import AfterValidator, BeforeValidator

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

Number = int | float

FILE_NAME = "goals.yaml"

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

MOVED_CHANNEL = "channel"  # the management channel, in roles.yaml (channels: management) now

CLOCK_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

GOAL_ID = re.compile(r"^[a-z][a-z0-9_]*$")

# The headline figures: name -> (label, unit). Goals name one of these.
FIGURES: dict[str, tuple[str, str]] = {
    "faq_queries": ("FAQ queries", "count"),
    "cases_opened": ("Cases opened", "count"),
    "contacts": ("Contacts", "count"),
    "faq_answer_rate": ("FAQ answer rate", "percent"),
    "faq_answered_outright": ("FAQ questions answered outright", "percent"),
    "faq_answer_precision": ("Answers not marked Not helpful", "percent"),
    "unanswered_questions": ("Questions with no good answer", "count"),
    "gaps_closed": ("FAQ gaps closed", "count"),
    "phrasings_added": ("Phrasings leads added", "count"),
    "entries_added": ("Entries leads added", "count"),
    "drafts_written": ("Drafts written", "count"),
    "drafts_used": ("Drafts used", "count"),
    "tone_checks": ("Tone checks", "count"),
    "can_do_score": ("Average can-do score", "score"),
    "solutions_proposed": ("Solutions proposed", "count"),
    "inside_authority_pct": ("Inside the rep's authority", "percent"),
    "approvals": ("Approved", "count"),
    "denials": ("Denied", "count"),
    "solutions_withdrawn": ("Withdrawn undecided (their case was closed)", "count"),
    "median_approval_minutes": ("Median time to decision", "minutes"),
    "promises_due": ("Promises due", "count"),
    "promises_kept": ("Kept on time", "count"),
    "promises_late": ("Kept late", "count"),
    "promises_closed": ("Closed with their case", "count"),
    "promises_overdue": ("Still overdue", "count"),
    "promises_kept_pct": ("Promises kept on time", "percent"),
    "repeat_contacts": ("Repeat contacts (second or later)", "count"),
    "third_contacts": ("Third or later contacts", "count"),
    "senior_callbacks": ("Senior callbacks", "count"),
    "cases_closed": ("Cases closed", "count"),
    "first_contact_resolution": (
        "First-contact resolution (closed after one contact, never sent to another team)",
        "percent",
    ),
    "redirects": ("Redirects to other teams", "count"),
    "redirects_waiting": ("Redirects not taken by the week's end", "count"),
    "redirects_withdrawn": ("Withdrawn untaken (their case was closed)", "count"),
    "median_redirect_wait_minutes": ("Median wait to be taken", "minutes"),
    "max_redirect_wait_minutes": ("Longest wait to be taken", "minutes"),
}
# The label of "redirects_waiting" in a week still going on, which has no end yet.
WAITING_SO_FAR = "Redirects not taken yet"


@dataclass(frozen=True)
class Goal:
    id: str
    label: str
    figure: str  # a name in FIGURES
    target: float
    direction: str  # "at_least" or "at_most"
    source: str = ""  # "file:line"

    def met_by(self, actual: Number | None) -> bool | None:
        if actual is None:
            return None
        return actual >= self.target if self.direction == "at_least" else actual <= self.target


@dataclass(frozen=True)
class Schedule:
    """When the weekly post goes out (where: the management channel of roles.yaml)."""

    timezone: str = "UTC"
    day: int = 0  # 0 is Monday
    time: time = time(9, 0)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Goals:
    goals: tuple[Goal, ...] = ()
    schedule: Schedule = field(default_factory=Schedule)

    def target_of(self, figure: str) -> float | None:
        """The target of the first goal on `figure`, if any goal names it."""
        return next((goal.target for goal in self.goals if goal.figure == figure), None)


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not a time zone like Europe/London") from None
    return value


def _day(value: object) -> int:
    if not isinstance(value, str) or value.lower() not in DAYS:
        raise ValueError(f"{value!r} is not a day of the week (monday, ...)")
    return DAYS.index(value.lower())


def _clock(value: object) -> time:
    when = CLOCK_TIME.match(value) if isinstance(value, str) else None
    if when is None:
        raise ValueError(f'{value!r} is not a time like "09:00"')
    return time(int(when[1]), int(when[2]))


def _goal_id(value: str) -> str:
    if not GOAL_ID.match(value):
        raise ValueError(f"{value!r} is not one lower-case word")
    return value


def _figure(value: str) -> str:
    if value not in FIGURES:
        raise ValueError(f"unknown figure {value!r} ({', '.join(FIGURES)})")
    return value


ClockTime = Annotated[time, BeforeValidator(_clock)]  # not inline: the field `time` hides it


class ScheduleShape(Shape):
    day: Annotated[int, BeforeValidator(_day)] = 0
    time: ClockTime = time(9, 0)
    timezone: Annotated[str, AfterValidator(_zone)] = "UTC"


class GoalShape(Shape):
    id: Annotated[str, AfterValidator(_goal_id)]
    label: Text
    figure: Annotated[str, AfterValidator(_figure)]
    target: float
    direction: Literal["at_least", "at_most"]


# Unknown keys at the top are only a warning. The summary and each goal are checked on their
# own: a bad goal is left out and the others still count.
class GoalsFile(Shape, extra="allow"):
    summary: dict[str, object] | None = None
    goals: list[object] = []


def load_goals(playbooks_dir: str | Path) -> tuple[Goals, list[Problem]]:
    """The goals and the schedule of playbooks/goals.yaml that are sound, and a problem
    (file:line) for each thing that is not. Without the file: no goals, Monday 09:00 UTC."""
    path = Path(playbooks_dir) / FILE_NAME
    name = str(path)
    if not path.is_file():
        return Goals(), [Problem(name, 0, "file not found: no goals in the summary", "warning")]
    problems: list[Problem] = []
    loaded = load_shape(path, GoalsFile, problems)
    if loaded is None:
        return Goals(), problems
    content, root = loaded
    schedule = _load_schedule(content.summary, value_node(root, "summary"), name, problems)
    goals: list[Goal] = []
    for item, node in zip(content.goals, item_nodes(root, "goals"), strict=True):
        goal_id = item.get("id") if isinstance(item, dict) else None
        prefix = f"{goal_id}: " if isinstance(goal_id, str) else "goal: "
        shaped = check_shape(item, node, GoalShape, name, problems, prefix)
        if shaped is None:
            continue
        if any(g.id == shaped.id for g in goals):
            problems.append(Problem(name, line_of(node), f"duplicate goal id {shaped.id!r}"))
            continue
        source = f"{name}:{line_of(node)}"
        goals.append(Goal(shaped.id, shaped.label, shaped.figure, shaped.target,
                          shaped.direction, source))  # fmt: skip
    return Goals(tuple(goals), schedule), problems


def _load_schedule(
    raw: dict[str, object] | None, node: yaml.Node | None, name: str, problems: list[Problem]
) -> Schedule:
    if raw is None:
        return Schedule()
    # A channel left here from before it moved is ignored, with a warning that says where it went.
    if MOVED_CHANNEL in raw:
        raw = {key: value for key, value in raw.items() if key != MOVED_CHANNEL}
        expected = ", ".join(ScheduleShape.model_fields)
        message = (
            f"summary: unknown key {MOVED_CHANNEL!r} (expected {expected}); "
            "the management channel is in roles.yaml now (channels: management)"
        )
        problems.append(Problem(name, line_at(node, (MOVED_CHANNEL,)), message, "warning"))
    shaped = check_shape(raw, node, ScheduleShape, name, problems, "summary: ")
    if shaped is None:
        return Schedule()
    return Schedule(shaped.timezone, shaped.day, shaped.time)

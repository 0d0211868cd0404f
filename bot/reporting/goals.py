"""playbooks/goals.yaml: the figures a goal may name, the experience goals with their
targets, and when the weekly summary is posted."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot.shared.content import (
    Problem,
    item_nodes,
    key_lines,
    line_of,
    read_yaml,
    unknown_keys,
    value_node,
)

Number = int | float

FILE_NAME = "goals.yaml"

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

DIRECTIONS = ("at_least", "at_most")

GOAL_KEYS = {"id", "label", "figure", "target", "direction"}

SCHEDULE_KEYS = {"timezone", "day", "time"}

MOVED_CHANNEL = "channel"  # the management channel, in roles.yaml (channels: management) now

CLOCK_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

GOAL_ID = re.compile(r"^[a-z][a-z0-9_]*$")

# The headline figures: name -> (label, unit). Goals name one of these.
FIGURES: dict[str, tuple[str, str]] = {
    "faq_queries": ("FAQ queries", "count"),
    "cases_opened": ("Cases opened", "count"),
    "contacts": ("Contacts", "count"),
    "faq_answer_rate": ("FAQ answer rate", "percent"),
    "unanswered_questions": ("Questions with no good answer", "count"),
    "gaps_closed": ("FAQ gaps closed", "count"),
    "drafts_written": ("Drafts written", "count"),
    "drafts_used": ("Drafts used", "count"),
    "tone_checks": ("Tone checks", "count"),
    "can_do_score": ("Average can-do score", "score"),
    "solutions_proposed": ("Solutions proposed", "count"),
    "inside_authority_pct": ("Inside the rep's authority", "percent"),
    "approvals": ("Approved", "count"),
    "denials": ("Denied", "count"),
    "median_approval_minutes": ("Median time to decision", "minutes"),
    "promises_due": ("Promises due", "count"),
    "promises_kept": ("Kept on time", "count"),
    "promises_late": ("Kept late", "count"),
    "promises_overdue": ("Still overdue", "count"),
    "promises_kept_pct": ("Promises kept on time", "percent"),
    "repeat_contacts": ("Repeat contacts (second or later)", "count"),
    "third_contacts": ("Third or later contacts", "count"),
    "senior_callbacks": ("Senior callbacks", "count"),
    "cases_closed": ("Cases closed", "count"),
    "first_contact_resolution": ("First-contact resolution", "percent"),
    "redirects": ("Redirects to other teams", "count"),
    "redirects_waiting": ("Redirects not taken by the week's end", "count"),
    "median_redirect_wait_minutes": ("Median wait to be taken", "minutes"),
    "max_redirect_wait_minutes": ("Longest wait to be taken", "minutes"),
}


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


def load_goals(playbooks_dir: str | Path) -> tuple[Goals, list[Problem]]:
    """The goals and the schedule of playbooks/goals.yaml that are sound, and a problem
    (file:line) for each thing that is not. Without the file: no goals, Monday 09:00 UTC."""
    path = Path(playbooks_dir) / FILE_NAME
    name = str(path)
    if not path.is_file():
        return Goals(), [Problem(name, 0, "file not found: no goals in the summary", "warning")]
    problems: list[Problem] = []
    parsed = read_yaml(path, problems)
    if parsed is None:
        return Goals(), problems
    data, root = parsed
    if not isinstance(data, dict):
        return Goals(), [Problem(name, 1, "expected the keys summary and goals")]
    lines = key_lines(root)
    problems += unknown_keys(data, ("summary", "goals"), lines, file=name, severity="warning")
    schedule = _load_schedule(data.get("summary"), value_node(root, "summary"), name, problems)
    listed = data.get("goals") or []
    if not isinstance(listed, list):
        problems.append(Problem(name, lines.get("goals", 1), "goals must be a list"))
        listed = []
    goals: list[Goal] = []
    for item, node in zip(listed, item_nodes(root, "goals"), strict=True):
        goal = _load_goal(item, node, name, problems)
        if goal is None:
            continue
        if any(g.id == goal.id for g in goals):
            problems.append(Problem(name, line_of(node), f"duplicate goal id {goal.id!r}"))
            continue
        goals.append(goal)
    return Goals(tuple(goals), schedule), problems


def _load_schedule(
    raw: object, node: yaml.Node | None, name: str, problems: list[Problem]
) -> Schedule:
    if raw is None or node is None:  # a node whenever there is a value
        return Schedule()
    line = line_of(node)
    if not isinstance(raw, dict):
        problems.append(Problem(name, line, "summary must map timezone, day, time"))
        return Schedule()
    lines = key_lines(node)
    # A channel left here from before it moved is ignored, with a warning that says where it went.
    moved = {key: value for key, value in raw.items() if key == MOVED_CHANNEL}
    rest = {key: value for key, value in raw.items() if key != MOVED_CHANNEL}
    problems += unknown_keys(rest, SCHEDULE_KEYS, lines, file=name, line=line, prefix="summary: ")
    for problem in unknown_keys(
        moved, SCHEDULE_KEYS, lines, file=name, line=line, prefix="summary: ", severity="warning"
    ):
        hint = "the management channel is in roles.yaml now (channels: management)"
        problems.append(replace(problem, message=f"{problem.message}; {hint}"))
    default = Schedule()
    timezone = raw.get("timezone", default.timezone)
    try:
        ZoneInfo(timezone) if isinstance(timezone, str) else None
    except (ZoneInfoNotFoundError, ValueError):
        timezone = None
    if not isinstance(timezone, str):
        message = f"summary: timezone {raw.get('timezone')!r} is not a time zone like Europe/London"
        problems.append(Problem(name, lines.get("timezone", line), message))
        timezone = default.timezone
    day = str(raw.get("day", "monday")).lower()
    if day not in DAYS:
        message = f"summary: day {raw.get('day')!r} is not a day of the week (monday, ...)"
        problems.append(Problem(name, lines.get("day", line), message))
        day = "monday"
    when = CLOCK_TIME.match(str(raw.get("time", "09:00")))
    if when is None:
        message = f'summary: time {raw.get("time")!r} is not a time like "09:00"'
        problems.append(Problem(name, lines.get("time", line), message))
    at = time(int(when[1]), int(when[2])) if when else default.time
    return Schedule(timezone, DAYS.index(day), at)


def _load_goal(item: object, node: yaml.Node, name: str, problems: list[Problem]) -> Goal | None:
    line = line_of(node)
    if not isinstance(item, dict):
        keys = ", ".join(sorted(GOAL_KEYS))
        problems.append(Problem(name, line, f"a goal must be a mapping of {keys}"))
        return None
    lines = key_lines(node)
    goal_id = item.get("id")
    if not isinstance(goal_id, str) or not GOAL_ID.match(goal_id):
        problems.append(Problem(name, lines.get("id", line), f"bad goal id {goal_id!r}"))
        return None
    problems += unknown_keys(item, GOAL_KEYS, lines, file=name, line=line, prefix=f"{goal_id}: ")
    missing = [key for key in sorted(GOAL_KEYS) if key not in item]
    if missing:
        problems.append(Problem(name, line, f"{goal_id}: missing {', '.join(missing)}"))
        return None
    label, figure, target, direction = (item[k] for k in ("label", "figure", "target", "direction"))
    bad = False
    if not isinstance(label, str) or not label.strip():
        problems.append(Problem(name, lines["label"], f"{goal_id}: label must be some text"))
        bad = True
    if figure not in FIGURES:
        message = f"{goal_id}: unknown figure {figure!r} ({', '.join(FIGURES)})"
        problems.append(Problem(name, lines["figure"], message))
        bad = True
    if isinstance(target, bool) or not isinstance(target, int | float):
        message = f"{goal_id}: target {target!r} is not a number"
        problems.append(Problem(name, lines["target"], message))
        bad = True
    if direction not in DIRECTIONS:
        message = f"{goal_id}: direction {direction!r} must be at_least or at_most"
        problems.append(Problem(name, lines["direction"], message))
        bad = True
    if bad:
        return None
    return Goal(goal_id, label.strip(), figure, float(target), direction, f"{name}:{line}")

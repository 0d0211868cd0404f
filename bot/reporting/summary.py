"""The weekly summary for management: what customers ran into, what the floor did about it,
and the experience goals of `playbooks/goals.yaml` against their targets, week over week.

Weeks are ISO weeks in the team's time zone (Monday 00:00 to the next Monday 00:00 there);
every figure is an aggregate query of the store over the week and over the week before."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.cases import audit
from bot.cases.service import ROOT_CAUSES
from bot.cases.solutions import SolutionPolicy
from bot.faq.gaps import group_questions
from bot.faq.knowledge import Entry
from bot.followups.reminders import CLAIM_TIMEOUT
from bot.reporting import queries as reporting_db
from bot.shared import jobs
from bot.shared.clock import iso
from bot.shared.content import Problem, key_lines, line_of, read_yaml, unknown_keys, value_node
from bot.shared.db import Store

FILE_NAME = "goals.yaml"
WEEK = re.compile(r"^\s*(\d{4})-?W(\d{1,2})\s*$", re.IGNORECASE)
RELATIVE_WEEKS = {"this week": 0, "this": 0, "last week": 1, "last": 1}  # weeks back
TOP = 10  # topics and unanswered questions shown
TOP_PHRASES = 5
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
TREND_FIGURES = (
    "faq_queries",
    "faq_answer_rate",
    "cases_opened",
    "third_contacts",
    "promises_kept_pct",
)

Number = int | float


# The week.


def _week_bounds(monday: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 in `tz`, as aware UTC times (a week with a daylight
    saving change is an hour shorter or longer)."""
    start = datetime.combine(monday, time(0), tz).astimezone(UTC)
    end = datetime.combine(monday + timedelta(days=7), time(0), tz).astimezone(UTC)
    return start, end


def _label(monday: date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def iso_week(text: str | None, *, now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime, str]:
    """The week "2026-W47", "this week" (so far) or "last week" (also for None: the last
    complete week before `now`) as (start, end, label): aware UTC times of Monday 00:00 and
    the next Monday 00:00 in the team's time zone. ValueError saying what is wrong for any
    other text."""
    relative = RELATIVE_WEEKS.get(" ".join((text or "last week").lower().split()))
    if relative is not None:
        today = now.astimezone(tz).date()
        monday = today - timedelta(days=today.weekday() + 7 * relative)
    else:
        match = WEEK.match(text)
        if not match:
            raise ValueError(
                f"{text!r} is not a week: write it like 2026-W47 (ISO year-week), "
                "or this week, or last week."
            )
        year, week = int(match[1]), int(match[2])
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError:
            weeks = date(year, 12, 28).isocalendar()[1]  # 28 December is always in the last
            raise ValueError(f"{year} has weeks 1 to {weeks}, not {week}.") from None
    return *_week_bounds(monday, tz), _label(monday)


def _previous(start: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    monday = start.astimezone(tz).date() - timedelta(days=7)
    return _week_bounds(monday, tz)


# Goals and the schedule, from playbooks/goals.yaml.


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
    nodes = value_node(root, "goals")
    for item, node in zip(listed, nodes.value if listed else [], strict=True):
        goal = _load_goal(item, node, name, problems)
        if goal is None:
            continue
        if any(g.id == goal.id for g in goals):
            problems.append(Problem(name, line_of(node), f"duplicate goal id {goal.id!r}"))
            continue
        goals.append(goal)
    return Goals(tuple(goals), schedule), problems


def _load_schedule(raw: object, node: object, name: str, problems: list[Problem]) -> Schedule:
    if raw is None:
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


def _load_goal(item: object, node: object, name: str, problems: list[Problem]) -> Goal | None:
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


# The summary.


@dataclass(frozen=True)
class Figure:
    """One number of the week, with the week before's and the change between them."""

    name: str  # a FIGURES name, or the key of a table row: an entry, a team, a cause...
    label: str
    value: Number | None  # None: nothing to measure (a rate of no queries)
    previous: Number | None
    unit: str  # "count", "percent", "minutes", "score", "money", or a solution's unit
    change: Number | None = field(init=False)

    def __post_init__(self) -> None:
        change = None
        if self.value is not None and self.previous is not None:
            change = round(self.value - self.previous, 2)
        object.__setattr__(self, "change", change)


@dataclass(frozen=True)
class Volume:
    faq_queries: Figure
    cases_opened: Figure
    contacts: Figure


@dataclass(frozen=True)
class SelfService:
    faq_answer_rate: Figure
    unanswered_questions: Figure
    gaps_closed: Figure
    top_topics: tuple[Figure, ...]  # name: FAQ entry id; previous: its count the week before
    top_unanswered: tuple[Figure, ...]  # name and label: the most asked wording of a group


@dataclass(frozen=True)
class Tone:
    drafts_written: Figure
    drafts_used: Figure
    tone_checks: Figure
    can_do_score: Figure
    top_phrases: tuple[Figure, ...]  # name: tone rule id, value: times caught in tone checks


@dataclass(frozen=True)
class Solutions:
    solutions_proposed: Figure
    inside_authority_pct: Figure
    approvals: Figure
    denials: Figure
    median_approval_minutes: Figure
    count_by_type: tuple[Figure, ...]  # name: solution type; authorized or approved ones
    value_by_type: tuple[Figure, ...]  # their total amount, for types with one


@dataclass(frozen=True)
class FollowThrough:
    promises_due: Figure
    promises_kept: Figure
    promises_late: Figure
    promises_overdue: Figure
    promises_kept_pct: Figure


@dataclass(frozen=True)
class RepeatContacts:
    repeat_contacts: Figure
    third_contacts: Figure
    senior_callbacks: Figure
    cases_closed: Figure
    first_contact_resolution: Figure


@dataclass(frozen=True)
class Silos:
    """Redirects by receiving team: reps have no team, so the team a case went to is the silo
    boundary it crossed."""

    redirects: Figure
    redirects_waiting: Figure
    median_redirect_wait_minutes: Figure
    max_redirect_wait_minutes: Figure
    redirects_by_team: tuple[Figure, ...]  # name: team id
    median_wait_by_team: tuple[Figure, ...]
    max_wait_by_team: tuple[Figure, ...]


@dataclass(frozen=True)
class RootCauses:
    counts: tuple[Figure, ...]  # name: a root cause, every one of ROOT_CAUSES in that order
    shares: tuple[Figure, ...]  # percent of the cases closed in the week


@dataclass(frozen=True)
class GoalResult:
    goal: Goal
    target: float
    actual: Number | None
    previous: Number | None
    met: bool | None  # None: nothing to measure this week (e.g. no promises were due)


@dataclass(frozen=True)
class WeeklySummary:
    label: str  # "2026-W47"
    start: datetime  # aware UTC
    end: datetime
    timezone: str
    volume: Volume
    self_service: SelfService
    tone: Tone
    solutions: Solutions
    follow_through: FollowThrough
    repeat_contacts: RepeatContacts
    silos: Silos
    root_causes: RootCauses
    goals: tuple[GoalResult, ...]
    empty: bool  # nothing happened: a short post saying so
    audit_head: audit.Head  # the audit chain's head when the summary was made, published with it

    def sections(self) -> list[tuple[str, object]]:
        """(name, section) in the order of the post."""
        names = ("volume", "self_service", "tone", "solutions", "follow_through",
                 "repeat_contacts", "silos", "root_causes")  # fmt: skip
        return [(name, getattr(self, name)) for name in names]


def _pct(part: Number, whole: Number) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _minutes(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def _headline(store: Store, start: datetime, end: datetime) -> dict[str, Number | None]:
    """Every FIGURES value of one period."""
    a, b = iso(start), iso(end)
    faq = reporting_db.faq_week(store, a, b)
    tone = reporting_db.tone_week(store, a, b)
    solutions = reporting_db.solution_week(store, a, b)
    promises = reporting_db.followup_week(store, a, b)
    cases = reporting_db.case_week(store, a, b)
    sent, waiting, median_wait, max_wait = reporting_db.redirect_waits(store, a, b).get(
        "all", (0, 0, None, None)
    )
    score = tone["can_do_score"]
    return {
        "faq_queries": faq["queries"],
        "cases_opened": cases["cases_opened"],
        "contacts": cases["contacts"],
        "faq_answer_rate": _pct(faq["answered"], faq["queries"]),
        "unanswered_questions": faq["unanswered"],
        "gaps_closed": faq["gaps_closed"],
        "drafts_written": tone["drafts_written"],
        "drafts_used": tone["drafts_used"],
        "tone_checks": tone["tone_checks"],
        "can_do_score": round(score, 1) if score is not None else None,
        "solutions_proposed": solutions["proposed"],
        "inside_authority_pct": _pct(solutions["authorized"], solutions["proposed"]),
        "approvals": solutions["approved"],
        "denials": solutions["denied"],
        "median_approval_minutes": _minutes(solutions["decision_minutes"]),
        "promises_due": promises["due"],
        "promises_kept": promises["kept"],
        "promises_late": promises["late"],
        "promises_overdue": promises["overdue"],
        "promises_kept_pct": _pct(promises["kept"], promises["due"]),
        "repeat_contacts": cases["repeat_contacts"],
        "third_contacts": cases["third_contacts"],
        "senior_callbacks": cases["senior_callbacks"],
        "cases_closed": cases["cases_closed"],
        "first_contact_resolution": _pct(cases["closed_first_contact"], cases["cases_closed"]),
        "redirects": sent,
        "redirects_waiting": waiting,
        "median_redirect_wait_minutes": _minutes(median_wait),
        "max_redirect_wait_minutes": _minutes(max_wait),
    }


def _figure(name: str, now: dict, before: dict) -> Figure:
    label, unit = FIGURES[name]
    return Figure(name, label, now[name], before[name], unit)


def _section(cls: type, now: dict, before: dict, **tables: tuple[Figure, ...]):
    """A section dataclass with its headline figures filled in by field name."""
    heads = {f.name: _figure(f.name, now, before) for f in fields(cls) if f.name in FIGURES}
    return cls(**heads, **tables)


def _ranked(
    rows: list[tuple[str, int]],
    before: dict[str, int],
    unit: str = "count",
    titles: Mapping[str, str] | None = None,
) -> tuple[Figure, ...]:
    """Figures named by key, labelled by their title where there is one."""
    titles = titles or {}
    return tuple(
        Figure(key, titles.get(key, key), count, before.get(key, 0), unit) for key, count in rows
    )


def faq_titles(entries: Iterable[Entry]) -> dict[str, str]:
    """Each FAQ entry's question by its id: the top topics read as questions, not ids."""
    return {entry.id: entry.question for entry in entries}


def _unanswered(store: Store, start: str, end: str) -> tuple[Figure, ...]:
    """The top unanswered questions, similar wordings grouped as the gaps list groups them;
    the week before groups differently, so there is no previous count."""
    wordings = reporting_db.unanswered_wordings(store, start, end)
    groups = group_questions([(index, text) for index, (text, _) in enumerate(wordings)])
    totals = []
    for group in groups:
        counts = Counter({wordings[index][0]: wordings[index][1] for index, _ in group})
        question = " ".join(counts.most_common(1)[0][0].split())
        totals.append((question, sum(counts.values())))
    totals.sort(key=lambda pair: -pair[1])  # stable: a tie keeps the first asked first
    return tuple(Figure(q, q, count, None, "count") for q, count in totals[:TOP])


def _unit_of(policy: SolutionPolicy | None, type_id: str) -> str:
    solution_type = policy.type(type_id) if policy else None
    if solution_type is None:
        return "amount"
    if solution_type.unit == policy.currency:
        return "money"
    return solution_type.unit or "count"


def build_summary(
    store: Store,
    *,
    start: datetime,
    end: datetime,
    label: str,
    goals: Goals | tuple[Goal, ...] = (),
    tz: ZoneInfo,
    policy: SolutionPolicy | None = None,
    titles: Mapping[str, str] | None = None,
) -> WeeklySummary:
    """The summary of the week [start, end) (from `iso_week`), each figure beside the week
    before's. `policy` gives solution amounts their unit (money or months); `titles` the FAQ
    questions by entry id (`faq_titles`), to label the top topics with."""
    goal_list = goals.goals if isinstance(goals, Goals) else tuple(goals)
    prev_start, prev_end = _previous(start, tz)
    a, b, pa, pb = iso(start), iso(end), iso(prev_start), iso(prev_end)
    now, before = _headline(store, start, end), _headline(store, prev_start, prev_end)

    topics = reporting_db.topic_counts(store, a, b, TOP)
    previous_topics = dict(reporting_db.topic_counts(store, pa, pb, None))
    phrases = reporting_db.flag_counts(store, a, b)[:TOP_PHRASES]
    previous_phrases = dict(reporting_db.flag_counts(store, pa, pb))

    types_now = {t: (n, total) for t, n, total in reporting_db.solution_types_week(store, a, b)}
    types_before = {
        t: (n, total) for t, n, total in reporting_db.solution_types_week(store, pa, pb)
    }
    type_ids = sorted(types_now.keys() | types_before.keys())
    counts = tuple(
        Figure(t, t, types_now.get(t, (0, None))[0], types_before.get(t, (0, None))[0], "count")
        for t in type_ids
    )
    values = tuple(
        Figure(t, t, types_now.get(t, (0, 0))[1] or 0, types_before.get(t, (0, 0))[1] or 0,
               _unit_of(policy, t))
        for t in type_ids
        if _unit_of(policy, t) != "count"
        and (types_now.get(t, (0, None))[1] is not None
             or types_before.get(t, (0, None))[1] is not None)
    )  # fmt: skip

    waits_now, waits_before = (
        reporting_db.redirect_waits(store, a, b),
        reporting_db.redirect_waits(store, pa, pb),
    )
    teams = sorted((waits_now.keys() | waits_before.keys()) - {"all"})
    empty_wait = (0, 0, None, None)

    def by_team(column: int, unit: str) -> tuple[Figure, ...]:
        def value(waits: dict, team: str):
            number = waits.get(team, empty_wait)[column]
            return _minutes(number) if unit == "minutes" else number

        return tuple(Figure(t, t, value(waits_now, t), value(waits_before, t), unit) for t in teams)

    causes_now, causes_before = (
        reporting_db.root_cause_counts(store, a, b),
        reporting_db.root_cause_counts(store, pa, pb),
    )
    closed_now, closed_before = sum(causes_now.values()), sum(causes_before.values())
    causes = tuple(
        Figure(c, c, causes_now.get(c, 0), causes_before.get(c, 0), "count") for c in ROOT_CAUSES
    )
    shares = tuple(
        Figure(c, c, _pct(causes_now.get(c, 0), closed_now),
               _pct(causes_before.get(c, 0), closed_before), "percent")
        for c in ROOT_CAUSES
    )  # fmt: skip

    results = tuple(
        GoalResult(g, g.target, now[g.figure], before[g.figure], g.met_by(now[g.figure]))
        for g in goal_list
    )
    counted = [name for name, (_, unit) in FIGURES.items() if unit == "count"]
    return WeeklySummary(
        label=label,
        start=start,
        end=end,
        timezone=tz.key,
        volume=_section(Volume, now, before),
        self_service=_section(
            SelfService,
            now,
            before,
            top_topics=_ranked(topics, previous_topics, titles=titles),
            top_unanswered=_unanswered(store, a, b),
        ),  # fmt: skip
        tone=_section(Tone, now, before, top_phrases=_ranked(phrases, previous_phrases)),
        solutions=_section(Solutions, now, before, count_by_type=counts, value_by_type=values),
        follow_through=_section(FollowThrough, now, before),
        repeat_contacts=_section(RepeatContacts, now, before),
        silos=_section(
            Silos,
            now,
            before,
            redirects_by_team=by_team(0, "count"),
            median_wait_by_team=by_team(2, "minutes"),
            max_wait_by_team=by_team(3, "minutes"),
        ),  # fmt: skip
        root_causes=RootCauses(causes, shares),
        goals=results,
        empty=not any(now[name] for name in counted),
        audit_head=audit.head(store),
    )


def trends(
    store: Store, *, end: datetime, weeks: int = 8, tz: ZoneInfo
) -> list[tuple[str, dict[str, Number | None]]]:
    """(week label, the TREND_FIGURES) of the `weeks` weeks up to `end` (a week's end from
    `iso_week`), the oldest first."""
    last_monday = end.astimezone(tz).date() - timedelta(days=7)
    result = []
    for back in range(weeks - 1, -1, -1):
        monday = last_monday - timedelta(weeks=back)
        start, stop = _week_bounds(monday, tz)
        a, b = iso(start), iso(stop)
        faq, cases, promises = (
            reporting_db.faq_week(store, a, b),
            reporting_db.case_week(store, a, b),
            reporting_db.followup_week(store, a, b),
        )
        result.append(
            (
                _label(monday),
                {
                    "faq_queries": faq["queries"],
                    "faq_answer_rate": _pct(faq["answered"], faq["queries"]),
                    "cases_opened": cases["cases_opened"],
                    "third_contacts": cases["third_contacts"],
                    "promises_kept_pct": _pct(promises["kept"], promises["due"]),
                },
            )
        )
    return result


# Exports and the once-only post.


def rows(summary: WeeklySummary) -> list[tuple[str, str, Figure]]:
    """(section, name, figure) of every figure, in the order of the post; a table's rows are
    named "<table>.<key>" ("median_wait_by_team.billing")."""
    found = []
    for section_name, section in summary.sections():
        for item in fields(section):
            value = getattr(section, item.name)
            if isinstance(value, Figure):
                found.append((section_name, item.name, value))
            else:
                found += [(section_name, f"{item.name}.{f.name}", f) for f in value]
    return found


def shown(value: Number | None, unit: str) -> str:
    if value is None:
        return "–"
    if unit == "percent":
        return f"{value:g}%"
    if unit == "money":
        return f"{value:,.2f}"
    if unit == "minutes":
        return f"{value:g} min"
    shown = f"{value:,}" if isinstance(value, int) else f"{value:g}"
    return shown if unit in ("count", "score", "amount") else f"{shown} {unit}"


def shown_change(figure: Figure) -> str:
    if figure.change is None:
        return ""
    sign = "+" if figure.change > 0 else ""
    return f"{sign}{shown(figure.change, figure.unit)}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(summary: WeeklySummary) -> str:
    """The summary as Markdown tables, for a slide or a wiki page."""
    tz = ZoneInfo(summary.timezone)
    first = summary.start.astimezone(tz).date()
    last = summary.end.astimezone(tz).date() - timedelta(days=1)
    lines = [f"# Weekly summary {summary.label} ({first:%d %b} – {last:%d %b %Y})", ""]
    if summary.empty:
        lines += ["Nothing happened this week: no queries, cases, drafts, solutions, promises "
                  "or redirects.", ""]  # fmt: skip
    by_section: dict[str, list[tuple[str, Figure]]] = {}
    for section, name, figure in rows(summary):
        by_section.setdefault(section, []).append((name, figure))
    for section, figures in by_section.items():
        lines += [f"## {section.replace('_', ' ').capitalize()}", ""]
        lines += ["| figure | this week | week before | change |", "| --- | ---: | ---: | ---: |"]
        for name, figure in figures:
            label = figure.label if "." not in name else f"{name.split('.')[0]}: {figure.label}"
            lines.append(
                f"| {_cell(label)} | {shown(figure.value, figure.unit)} | "
                f"{shown(figure.previous, figure.unit)} | {shown_change(figure)} |"
            )
        lines.append("")
    if summary.goals:
        lines += [
            "## Goals",
            "",
            "| goal | target | this week | met |",
            "| --- | ---: | ---: | --- |",
        ]
        for result in summary.goals:
            unit = FIGURES[result.goal.figure][1]
            sign = "≥" if result.goal.direction == "at_least" else "≤"
            met = {True: "yes", False: "no", None: "no data"}[result.met]
            lines.append(
                f"| {_cell(result.goal.label)} | {sign} {shown(result.target, unit)} | "
                f"{shown(result.actual, unit)} | {met} |"
            )
        lines.append("")
    lines += [audit_line(summary.audit_head), ""]
    return "\n".join(lines)


def audit_line(head: audit.Head) -> str:
    """The audit chain's head as the summary publishes it, out of reach of a database edit;
    the backticks are code in Markdown and in Slack alike."""
    return (
        f"Audit log: {head.count:,} entries, head `{head}`. "
        f"Verify with `repbot audit verify --head {head}`"
    )


def to_csv(summary: WeeklySummary) -> str:
    """One row per figure: section,name,value,previous,change,unit,label,target,met; goals are
    the rows of section "goals"."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "name", "value", "previous", "change", "unit", "label", "target",
                     "met"])  # fmt: skip
    for section, name, f in rows(summary):
        writer.writerow([section, name, f.value, f.previous, f.change, f.unit, f.label, "", ""])
    for r in summary.goals:
        unit = FIGURES[r.goal.figure][1]
        change = Figure("", "", r.actual, r.previous, unit).change
        met = "" if r.met is None else str(r.met).lower()
        writer.writerow(["goals", r.goal.id, r.actual, r.previous, change, unit, r.goal.label,
                         r.target, met])  # fmt: skip
    return out.getvalue()


def weekly_post_key(label: str) -> str:
    return f"summary:{label}"


def claim_weekly_post(store: Store, label: str, now: datetime, instance: str = "summary") -> bool:
    """True for exactly one caller per week label, over every instance: the claim is a unique
    row in `reminders`. Mark it with jobs.reminder_delivered / reminder_failed (a failed post
    is retried, a claim neither delivered nor failed within CLAIM_TIMEOUT is taken over)."""
    row = {"key": weekly_post_key(label), "kind": "weekly_summary", "recipient_id": "management",
           "due_at": iso(now), "status": "claimed", "instance": instance,
           "claimed_at": iso(now), "attempts": 1}  # fmt: skip
    return jobs.claim_reminder(store, row, iso(now - CLAIM_TIMEOUT))

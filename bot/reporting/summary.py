"""The weekly summary for management: what customers ran into, what the floor did about it,
and the experience goals of `playbooks/goals.yaml` against their targets, week over week.

Weeks are ISO weeks in the team's time zone (Monday 00:00 to the next Monday 00:00 there);
every figure is an aggregate query of the store over the week and over the week before."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cases import audit
from bot.cases.service import ROOT_CAUSES, root_cause_label
from bot.cases.solutions import SolutionPolicy
from bot.coaching.tone import ToneRules, phrase_labels
from bot.faq.gaps import group_questions
from bot.faq.knowledge import Entry
from bot.faq.matching import Matcher
from bot.faq.pleasantries import question_of
from bot.followups.redirects import Team
from bot.reporting import queries as reporting_db
from bot.reporting.goals import FIGURES, WAITING_SO_FAR, Goal, Goals, Number
from bot.reporting.weeks import previous_week, week_bounds, week_label
from bot.shared.clock import iso
from bot.shared.content import readable
from bot.shared.db import Store

TOP = 10  # topics and unanswered questions shown
TOP_PHRASES = 5


@dataclass(frozen=True)
class Labels:
    """What the summary calls the keys of its tables, as the FAQ and the playbooks name them
    (`summary_labels`); a key they do not name (an entry or a team taken out since) is read
    out as words (`readable`), never shown as the id it is."""

    topics: Mapping[str, str] = field(default_factory=dict)  # FAQ entry id -> its question
    phrases: Mapping[str, str] = field(default_factory=dict)  # tone rule id -> the phrase
    teams: Mapping[str, str] = field(default_factory=dict)  # team id -> its name


def summary_labels(entries: Iterable[Entry], tone: ToneRules, teams: Mapping[str, Team]) -> Labels:
    """The labels of every way the summary is made (`/summary`, the weekly post, `repbot
    summary`): FAQ questions, the tone rules' phrases as said, the teams' names."""
    return Labels(
        topics=faq_titles(entries),
        phrases=phrase_labels(tone),
        teams={team.id: team.name for team in teams.values()},
    )


def _named(names: Mapping[str, str], key: str) -> str:
    return names.get(key) or readable(key)


@dataclass(frozen=True)
class Figure:
    """One number of the week, with the week before's and the change between them."""

    name: str  # a FIGURES name, or the key of a table row: an entry, a team, a cause...
    label: str
    value: Number | None  # None: nothing to measure (a rate of no queries)
    previous: Number | None
    unit: str  # "count", "percent", "minutes", "score", "money", or a solution's unit
    currency: str = ""  # for money: the playbook's currency ("GBP")
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
    """How much the FAQ answers, how well, and what leads added to it. The answer rate and the
    questions with no good answer never count one question twice (reporting queries'
    _ANSWERED): one whose first answer was Not helpful and whose next was right is answered.
    "Answered outright" is the share of queries /faq answered (no "did you mean"); their
    precision the share of those no rep marked Not helpful (where a first answer's miss shows):
    an upper bound, as not every rep votes."""

    faq_answer_rate: Figure
    faq_answered_outright: Figure
    faq_answer_precision: Figure
    unanswered_questions: Figure
    gaps_closed: Figure
    phrasings_added: Figure
    entries_added: Figure
    top_topics: tuple[Figure, ...]  # name: FAQ entry id; previous: its count the week before
    top_unanswered: tuple[Figure, ...]  # name and label: the most asked wording of a group
    added_to_faq: tuple[Figure, ...]  # name: FAQ entry id; value: phrasings added (1: new)


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
    solutions_withdrawn: Figure  # their case closed while they waited: in no decision time
    median_approval_minutes: Figure
    count_by_type: tuple[Figure, ...]  # name: solution type; authorized or approved ones
    value_by_type: tuple[Figure, ...]  # their total amount, for types with one


@dataclass(frozen=True)
class FollowThrough:
    promises_due: Figure
    promises_kept: Figure
    promises_late: Figure
    promises_closed: Figure  # closed with their case: counted due, never kept
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
    redirects_withdrawn: Figure  # their case closed before anyone took them: in no wait
    median_redirect_wait_minutes: Figure
    max_redirect_wait_minutes: Figure
    redirects_by_team: tuple[Figure, ...]  # name: team id
    median_wait_by_team: tuple[Figure, ...]
    max_wait_by_team: tuple[Figure, ...]


@dataclass(frozen=True)
class RootCauses:
    counts: tuple[Figure, ...]  # name: a root cause, every one of ROOT_CAUSES in that order
    shares: tuple[Figure, ...]  # percent of the cases closed in the week


# One section of the post, in WeeklySummary.sections.
Section = (
    Volume | SelfService | Tone | Solutions | FollowThrough | RepeatContacts | Silos | RootCauses
)


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
    in_progress: bool  # the week is not over: its figures are so far
    # When the figures were read: a promise overdue then may be kept since, so a post says it.
    made_at: datetime
    audit_head: audit.Head  # the audit chain's head when the summary was made, published with it
    retention_records: int = 0  # records whose texts retention removed during the week

    def sections(self) -> list[tuple[str, Section]]:
        """(name, section) in the order of the post."""
        names = ("volume", "self_service", "tone", "solutions", "follow_through",
                 "repeat_contacts", "silos", "root_causes")  # fmt: skip
        return [(name, getattr(self, name)) for name in names]


def _pct(part: Number, whole: Number) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _minutes(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


def _headline(
    store: Store, start: datetime, end: datetime, until: datetime, now: datetime
) -> dict[str, Number | None]:
    """Every FIGURES value of one period, waits measured up to `until`; its promises as they
    stand `now`, when the summary is made: in a week still going on, a promise due tomorrow
    is not yet due, let alone overdue, and one due on Sunday night and done after midnight
    was kept late in its week, not left overdue there for good."""
    a, b = iso(start), iso(end)
    faq = reporting_db.faq_week(store, a, b)
    tone = reporting_db.tone_week(store, a, b)
    solutions = reporting_db.solution_week(store, a, b)
    promises = reporting_db.followup_week(store, a, b, iso(now))
    cases = reporting_db.case_week(store, a, b)
    sent, waiting, withdrawn, median_wait, max_wait = reporting_db.redirect_waits(
        store, a, b, iso(until)
    )["all"]
    score = tone["can_do_score"]
    return {
        "faq_queries": faq["queries"],
        "cases_opened": cases["cases_opened"],
        "contacts": cases["contacts"],
        "faq_answer_rate": _pct(faq["answered"], faq["queries"]),
        "faq_answered_outright": _pct(faq["answered_outright"], faq["queries"]),
        "faq_answer_precision": _pct(
            faq["answered_outright"] - faq["outright_not_helpful"], faq["answered_outright"]
        ),
        "unanswered_questions": faq["unanswered"],
        "gaps_closed": faq["gaps_closed"],
        "phrasings_added": faq["phrasings_added"],
        "entries_added": faq["entries_added"],
        "drafts_written": tone["drafts_written"],
        "drafts_used": tone["drafts_used"],
        "tone_checks": tone["tone_checks"],
        "can_do_score": round(score, 1) if score is not None else None,
        "solutions_proposed": solutions["proposed"],
        "inside_authority_pct": _pct(solutions["authorized"], solutions["proposed"]),
        "approvals": solutions["approved"],
        "denials": solutions["denied"],
        "solutions_withdrawn": solutions["withdrawn"],
        "median_approval_minutes": _minutes(solutions["decision_minutes"]),
        "promises_due": promises["due"],
        "promises_kept": promises["kept"],
        "promises_late": promises["late"],
        "promises_closed": promises["closed"],
        "promises_overdue": promises["overdue"],
        "promises_kept_pct": _pct(promises["kept"], promises["due"]),
        "repeat_contacts": cases["repeat_contacts"],
        "third_contacts": cases["third_contacts"],
        "senior_callbacks": cases["senior_callbacks"],
        "cases_closed": cases["cases_closed"],
        "first_contact_resolution": _pct(cases["closed_first_contact"], cases["cases_closed"]),
        "redirects": sent,
        "redirects_waiting": waiting,
        "redirects_withdrawn": withdrawn,
        "median_redirect_wait_minutes": _minutes(median_wait),
        "max_redirect_wait_minutes": _minutes(max_wait),
    }


def _silos(silos: Silos, *, in_progress: bool) -> Silos:
    """A week still going on has no end yet: its redirects are waiting so far."""
    if not in_progress:
        return silos
    waiting = replace(silos.redirects_waiting, label=WAITING_SO_FAR)
    return replace(silos, redirects_waiting=waiting)


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
    names: Mapping[str, str],
    unit: str = "count",
) -> tuple[Figure, ...]:
    """Figures named by key, labelled by their name in `names` or else in words."""
    return tuple(
        Figure(key, _named(names, key), count, before.get(key, 0), unit) for key, count in rows
    )


def faq_titles(entries: Iterable[Entry]) -> dict[str, str]:
    """Each FAQ entry's question by its id: the top topics read as questions, not ids."""
    return {entry.id: entry.question for entry in entries}


def _unanswered(store: Store, start: str, end: str, matcher: Matcher | None) -> tuple[Figure, ...]:
    """The top unanswered questions, similar wordings grouped as the gaps list groups them;
    the week before groups differently, so there is no previous count. A week whose questions
    retention removed reads them as they were kept before (`top_unanswered`)."""
    kept = reporting_db.archived(store, start, end, ARCHIVED_UNANSWERED)
    totals = kept if kept is not None else top_unanswered(store, start, end, matcher)
    return tuple(Figure(q, q, count, None, "count") for q, count in totals)


ARCHIVED_UNANSWERED = "top_unanswered"  # the summary_archive part of the questions above


def top_unanswered(
    store: Store, start: str, end: str, matcher: Matcher | None
) -> list[tuple[str, int]]:
    """(question, times asked) of the week's top unanswered needs, from the questions' texts."""
    wordings = reporting_db.unanswered_wordings(store, start, end)
    rows = [(index, text) for index, (text, _) in enumerate(wordings)]
    groups = group_questions(rows, matcher)
    totals = []
    for group in groups:
        counts = Counter({wordings[index][0]: wordings[index][1] for index, _ in group})
        question = question_of(counts.most_common(1)[0][0])  # as the gaps list shows it
        totals.append((question, sum(counts.values())))
    totals.sort(key=lambda pair: -pair[1])  # stable: a tie keeps the first asked first
    return totals[:TOP]


def _type_label(policy: SolutionPolicy | None, type_id: str) -> str:
    """A solution type as the playbook names it ("Account credit"), in words if it is gone."""
    solution_type = policy.type(type_id) if policy else None
    return solution_type.label if solution_type else readable(type_id)


def _unit_of(policy: SolutionPolicy | None, type_id: str) -> str:
    solution_type = policy.type(type_id) if policy else None
    if policy is None or solution_type is None:
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
    labels: Labels | None = None,
    matcher: Matcher | None = None,
) -> WeeklySummary:
    """The summary of the week [start, end) (from `iso_week`), each figure beside the week
    before's. `policy` gives solution amounts their unit (money or months) and the solution
    types their names; `labels` (`summary_labels`) names the topics, phrases and teams;
    `matcher` is the FAQ's, to group the unanswered questions by need as the gaps list does."""
    labels = labels or Labels()
    goal_list = goals.goals if isinstance(goals, Goals) else tuple(goals)
    prev_start, prev_end = previous_week(start, tz)
    a, b, pa, pb = iso(start), iso(end), iso(prev_start), iso(prev_end)
    # A week still going on is measured to now: a redirect sent an hour ago has waited an hour.
    made = store.clock.now()
    until = min(end, made)
    now = _headline(store, start, end, until, made)
    before = _headline(store, prev_start, prev_end, prev_end, made)

    topics = reporting_db.topic_counts(store, a, b, TOP)
    previous_topics = dict(reporting_db.topic_counts(store, pa, pb, None))
    caught = reporting_db.flag_counts(store, a, b)[:TOP_PHRASES]
    previous_phrases = dict(reporting_db.flag_counts(store, pa, pb))

    types_now = {t: (n, total) for t, n, total in reporting_db.solution_types_week(store, a, b)}
    types_before = {
        t: (n, total) for t, n, total in reporting_db.solution_types_week(store, pa, pb)
    }
    type_ids = sorted(types_now.keys() | types_before.keys())
    counts = tuple(
        Figure(t, _type_label(policy, t), types_now.get(t, (0, None))[0],
               types_before.get(t, (0, None))[0], "count")
        for t in type_ids
    )  # fmt: skip
    values = tuple(
        Figure(t, _type_label(policy, t), types_now.get(t, (0, 0))[1] or 0,
               types_before.get(t, (0, 0))[1] or 0, _unit_of(policy, t),
               policy.currency if policy else "")
        for t in type_ids
        if _unit_of(policy, t) != "count"
        and (types_now.get(t, (0, None))[1] is not None
             or types_before.get(t, (0, None))[1] is not None)
    )  # fmt: skip

    waits_now, waits_before = (
        reporting_db.redirect_waits(store, a, b, iso(until)),
        reporting_db.redirect_waits(store, pa, pb),
    )
    teams = sorted((waits_now.keys() | waits_before.keys()) - {"all"})
    empty_wait = (0, 0, 0, None, None)

    def by_team(column: int, unit: str) -> tuple[Figure, ...]:
        def value(waits: dict, team: str):
            number = waits.get(team, empty_wait)[column]
            return _minutes(number) if unit == "minutes" else number

        return tuple(
            Figure(t, _named(labels.teams, t), value(waits_now, t), value(waits_before, t), unit)
            for t in teams
        )

    causes_now, causes_before = (
        reporting_db.root_cause_counts(store, a, b),
        reporting_db.root_cause_counts(store, pa, pb),
    )
    closed_now, closed_before = sum(causes_now.values()), sum(causes_before.values())
    causes = tuple(
        Figure(c, root_cause_label(c), causes_now.get(c, 0), causes_before.get(c, 0), "count")
        for c in ROOT_CAUSES
    )
    shares = tuple(
        Figure(c, root_cause_label(c), _pct(causes_now.get(c, 0), closed_now),
               _pct(causes_before.get(c, 0), closed_before), "percent")
        for c in ROOT_CAUSES
    )  # fmt: skip

    results = tuple(
        GoalResult(g, g.target, now[g.figure], before[g.figure], g.met_by(now[g.figure]))
        for g in goal_list
    )
    counted = [name for name, (_, unit) in FIGURES.items() if unit == "count"]
    return WeeklySummary(
        in_progress=until < end,
        made_at=made,
        label=label,
        start=start,
        end=end,
        timezone=tz.key,
        volume=_section(Volume, now, before),
        self_service=_section(
            SelfService,
            now,
            before,
            top_topics=_ranked(topics, previous_topics, labels.topics),
            top_unanswered=_unanswered(store, a, b, matcher),
            added_to_faq=_ranked(
                reporting_db.additions(store, a, b)[:TOP],
                dict(reporting_db.additions(store, pa, pb)),
                labels.topics,
            ),
        ),  # fmt: skip
        tone=_section(
            Tone, now, before, top_phrases=_ranked(caught, previous_phrases, labels.phrases)
        ),  # fmt: skip
        solutions=_section(Solutions, now, before, count_by_type=counts, value_by_type=values),
        follow_through=_section(FollowThrough, now, before),
        repeat_contacts=_section(RepeatContacts, now, before),
        silos=_silos(
            _section(
                Silos,
                now,
                before,
                redirects_by_team=by_team(0, "count"),
                median_wait_by_team=by_team(3, "minutes"),
                max_wait_by_team=by_team(4, "minutes"),
            ),
            in_progress=until < end,
        ),  # fmt: skip
        root_causes=RootCauses(causes, shares),
        goals=results,
        empty=not any(now[name] for name in counted),
        audit_head=audit.head(store),
        retention_records=reporting_db.retention_week(store, a, b),
    )


def trends(
    store: Store, *, end: datetime, weeks: int = 8, tz: ZoneInfo
) -> list[tuple[str, dict[str, Number | None]]]:
    """(week label, the trend figures) of the `weeks` weeks up to `end` (a week's end from
    `iso_week`), the oldest first."""
    last_monday = end.astimezone(tz).date() - timedelta(days=7)
    made = iso(store.clock.now())  # promises as they stand now, as `_headline` counts them
    result = []
    for back in range(weeks - 1, -1, -1):
        monday = last_monday - timedelta(weeks=back)
        start, stop = week_bounds(monday, tz)
        a, b = iso(start), iso(stop)
        faq, cases, promises = (
            reporting_db.faq_week(store, a, b),
            reporting_db.case_week(store, a, b),
            reporting_db.followup_week(store, a, b, made),
        )
        result.append(
            (
                week_label(monday),
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

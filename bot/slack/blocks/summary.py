"""The weekly summary as a Block Kit post for the management channel."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot.reporting.export import (
    audit_line,
    heading,
    retention_lines,
    rows,
    shown,
    shown_change,
    week_span,
)
from bot.reporting.goals import FIGURES
from bot.reporting.summary import WeeklySummary
from bot.slack.blocks.base import (
    Message,
    Mrkdwn,
    code,
    context,
    counted,
    escape,
    header,
    local_time,
    message,
    section,
    sections,
    shorten,
)

TABLE_ROWS = 10


def _line(label: str, figure) -> Mrkdwn:
    before = shown(figure.previous, figure.unit, figure.currency)
    if figure.change is None:
        was = ""
    elif figure.change == 0:
        was = f" (week before {before}, no change)"
    else:
        arrow = "▲" if figure.change > 0 else "▼"
        was = f" (week before {before} {arrow} {shown_change(figure)})"
    value = shown(figure.value, figure.unit, figure.currency)
    return Mrkdwn(f"{escape(shorten(label, 120))}: *{escape(value)}*") + was


def missed_line(missed: Sequence[str]) -> Mrkdwn:
    """The weeks the schedule did not post (repbot was stopped), and where to read them."""
    weeks = (
        " and ".join(missed)
        if len(missed) <= 2
        else f"{len(missed)} weeks, {missed[0]} to {missed[-1]}"
    )
    return (
        Mrkdwn(f"Not posted while repbot was stopped: {escape(weeks)}. Read any of them with ")
        + code(f"/summary {missed[-1]}")
        + " or "
        + code(f"repbot summary --week {missed[-1]}")
        + "."
    )


def summary_post(summary: WeeklySummary, missed: Sequence[str] = ()) -> Message:
    """The post of one week; `missed`, the weeks before it that were never posted, are named
    (a manager back from an outage wants the latest week, not a pile of old ones)."""
    days = week_span(summary.start, summary.end, ZoneInfo(summary.timezone), "to")
    title = f"Weekly summary {summary.label}: {days}"
    if summary.in_progress:
        title += " (so far)"
    blocks = [header(title)]
    if missed:
        blocks.append(context(missed_line(missed)))
    if summary.empty:
        text = "A quiet week: no queries, cases, drafts, solutions, promises or redirects."
        # A quiet week's post anchors the audit chain too: an emptied log shows against it.
        return message(title, [*blocks, section(text), *_closing(summary)])
    by_section: dict[str, list[Mrkdwn]] = {}
    tables: dict[str, int] = {}  # rows shown of each table so far
    for name, key, figure in rows(summary):
        lines = by_section.setdefault(name, [])
        if "." not in key:
            lines.append(Mrkdwn("• ") + _line(figure.label, figure))
            continue
        table = key.split(".")[0]
        if table not in tables:
            lines.append(Mrkdwn(f"_{escape(heading(table))}_"))
        tables[table] = tables.get(table, 0) + 1
        if tables[table] <= TABLE_ROWS:
            lines.append(Mrkdwn("      ◦ ") + _line(figure.label, figure))
    if not any(figure.value for figure in summary.root_causes.counts):
        by_section["root_causes"] = [
            Mrkdwn("No case was closed this week, so no root cause to show.")
        ]
    for name, lines in by_section.items():
        blocks += sections(Mrkdwn(f"*{escape(heading(name))}*\n") + Mrkdwn("\n").join(lines))
    if summary.goals:
        goal_lines = []
        for result in summary.goals:
            unit = FIGURES[result.goal.figure][1]
            sign = "≥" if result.goal.direction == "at_least" else "≤"
            light = {True: ":large_green_circle:", False: ":red_circle:", None: ":white_circle:"}
            # nothing to measure (no decision, no redirect taken) is said, never read as met
            actual = (
                Mrkdwn("no data this week")
                if result.actual is None
                else Mrkdwn(f"*{escape(shown(result.actual, unit))}*")
            )
            goal_lines.append(
                Mrkdwn(f"{light[result.met]} {escape(result.goal.label)}: ")
                + actual
                + f" (target {sign} {shown(result.target, unit)})"
            )
        blocks += sections(Mrkdwn("*Experience goals*\n") + Mrkdwn("\n").join(goal_lines))
    as_of = Mrkdwn("Figures as of ") + local_time(summary.made_at, ZoneInfo(summary.timezone))
    against = as_of + ". Change is against the week before. " + code("repbot summary")
    blocks.append(context(against + " exports it."))
    return message(f"{title}: {_headline(summary)}", [*blocks, *_closing(summary)])


def _headline(summary: WeeklySummary) -> str:
    """The week in one line, for a manager's phone: its volume, the FAQ's answer rate and the
    goals met ("8 FAQ queries, 4 cases, FAQ answer rate 50%; 3 of 6 goals met")."""
    queries, cases = (
        int(figure.value or 0)
        for figure in (summary.volume.faq_queries, summary.volume.cases_opened)
    )
    answered = summary.self_service.faq_answer_rate
    said = f"{counted(queries, 'FAQ query')}, {counted(cases, 'case')}"
    if answered.value is not None:
        said += f", FAQ answer rate {shown(answered.value, answered.unit)}"
    judged = [result for result in summary.goals if result.met is not None]
    if judged:
        said += f"; {sum(bool(result.met) for result in judged)} of {len(judged)} goals met"
    return said


def _closing(summary: WeeklySummary) -> list[dict]:
    """What retention removed in the week, if anything, and the audit chain's head."""
    lines = [line for line in retention_lines(summary) if line]
    return [context(escape(line)) for line in lines] + [
        # our own words, a count and a hex digest: its backticks are code, nothing to escape
        context(Mrkdwn(audit_line(summary.audit_head)))
    ]

"""The weekly summary as text: each figure shown with its unit and change, as Markdown for
`repbot summary` and as CSV for a spreadsheet."""

from __future__ import annotations

import csv
import io
from dataclasses import fields
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cases import audit
from bot.reporting.goals import FIGURES, Number
from bot.reporting.summary import Figure, WeeklySummary
from bot.shared import times
from bot.shared.content import readable

TITLES = {
    "volume": "Volume",
    "self_service": "Self-service",
    "tone": "Tone",
    "solutions": "Solutions",
    "follow_through": "Follow-through",
    "repeat_contacts": "Repeat contacts",
    "silos": "Silos: redirects between teams",
    "root_causes": "Root causes of closed cases",
}
# A section's tables (one row per entry, team, type...) each under a heading of their own.
TABLE_TITLES = {
    "top_topics": "Most asked FAQ entries",
    "top_unanswered": "Most asked with no good answer",
    "added_to_faq": "What leads added to the FAQ (phrasings, or a new entry)",
    "top_phrases": "Phrases /tone caught most",
    # Only the solutions that stand (authorized or approved) of those proposed in the week:
    # the heading says so, so that a denied or pending one is not looked for in them.
    "count_by_type": "Solutions proposed and granted, by type",
    "value_by_type": "Value granted, by type",
    "redirects_by_team": "Redirects by receiving team",
    "median_wait_by_team": "Median wait to be taken, by team",
    "max_wait_by_team": "Longest wait to be taken, by team",
    "counts": "Cases by root cause",
    "shares": "Share of the week's closed cases",
}


def heading(name: str) -> str:
    """The heading of a section or a table of the summary, in words."""
    return TITLES.get(name) or TABLE_TITLES.get(name) or readable(name)


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


def _duration(minutes: Number) -> str:
    """Minutes as a manager reads them: "45 min", "2.5 h", "6.1 days"."""
    if abs(minutes) < 120:
        return f"{minutes:g} min"
    if abs(minutes) < 2 * 1440:
        return f"{round(minutes / 60, 1):g} h"
    return f"{round(minutes / 1440, 1):g} days"


def shown(value: Number | None, unit: str, currency: str = "") -> str:
    if value is None:
        return "–"
    if unit == "percent":
        return f"{value:g}%"
    if unit == "money":
        return f"{value:,.2f} {currency}".rstrip()
    if unit == "minutes":
        return _duration(value)
    shown = f"{value:,}" if isinstance(value, int) else f"{value:g}"
    if unit in ("count", "score", "amount"):
        return shown
    return f"{shown} {unit.removesuffix('s') if abs(value) == 1 else unit}"  # 1 month, 2 months


def shown_change(figure: Figure) -> str:
    if figure.change is None:
        return ""
    sign = "+" if figure.change > 0 else ""
    if figure.unit == "percent":  # a change of a rate is in points, not a percent of it
        return f"{sign}{figure.change:g} pp"
    return f"{sign}{shown(figure.change, figure.unit, figure.currency)}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def week_span(start: datetime, end: datetime, tz: ZoneInfo, between: str) -> str:
    """The days of a week as people read them: "Nov 30 to Dec 6, 2026"; both years for a week
    across the new year, "Dec 29, 2025 to Jan 4, 2026"."""
    last = end.astimezone(tz).date() - timedelta(days=1)
    return times.days(start.astimezone(tz).date(), last, between)


def to_markdown(summary: WeeklySummary) -> str:
    """The summary as Markdown tables, for a slide or a wiki page."""
    days = week_span(summary.start, summary.end, ZoneInfo(summary.timezone), "–")
    so_far = ", so far" if summary.in_progress else ""
    made = times.at(summary.made_at, ZoneInfo(summary.timezone))
    lines = [f"# Weekly summary {summary.label} ({days}{so_far})", "", f"Figures as of {made}.", ""]
    if summary.empty:
        lines += ["Nothing happened this week: no queries, cases, drafts, solutions, promises "
                  "or redirects.", ""]  # fmt: skip
    by_section: dict[str, list[tuple[str, Figure]]] = {}
    for section, name, figure in rows(summary):
        by_section.setdefault(section, []).append((name, figure))
    for section, figures in by_section.items():
        lines += [f"## {heading(section)}", ""]
        lines += ["| figure | this week | week before | change |", "| --- | ---: | ---: | ---: |"]
        for name, figure in figures:
            table = name.split(".")[0] if "." in name else None
            label = f"{heading(table)}: {figure.label}" if table else figure.label
            lines.append(
                f"| {_cell(label)} | {shown(figure.value, figure.unit, figure.currency)} | "
                f"{shown(figure.previous, figure.unit, figure.currency)} | {shown_change(figure)} |"
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
    lines += [*retention_lines(summary), audit_line(summary.audit_head), ""]
    return "\n".join(lines)


def retention_lines(summary: WeeklySummary) -> list[str]:
    """How many records retention handled in the week: none when it handled none."""
    count = summary.retention_records
    if not count:
        return []
    return [
        f"Retention: {count:,} record{'' if count == 1 else 's'} past their period "
        "(playbooks/retention.yaml) had their texts removed this week; the figures keep them.",
        "",
    ]


def audit_line(head: audit.Head) -> str:
    """The audit chain's head as the summary publishes it, out of reach of a database edit;
    the backticks are code in Markdown and in Slack alike. The count is the whole chain's,
    and says so: among the week's figures it would read as the week's."""
    return (
        f"Audit log to date (all weeks): {audit.entries(head.count)}, head `{head}`. "
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

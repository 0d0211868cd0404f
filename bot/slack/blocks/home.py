"""The App Home tab: what each rep has on their plate, and for seniors and leads what waits
on them."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.core.cases import Case
from bot.core.followups import Followup
from bot.core.gaps import Gap
from bot.core.redirects import Redirect
from bot.core.solutions import SolutionPolicy, SolutionRecord, describe
from bot.slack.blocks.base import context, escape, section, shorten
from bot.slack.blocks.followups import when

SHOWN = 10


def _list(title: str, lines: list[str], empty: str) -> list[dict]:
    body = "\n".join(f"• {line}" for line in lines[:SHOWN]) or empty
    more = [context(f"…and {len(lines) - SHOWN} more.")] if len(lines) > SHOWN else []
    return [{"type": "divider"}, section(f"*{title}*\n{body}"), *more]


def home_view(
    *,
    followups: list[Followup],
    cases: list[Case],
    my_pending: list[SolutionRecord],
    policy: SolutionPolicy,
    tz: ZoneInfo,
    now: datetime,
    to_decide: list[SolutionRecord] | None = None,
    lead: dict | None = None,
) -> dict:
    """`to_decide`, for seniors and up: the requests they may approve or deny; `lead`, for
    leads: {"unclaimed": [Redirect], "gaps": [Gap]}."""
    followup_lines = [
        f"{'*overdue* ' if f.due_at < now else ''}F-{f.id} · {when(f.due_at, tz)} · "
        f"{escape(shorten(f.what, 120))}"
        for f in followups
    ]
    case_lines = [
        f"{c.ref} · {escape(c.customer.name)} · {escape(shorten(c.topic, 80))} · "
        f"{c.contact_count} contacts"
        for c in cases
    ]
    pending_lines = [
        f"S-{s.id} · {escape(describe(policy, s))} on C-{s.case_id}" for s in my_pending
    ]
    blocks = [
        section(f"*Your desk* · {when(now, tz)}"),
        *_list("Open follow-ups", followup_lines, "Nothing promised and open."),
        *_list("Open cases", case_lines, "No open cases."),
        *_list("Waiting for approval", pending_lines, "Nothing waiting for approval."),
    ]
    if to_decide is not None:
        queue = [
            f"S-{s.id} · {escape(describe(policy, s))} on C-{s.case_id} for <@{s.requested_by}>"
            for s in to_decide
        ]
        blocks += _list("Approval queue", queue, "No solutions waiting for your decision.")
    if lead is not None:
        unclaimed: list[Redirect] = lead["unclaimed"]
        redirect_lines = [
            f"C-{r.case_id} to {escape(r.team_id)} since {when(r.created_at, tz)}"
            for r in unclaimed
        ]
        gaps: list[Gap] = lead["gaps"]
        gap_lines = [f"{g.count}× “{escape(shorten(g.question, 100))}”" for g in gaps]
        blocks += [
            *_list("Redirects nobody has taken", redirect_lines, "Every redirect is taken."),
            *_list("FAQ gaps this week (/kb gaps)", gap_lines, "No FAQ gaps this week."),
        ]
    return {"type": "home", "blocks": blocks}

"""The App Home tab: what each rep has on their plate, and for seniors and leads what waits
on them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.cases.service import Case
from bot.cases.solutions import SolutionPolicy, SolutionRecord, describe
from bot.faq.gaps import Gap
from bot.followups.redirects import Redirect, Team, team_name
from bot.followups.service import Followup
from bot.slack.blocks.base import (
    Message,
    Mrkdwn,
    bulleted,
    context,
    escape,
    local_time,
    mention,
    quote,
    section,
    shorten,
)
from bot.slack.blocks.cases import contacts, decision_buttons
from bot.slack.blocks.followups import followup_line

SHOWN = 10


def _list(title: str, lines: Sequence[str], empty: str, rest: str) -> list[dict]:
    return [
        {"type": "divider"},
        *bulleted(Mrkdwn(f"*{escape(title)}*"), lines, shown=SHOWN, rest=rest, empty=empty),
    ]


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
    notice: Message | None = None,
) -> dict:
    """`to_decide`, for seniors and up: the requests they may approve or deny, with buttons;
    `lead`, for leads: {"unclaimed": [Redirect], "teams": {id: Team}, "gaps": [Gap]};
    `notice`, what the reader's last click on the tab did, shown first."""
    followup_lines = [followup_line(f, tz, now) for f in followups]
    case_lines = [
        f"{c.ref} · {shorten(c.customer.name, 80)} · {shorten(c.topic, 80)} · {contacts(c)}"
        for c in cases
    ]
    pending_lines = [f"S-{s.id} · {describe(policy, s)} on C-{s.case_id}" for s in my_pending]
    blocks = [
        section(Mrkdwn(f"*Your desk* · {local_time(now, tz)}")),
        *_list(
            "Open follow-ups",
            followup_lines,
            "Nothing promised and open.",
            "/followup list shows them with buttons.",
        ),
        *_list("Open cases", case_lines, "No open cases.", "/case C-1042 opens any case."),
        *_list(
            "Waiting for approval",
            pending_lines,
            "Nothing waiting for approval.",
            "/case shows each case with its solutions.",
        ),
    ]
    if to_decide is not None:
        blocks += _queue(to_decide, policy)
    if lead is not None:
        unclaimed: list[Redirect] = lead["unclaimed"]
        teams: Mapping[str, Team] = lead["teams"]
        redirect_lines = [
            Mrkdwn(
                f"C-{r.case_id} to {escape(team_name(teams, r.team_id))} "
                f"since {local_time(r.created_at, tz)}"
            )
            for r in unclaimed
        ]
        gaps: list[Gap] = lead["gaps"]
        gap_lines = [f"{g.count}× “{shorten(g.question, 100)}”" for g in gaps]
        blocks += [
            *_list(
                "Redirects nobody has taken",
                redirect_lines,
                "Every redirect is taken.",
                "Each one waits in its team's channel.",
            ),
            *_list(
                "FAQ gaps of the last 7 days (/kb gaps)",
                gap_lines,
                "No FAQ gaps in the last 7 days.",
                "/kb gaps lists them with one-click fixes.",
            ),
        ]
    return {"type": "home", "blocks": [*(notice or {}).get("blocks", []), *blocks]}


def _queue(to_decide: list[SolutionRecord], policy: SolutionPolicy) -> list[dict]:
    """The requests the reader may decide, each with Approve and Deny, as on its card: at most
    `SHOWN` (two blocks each keep the tab within Slack's 100), then how many more."""
    if not to_decide:
        return _list("Approval queue", [], "No solutions waiting for your decision.", "")
    blocks: list[dict] = [{"type": "divider"}, section(Mrkdwn("*Approval queue*"))]
    for s in to_decide[:SHOWN]:
        line = Mrkdwn(
            f"S-{s.id} · {escape(describe(policy, s))} on C-{s.case_id} for "
            f"{mention(s.requested_by)}\n"
        ) + quote(s.reason, 300)
        blocks += [section(line), decision_buttons(s)]
    if len(to_decide) > SHOWN:
        more = len(to_decide) - SHOWN
        blocks.append(context(f"…and {more} more: they show here as you decide these."))
    return blocks

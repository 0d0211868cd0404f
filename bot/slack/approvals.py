"""Where a request waiting for a decision shows: its approval card in the leads' channel and,
once it has waited longer than the team allows, a nudge in the DM of each person who may
decide it (bot/cases/nudges.py) with the card's Approve and Deny, or, when nobody listed may,
one post in the leads' channel. A decision, or the case's closing, shows on all of them,
wherever it was made."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cases.card import case_card
from bot.cases.nudges import (
    APPROVAL_NUDGE_AFTER,
    Nudge,
    claim,
    delivered,
    due_nudges,
    next_nudge_at,
    nudge_key,
)
from bot.cases.solutions import SolutionRecord, deciders, granted_before, same_kind
from bot.reporting.goals import Goals
from bot.services import Services
from bot.shared.db import existing
from bot.slack import queries as edge_db
from bot.slack.blocks import base
from bot.slack.blocks import cases as case_blocks
from bot.slack.outbox import Outbox
from bot.slack.people import known_time_zone

APPROVAL_FIGURE = "median_approval_minutes"  # the goal whose target is how long to wait
# A nudge's outbox key starts as a reminder's: it is one, to whoever may decide the request.
NUDGE_PREFIX = "reminder:"

# A message clicked: its channel and ts, and in a digest the tag of the item clicked.
Clicked = tuple[str | None, str, str | None]


def card_key(solution_id: int) -> str:
    """The outbox key of a solution's approval card, by which its decision replaces it."""
    return f"solution:{solution_id}:card"


def _nudges_of(solution_id: int) -> str:
    """What the outbox keys of a solution's nudges start with (then who each is for)."""
    return f"{NUDGE_PREFIX}{nudge_key(solution_id)}:"


def nudge_after(goals: Goals) -> timedelta:
    """How long a request waits before those who may decide it are told: the target goals.yaml
    sets for the median time to decide, where it sets one, else APPROVAL_NUDGE_AFTER."""
    target = goals.target_of(APPROVAL_FIGURE)
    return timedelta(minutes=target) if target and target > 0 else APPROVAL_NUDGE_AFTER


def due(services: Services, now: datetime, zone_of: Callable[[str], ZoneInfo]) -> list[Nudge]:
    """The nudges due by `now`: the wait counted from each request, moved to the next working
    morning (situations.yaml's working hours) on each decider's own clock (`zone_of`: their
    Slack time zone, asked once each by the caller), the leads' on the team's (goals.yaml's)."""
    guide = services.guide
    return due_nudges(
        services.store, guide.solutions, services.roles, now, after=nudge_after(guide.goals),
        hours=guide.playbooks.working_hours, tz=guide.goals.schedule.tz, zone_of=zone_of,
    )  # fmt: skip


def next_due(
    services: Services, now: datetime, zone_of: Callable[[str], ZoneInfo]
) -> datetime | None:
    """The first moment after `now` at which a nudge falls due, counted as `due` counts it."""
    guide = services.guide
    return next_nudge_at(
        services.store, guide.solutions, services.roles, now, after=nudge_after(guide.goals),
        hours=guide.playbooks.working_hours, tz=guide.goals.schedule.tz, zone_of=zone_of,
    )  # fmt: skip


def recipients(services: Services, nudge: Nudge) -> list[str]:
    """Who is told: the decider it is for, else the leads' channel (if roles.yaml names one)."""
    if nudge.reader:
        return [nudge.reader]
    leads = services.roles.channels.get("leads")
    return [leads] if leads else []


def queue_nudge(
    services: Services, outbox: Outbox, nudge: Nudge, zones: dict[str, ZoneInfo],
    instance: str, now: datetime,
) -> bool:  # fmt: skip
    """Claim `nudge` and queue its messages, in the caller's transaction, each person's on
    their clock (`zones`); False when another instance has it, it was sent, or the request no
    longer waits."""
    store = services.store
    to = recipients(services, nudge)
    if not claim(store, nudge, to, instance, now):
        return False
    solution, policy = nudge.solution, services.guide.solutions
    card = existing(case_card(store, solution.case_id), f"case C-{solution.case_id}")
    prefix = _nudges_of(solution.id)
    for reader in to:
        if nudge.reader:
            needs = nudge.deciders.role or solution.needs_role or "manager"
            shown = case_blocks.approval_nudge(
                card, solution, needs, policy, now, zones.get(reader),
                granted_before(store, solution), same_kind(store, solution),
            )  # fmt: skip
        else:
            shown = case_blocks.nobody_to_decide(card, solution, nudge.deciders.role, policy, now)
        outbox.post(reader, shown, key=prefix + reader, digest="approval")
    delivered(store, nudge, now)  # to the outbox, which owns the sending from here
    return True


def clicked_message(body: dict, tag: str | None) -> Clicked:
    """The message a button was clicked on (`tag`: the item's, in a digest)."""
    channel = (body.get("channel") or {}).get("id")
    return channel, str((body.get("message") or {}).get("ts", "")), tag


def _in_message(item: dict, clicked: Clicked | None) -> bool:
    """Whether the outbox item `item` went out in the message `clicked` (alone or in a digest)."""
    return (
        clicked is not None
        and item["sent_ts"] == clicked[1]
        and clicked[0] in (None, item["sent_channel"])
    )


def show_everywhere(
    outbox: Outbox, solution_id: int, shown: base.Message, change: str,
    clicked: Clicked | None = None,
) -> None:  # fmt: skip
    """The request's approval card and its nudges show `shown` (its decision, or that its case
    was closed), each once for that `change` ("decided", "withdrawn"), but the message
    `clicked`, which the click's reply replaces. A card never posted (no leads' channel) has
    nothing to change."""

    def was_clicked(item: dict) -> bool:
        return _in_message(item, clicked) and (
            clicked is None or clicked[2] is None or clicked[2] == str(item["id"])
        )

    card = outbox.item(card_key(solution_id))
    if card is not None and not was_clicked(card):
        outbox.update(card_key(solution_id), shown, key=f"solution:{solution_id}:{change}")
    for nudge in edge_db.posts_keyed(outbox.store, _nudges_of(solution_id)):
        if not was_clicked(nudge):
            outbox.update(nudge["key"], shown, key=f"{nudge['key']}:{change}")


def show_same_kind(
    services: Services, outbox: Outbox, changed: SolutionRecord, clicked: Clicked | None = None
) -> dict[str, base.Message]:
    """After `changed` was asked for or decided, the approval cards and nudges of the other
    requests of its kind still waiting on its case show it as it now stands (each once for
    that change), so whoever decides one sees what became of the others. Returns those in
    the message `clicked` to decide it (a digest), by their tag there: the click's reply
    replaces that whole message, so it must show them as they now stand too, or whichever of
    the reply and their edits landed last would undo the other."""
    store, policy = services.store, services.guide.solutions
    change = f"{changed.ref}:{changed.status}"
    in_clicked: dict[str, base.Message] = {}

    def show(item: dict | None, shown: base.Message) -> None:
        if item is None:  # never posted (no leads' channel): nothing to change
            return
        outbox.update(item["key"], shown, key=f"{item['key']}:{change}")
        if _in_message(item, clicked):
            in_clicked[str(item["id"])] = shown

    for other in same_kind(store, changed):
        if other.status != "pending":
            continue
        card = existing(case_card(store, other.case_id), f"case C-{other.case_id}")
        granted, others = granted_before(store, other), same_kind(store, other)
        needs = other.needs_role or "manager"
        show(outbox.item(card_key(other.id)),
             case_blocks.approval_card(card, other, needs, policy, granted, others))  # fmt: skip
        who = deciders(store, policy, services.roles, other)
        for nudge in edge_db.posts_keyed(store, _nudges_of(other.id)):
            reader = nudge["key"].removeprefix(_nudges_of(other.id))
            if reader not in who.people:  # not to nobody_to_decide's
                continue
            # How long it had waited when the nudge was sent, as then: the message bears that
            # time, and an edit about another request is no news of this one's wait.
            sent = datetime.fromisoformat(nudge["created_at"])
            shown = case_blocks.approval_nudge(
                card, other, who.role or needs, policy, sent,
                known_time_zone(store, reader), granted, others,
            )  # fmt: skip
            show(nudge, shown)
    return in_clicked

"""/followup [case] <when> <what> [case] records a promise; /followup list; /followup done <id>;
/followup snooze <id> <when>.
/redirect <team> <case> [note] hands a case to another team with its whole history."""

from zoneinfo import ZoneInfo

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.cases.service import parse_case_ref
from bot.followups.redirects import Team, closest_team, find_team, redirect
from bot.followups.service import (
    case_first_to_end,
    complete,
    list_followups,
    save_promise,
    snooze,
    trailing_case,
)
from bot.followups.when import parse_when, split_when
from bot.services import Services
from bot.slack.blocks import base
from bot.slack.blocks import followups as followup_blocks
from bot.slack.boundary import Listeners
from bot.slack.ids import Command
from bot.slack.listeners.actions.followups import packet_key
from bot.slack.outbox import Outbox
from bot.slack.people import time_zone
from bot.slack.reminders import show_on_reminders


def followup(
    ack: Ack, command: dict, client: WebClient, services: Services, outbox: Outbox,
    delivery_key: str,
) -> None:  # fmt: skip
    # The promise is stored before the acknowledgement: what Slack heard answered is kept.
    text = command.get("text", "").strip()
    if not text:
        ack(response_type="ephemeral", **followup_blocks.followup_usage())
        return
    user_id = command["user_id"]
    store = services.store
    tz = time_zone(client, store, user_id)  # asked of Slack before the transaction
    word, _, rest = text.partition(" ")
    if word.lower() == "list":
        now = store.clock.now()
        ack(response_type="ephemeral", **followup_blocks.followup_list(
            list_followups(store, user_id), tz, now))  # fmt: skip
        return
    with outbox.unit_of_work(delivery_key):
        if word.lower() == "done":
            number = _number(rest)
            if number is None:
                message = followup_blocks.followup_which("done")
            else:
                closed = complete(store, number, user_id, roles=services.roles)
                message = followup_blocks.followup_closed(closed, tz, "done")
                show_on_reminders(outbox, closed, "done")
        elif word.lower() == "snooze":
            message = _snooze(services, outbox, user_id, rest, tz)
        else:
            message = _promise(services, command, text, tz)
    ack(response_type="ephemeral", **message)


def _number(text: str) -> int | None:
    """A follow-up's number as typed: "12" or "F-12"."""
    number = text.strip().upper().removeprefix("F-")
    return int(number) if number.isdigit() else None


def _snooze(
    services: Services, outbox: Outbox, user_id: str, text: str, tz: ZoneInfo
) -> base.Message:
    """/followup snooze 12 tomorrow 10am: the promise moves to a new due time."""
    typed_number, _, when_text = text.strip().partition(" ")
    number = _number(typed_number)
    if number is None:
        return followup_blocks.followup_which("snooze")
    if not when_text.strip():
        return followup_blocks.snooze_until(number)
    now = services.store.clock.now()
    hours = services.guide.playbooks.working_hours
    until = parse_when(when_text, now=now, tz=tz, hours=hours)  # WhenError says what it read
    roles = services.roles
    moved = snooze(services.store, number, user_id, until.at, roles=roles, zone=until.zone)
    # the note on working hours is the owner's, not a lead's moving it for them
    own = hours if moved.owner_id == user_id else None
    message = followup_blocks.followup_closed(moved, tz, "snoozed", now=now, due=until, hours=own)
    show_on_reminders(outbox, moved, "snoozed")
    return message


def _promise(services: Services, command: dict, text: str, tz: ZoneInfo) -> base.Message:
    now = services.store.clock.now()
    hours = services.guide.playbooks.working_hours
    when_text, what = split_when(case_first_to_end(text), now=now, tz=tz, hours=hours)
    due = parse_when(when_text, now=now, tz=tz, hours=hours)  # WhenError says what it read
    what, case_id = trailing_case(what)
    if not what:
        return followup_blocks.followup_no_promise(when_text)
    promised = save_promise(
        services.store, owner_id=command["user_id"], what=what, due_at=due.at, case_id=case_id,
        request_key=command.get("trigger_id"), zone=due.zone,
    )  # fmt: skip
    if promised.earlier is not None:
        return followup_blocks.followup_retyped(promised, tz, now, due, hours)
    return followup_blocks.followup_saved(promised.followup, tz, now, due, hours)


def send_redirect(
    ack: Ack, command: dict, client: WebClient, services: Services, outbox: Outbox,
    delivery_key: str,
) -> None:  # fmt: skip
    # The handoff is stored, and its packet queued for the team, before the acknowledgement.
    teams = services.guide.teams
    team, case_id, note, unknown = _read_redirect(teams, command.get("text", ""))
    if team is None or case_id is None:
        ack(response_type="ephemeral", **followup_blocks.redirect_usage(teams, unknown, case_id))
        return
    user_id = command["user_id"]
    tz = time_zone(client, services.store, user_id)
    today = services.store.clock.now().date()
    with outbox.unit_of_work(delivery_key):
        sent, packet, customer_message = redirect(
            services.store, teams, case_id=case_id, team_id=team.id,
            from_user=user_id, note=note,
            request_key=command.get("trigger_id"), tz=tz,
            hours=services.guide.playbooks.working_hours,
            faq_entries=services.faq.entries,
        )  # fmt: skip
        policy = services.guide.solutions
        packet_card = followup_blocks.packet_card(packet, team, policy, tz, today)
        # Keyed by its redirect: a retried request queues nothing new, and an erasure of the
        # customer finds the packet to replace it (bot/slack/erasure.py).
        outbox.post(team.channel, packet_card, key=packet_key(sent.id), digest="redirect")
        ref = packet.case_card.case.ref
        if sent.case_owner != sent.from_user:  # a case taken by a team before, sent on
            notice = followup_blocks.redirect_sent_on(sent, ref, team)
            outbox.post(sent.case_owner, notice, key=f"redirect:{sent.id}:owner", digest="redirect")
    said = followup_blocks.redirected(team, sent, ref, customer_message)
    ack(response_type="ephemeral", **said)


# The most words a team's name takes where it follows the case ("C-1042 app support ...").
_TEAM_WORDS = 3


def _read_redirect(teams: dict[str, Team], text: str) -> tuple[Team | None, int | None, str, str]:
    """The team, the case and the note of "/redirect billing C-1042 note" (the team is what
    comes before the case: "App support C-1042") or of "C-1042 billing note", as reps also
    write it; and the words read as a team that names none, for the reply."""
    words = text.split()
    cases = ((i, n) for i, word in enumerate(words) if (n := parse_case_ref(word)) is not None)
    at, case_id = next(cases, (0, None))
    if case_id is not None and at == 0:  # the case first: the team follows it
        for end in range(min(len(words), _TEAM_WORDS + 1), 1, -1):
            if team := find_team(teams, " ".join(words[1:end])):
                return team, case_id, " ".join(words[end:]), ""
        # a misspelt team is named back ("Did you mean billing?"); a note alone asks which team
        typo = words[1] if len(words) > 1 and closest_team(teams, words[1]) else ""
        return None, case_id, "", typo
    team_text = " ".join(words[:at] if at else words[:1])
    team = find_team(teams, team_text) if team_text else None
    if team is None:
        return None, case_id, "", team_text
    return team, case_id if at else None, " ".join(words[at + 1 :]), ""


def register(app: Listeners) -> None:
    app.command(Command.FOLLOWUP)(followup)
    app.command(Command.REDIRECT)(send_redirect)

"""/followup <when> <what> [case] records a promise; /followup list; /followup done <id>.
/redirect <team> <case> [note] hands a case to another team with its whole history."""

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core.cases import CaseError, parse_case_ref
from bot.core.followups import (
    FollowupError,
    add_followup,
    complete,
    list_followups,
    trailing_case,
)
from bot.core.redirects import RedirectError, find_team, redirect
from bot.core.when import WhenError, parse_when, split_when
from bot.services import Services
from bot.slack.blocks import base
from bot.slack.blocks import followups as followup_blocks
from bot.slack.people import time_zone
from bot.slack.posting import tell


def acknowledge_followup(ack: Ack, command: dict) -> None:
    if not command.get("text", "").strip():
        ack(response_type="ephemeral", **followup_blocks.followup_usage())
    else:
        ack()  # the rep's time zone may have to be asked of Slack first


def followup(command: dict, respond: Respond, client: WebClient, context: dict) -> None:
    services: Services = context["services"]
    text = command.get("text", "").strip()
    if not text:
        return
    user_id = command["user_id"]
    store = services.store
    tz = time_zone(client, store, user_id)
    now = store.clock.now()
    word, _, rest = text.partition(" ")
    try:
        if word.lower() == "list":
            message = followup_blocks.followup_list(list_followups(store, user_id), tz, now)
        elif word.lower() == "done":
            number = rest.strip().upper().removeprefix("F-")
            if not number.isdigit():
                message = followup_blocks.followup_usage()
            else:
                closed = complete(store, int(number), user_id, roles=services.roles)
                message = followup_blocks.followup_closed(closed, tz, "done")
        else:
            message = _promise(services, command, text, tz)
    except (FollowupError, WhenError, CaseError) as error:
        message = base.note(str(error))
    respond(response_type="ephemeral", **message)


def _promise(services: Services, command: dict, text: str, tz) -> base.Message:
    now = services.store.clock.now()
    hours = services.coach.guide.playbooks.working_hours
    when_text, what = split_when(text, now=now, tz=tz, hours=hours)
    due = parse_when(when_text, now=now, tz=tz, hours=hours)  # WhenError says what it read
    what, case_id = trailing_case(what)
    if not what:
        return followup_blocks.followup_usage()
    saved = add_followup(
        services.store, owner_id=command["user_id"], what=what, due_at=due, case_id=case_id,
        request_key=command.get("trigger_id"),
    )  # fmt: skip
    return followup_blocks.followup_saved(saved, tz)


def acknowledge_redirect(ack: Ack, command: dict, context: dict) -> None:
    teams = context["services"].coach.guide.teams
    words = command.get("text", "").split()
    if not words or find_team(teams, words[0]) is None:
        ack(response_type="ephemeral", **followup_blocks.redirect_usage(teams))
    else:
        ack()  # posting the packet to the team's channel follows


def send_redirect(command: dict, respond: Respond, client: WebClient, context: dict) -> None:
    services: Services = context["services"]
    teams = services.coach.guide.teams
    words = command.get("text", "").split()
    team = find_team(teams, words[0]) if words else None
    if team is None:
        return
    case_id = parse_case_ref(words[1]) if len(words) > 1 else None
    if case_id is None:
        respond(response_type="ephemeral", **followup_blocks.redirect_usage(teams))
        return
    try:
        _, packet, customer_message = redirect(
            services.store, teams, case_id=case_id, team_id=team.id,
            from_user=command["user_id"], note=" ".join(words[2:]),
            request_key=command.get("trigger_id"),
            tz=time_zone(client, services.store, command["user_id"]),
            hours=services.coach.guide.playbooks.working_hours,
            faq_entries=services.faq.entries,
        )  # fmt: skip
    except (CaseError, RedirectError) as error:
        respond(response_type="ephemeral", **base.note(str(error)))
        return
    tz = time_zone(client, services.store, command["user_id"])
    today = services.store.clock.now().date()
    card = followup_blocks.packet_card(packet, team, services.coach.guide.solutions, tz, today)
    tell(client, team.channel, card)
    ref = packet.case_card.case.ref
    respond(response_type="ephemeral", **followup_blocks.redirected(team, ref, customer_message))


def register(app: App) -> None:
    app.command("/followup")(ack=acknowledge_followup, lazy=[followup])
    app.command("/redirect")(ack=acknowledge_redirect, lazy=[send_redirect])

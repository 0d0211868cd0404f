"""Buttons on follow-ups and reminders (Done, Snooze 1h, Snooze tomorrow) and on a redirect
packet (Take it)."""

from datetime import timedelta

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot.core.followups import FollowupError, complete, snooze
from bot.core.redirects import RedirectError, take
from bot.core.when import parse_when
from bot.services import Services
from bot.slack.blocks import base
from bot.slack.blocks import followups as followup_blocks
from bot.slack.listeners.acks import acknowledge
from bot.slack.people import time_zone
from bot.slack.posting import tell


def on_followup(body: dict, respond: Respond, client: WebClient, context: dict) -> None:
    services: Services = context["services"]
    action = body["actions"][0]
    user_id = body["user"]["id"]
    value = action.get("value", "")
    tz = time_zone(client, services.store, user_id)
    now = services.store.clock.now()
    try:
        if not value.isdigit():
            raise FollowupError("That follow-up is gone.")
        if action["action_id"] == "followup_done":
            followup = complete(services.store, int(value), user_id, roles=services.roles)
            done = "done"
        else:
            hours = services.coach.guide.playbooks.working_hours
            later = (
                now + timedelta(hours=1)
                if action["action_id"] == "followup_snooze_hour"
                else parse_when("tomorrow", now=now, tz=tz, hours=hours)  # when work starts
            )
            roles = services.roles
            followup = snooze(services.store, int(value), user_id, later, roles=roles)
            done = "snoozed"
    except FollowupError as error:
        respond(replace_original=False, response_type="ephemeral", **base.note(str(error)))
        return
    respond(replace_original=True, **followup_blocks.followup_closed(followup, tz, done))


def take_redirect(body: dict, respond: Respond, client: WebClient, context: dict) -> None:
    services: Services = context["services"]
    value = body["actions"][0].get("value", "")
    user_id = body["user"]["id"]
    try:
        taken = take(services.store, int(value) if value.isdigit() else 0, user_id)
    except RedirectError as error:
        respond(replace_original=False, response_type="ephemeral", **base.note(str(error)))
        return
    if body.get("message"):
        respond(replace_original=True, **followup_blocks.packet_taken(body["message"], user_id))
    tell(
        client,
        taken.from_user,
        base.note(f"C-{taken.case_id} was taken by its new team; it is theirs now."),
    )


def register(app: App) -> None:
    for action_id in ("followup_done", "followup_snooze_hour", "followup_snooze_tomorrow"):
        app.action(action_id)(ack=acknowledge, lazy=[on_followup])
    app.action("redirect_take")(ack=acknowledge, lazy=[take_redirect])

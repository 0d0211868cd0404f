"""Buttons on follow-ups and reminders (Done, Snooze 1h, Snooze tomorrow) and on a redirect
packet (Take it)."""

from datetime import timedelta

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.followups.redirects import packet, take, team_name
from bot.followups.service import Followup, FollowupError, complete, get_followup, snooze
from bot.services import Services
from bot.slack.blocks import followups as followup_blocks
from bot.slack.blocks.cases import SETTLED_PROMISE
from bot.slack.blocks.digest import in_place, tag_of
from bot.slack.boundary import Listeners
from bot.slack.ids import Action
from bot.slack.outbox import Outbox
from bot.slack.people import time_zone
from bot.slack.reminders import show_on_reminders


def on_followup(
    ack: Ack, body: dict, respond: Respond, client: WebClient, services: Services,
    outbox: Outbox, delivery_key: str,
) -> None:  # fmt: skip
    ack()  # the outcome is stored below before Slack hears the acknowledgement
    action = body["actions"][0]
    user_id = body["user"]["id"]
    value = action.get("value", "")
    if not value.isdigit():
        raise FollowupError("That follow-up is gone.")
    tz = time_zone(client, services.store, user_id)
    now = services.store.clock.now()
    roles = services.roles

    hours = services.guide.playbooks.working_hours

    def show(followup: Followup, done: str) -> None:
        # the note on working hours is the owner's, not a lead's moving it for them
        own = hours if followup.owner_id == user_id else None
        closed = followup_blocks.followup_closed(followup, tz, done, now=now, hours=own)
        # In a digest, only this reminder is replaced; the others keep their buttons.
        block_id = action.get("block_id", "")
        message = in_place(body.get("message"), block_id, lambda _: closed)
        respond(replace_original=True, **message)
        clicked = (str(body.get("message", {}).get("ts", "")), tag_of(block_id))
        show_on_reminders(outbox, followup, done, clicked)  # the others say it too

    try:
        with outbox.unit_of_work(delivery_key):
            if action["action_id"] == Action.FOLLOWUP_DONE:
                show(complete(services.store, int(value), user_id, roles=roles), "done")
                return
            later = (
                now + timedelta(hours=1)
                if action["action_id"] == Action.FOLLOWUP_SNOOZE_HOUR
                else hours.next_opening(now.astimezone(tz))  # when work starts, Monday on a Friday
            )
            show(snooze(services.store, int(value), user_id, later, roles=roles), "snoozed")
    except FollowupError:
        # Kept meanwhile (with /followup done, or from another reminder), or closed with its
        # case: this reminder shows it too, and its buttons go; the refusal still says who
        # did it and when.
        settled = get_followup(services.store, int(value))
        if settled is not None and settled.status in SETTLED_PROMISE:
            with outbox.unit_of_work(delivery_key):  # the work above was rolled back, key and all
                show(settled, SETTLED_PROMISE[settled.status])
        raise


def packet_key(redirect_id: int) -> str:
    """The outbox key of a redirect's packet in its team's channel, by which it is updated."""
    return f"redirect:{redirect_id}:packet"


def take_redirect(
    ack: Ack, body: dict, respond: Respond, client: WebClient, services: Services,
    outbox: Outbox, delivery_key: str,
) -> None:  # fmt: skip
    ack()
    value = body["actions"][0].get("value", "")
    user_id = body["user"]["id"]
    store = services.store
    tz = time_zone(client, store, user_id)
    with outbox.unit_of_work(delivery_key):
        taken = take(store, int(value) if value.isdigit() else 0, user_id)
        if body.get("message"):
            # The packet as the database holds it now, never as the click's copy of it: its
            # customer may have been erased since it was posted.
            team = services.guide.teams.get(taken.team_id)
            now = packet(store, team, taken, services.faq.entries) if team else None
            policy, today = services.guide.solutions, store.clock.now().date()
            shown = followup_blocks.packet_taken(taken, now, policy, tz, today)
            block_id = body["actions"][0].get("block_id", "")
            respond(replace_original=True, **in_place(body["message"], block_id, lambda _: shown))
        said = followup_blocks.redirect_taken(taken, team_name(services.guide.teams, taken.team_id))
        for told in taken.told:
            if told != taken.taken_by:  # an owner who took it knows
                # The sender's key as it always was: a notice queued before stays one
                key = f"redirect:{taken.id}:taken" + ("" if told == taken.from_user else ":owner")
                outbox.post(told, said, key=key, digest="taken")


def register(app: Listeners) -> None:
    for action_id in (
        Action.FOLLOWUP_DONE,
        Action.FOLLOWUP_SNOOZE_HOUR,
        Action.FOLLOWUP_SNOOZE_TOMORROW,
    ):
        app.action(action_id)(on_followup)
    app.action(Action.REDIRECT_TAKE)(take_redirect)

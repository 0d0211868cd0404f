"""Buttons on a draft: Use this, Shorter, More formal, Another version, Not helpful; and
"Draft a reply" on a /faq answer."""

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.coaching.drafts import CannotDraft
from bot.coaching.service import get_draft, mark_draft
from bot.followups.service import promise_of_draft
from bot.services import Services
from bot.slack.blocks import coach as coach_blocks
from bot.slack.blocks import faq as faq_blocks
from bot.slack.blocks import followups as followup_blocks
from bot.slack.boundary import Listeners
from bot.slack.drafting import draft_for
from bot.slack.ids import Action
from bot.slack.outbox import Outbox
from bot.slack.people import time_zone

GONE = "This draft has expired. Write a new one with /draft."
# action -> how the next draft differs from the one the button is on
CHANGES = {
    Action.DRAFT_SHORTER: {"style": "short"},
    Action.DRAFT_FORMAL: {"style": "formal"},
    Action.DRAFT_ANOTHER: {},
}


def on_draft(
    ack: Ack, body: dict, respond: Respond, client: WebClient, services: Services,
    outbox: Outbox, delivery_key: str,
) -> None:  # fmt: skip
    ack()  # a draft button's reply goes through the outbox; a failure below is said there
    action = body["actions"][0]
    value = action.get("value", "")
    user_id = body["user"]["id"]
    row = get_draft(services.store, int(value)) if value.isdigit() else None
    if row is None or row["user_id"] != user_id:
        raise CannotDraft(GONE)
    action_id = action["action_id"]
    tz = time_zone(client, services.store, user_id)
    with outbox.unit_of_work(delivery_key):
        if action_id in (Action.DRAFT_USE, Action.DRAFT_NOT_HELPFUL):
            used = action_id == Action.DRAFT_USE
            mark_draft(
                services.store, row["id"], used=used or None, helpful=None if used else False
            )
            done = "Logged as sent." if used else "Thanks: marked not helpful for the team leads."
            promise = (
                promise_of_draft(
                    services.store, services.guide.playbooks, row, user_id,
                    services.faq.edition.knowledge.synonyms,
                )
                if used
                else None
            )  # fmt: skip
            if promise is not None:
                now = services.store.clock.now()
                done = followup_blocks.promise_of_draft_saved(promise, tz, now)
            respond(replace_original=True, **coach_blocks.draft_done(row["text"], done))
            return
        style = CHANGES[action_id].get("style", row["style"])
        version = row["version"] + 1 if action_id == Action.DRAFT_ANOTHER else row["version"]
        entry = services.faq.entry(row["entry_id"]) if row["entry_id"] else None
        drafted = draft_for(
            services, tz, user_id, row["message"], entry=entry,
            customer_name=row["customer_name"], case_id=row["case_id"], style=style,
            version=version, request_key=delivery_key,
        )  # fmt: skip
        respond(
            replace_original=True,
            **coach_blocks.draft_message(
                drafted.draft_id, drafted.draft, drafted.tone, customer=row["customer_name"],
                case=row["case_id"],
                unchanged_by=action_id if drafted.draft.text == row["text"] else None,
            ),
        )  # fmt: skip


def from_faq(
    ack: Ack, body: dict, respond: Respond, client: WebClient, services: Services,
    outbox: Outbox, delivery_key: str,
) -> None:  # fmt: skip
    """A draft for the question a /faq answer was for, built on that answer's entry."""
    ack()
    parsed = faq_blocks.parse_faq_value(body["actions"][0].get("value", ""))
    query = services.faq.query(parsed[0]) if parsed else None
    if parsed is None or query is None:
        raise CannotDraft(GONE)
    user_id = body["user"]["id"]
    tz = time_zone(client, services.store, user_id)
    with outbox.unit_of_work(delivery_key):
        drafted = draft_for(
            services, tz, user_id, query.text, entry=services.faq.entry(parsed[1][0]),
            request_key=delivery_key,
        )  # fmt: skip
        message = coach_blocks.draft_message(drafted.draft_id, drafted.draft, drafted.tone)
        respond(replace_original=False, response_type="ephemeral", **message)


def register(app: Listeners) -> None:
    for action_id in (Action.DRAFT_USE, Action.DRAFT_NOT_HELPFUL, *CHANGES):
        app.action(action_id)(on_draft)
    app.action(Action.FAQ_DRAFT)(from_faq)

"""Export data and Erase… on a /customer card, for the roles roles.yaml gives the right: the
export goes to the clicker's DMs as a JSON file (and into the audit log); Erase opens a modal
that asks why."""

import json
from datetime import datetime

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.privacy.service import check_erasable, export_for, find
from bot.services import Services
from bot.shared.refusal import Refusal
from bot.shared.roles import CUSTOMER_DATA
from bot.slack.blocks import privacy as privacy_blocks
from bot.slack.boundary import Listeners
from bot.slack.ids import Action
from bot.slack.listeners.acks import acknowledge
from bot.slack.outbox import Outbox


def check_right(services: Services, user_id: str) -> None:
    """A card can be forwarded and a button replayed: the right is checked at each click."""
    if not services.roles.may(user_id, CUSTOMER_DATA):
        raise Refusal(privacy_blocks.not_allowed()["text"])


def export_data(
    ack: Ack, body: dict, respond: Respond, services: Services, outbox: Outbox,
    delivery_key: str, delivered_before: datetime | None,
) -> None:  # fmt: skip
    ack()  # the export is queued below, before Slack hears the acknowledgement
    user_id = body["user"]["id"]
    check_right(services, user_id)
    customer_id = body["actions"][0].get("value", "")
    filename = f"{customer_id.lower()}.json"
    if delivered_before is not None:  # this button was clicked before: one export is enough
        raise Refusal(
            privacy_blocks.export_already_sent(customer_id, filename), at=delivered_before
        )
    with outbox.unit_of_work(delivery_key):
        document = export_for(services.store, customer_id, actor=user_id)
        content = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
        title = f"What repbot holds about {customer_id}"
        outbox.upload(user_id, content, filename, title, key=f"export:{delivery_key}")
    told = privacy_blocks.export_sent(customer_id, filename)
    respond(replace_original=False, response_type="ephemeral", **told)


def ask_erase(body: dict, client: WebClient, services: Services) -> None:
    check_right(services, body["user"]["id"])
    customer = find(services.store, body["actions"][0].get("value", ""))
    check_erasable(services.store, customer)  # an open case: close it first, said now
    modal = privacy_blocks.erase_modal(customer["id"], customer["name"])
    client.views_open(trigger_id=body["trigger_id"], view=modal)


def register(app: Listeners) -> None:
    app.action(Action.CUSTOMER_EXPORT)(export_data)
    app.action(Action.CUSTOMER_ERASE)(ack=acknowledge, lazy=[ask_erase])

"""The erase modal of /customer: the erasure is done before the acknowledgement, so what
Slack heard answered is done, and the modal then says what was erased."""

import json

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.privacy.service import finish_erasure
from bot.services import Services
from bot.slack.blocks import privacy as privacy_blocks
from bot.slack.boundary import Listeners
from bot.slack.erasure import erase_everywhere
from bot.slack.ids import FIELD_INPUT, Field, Modal
from bot.slack.listeners.actions.customer import check_right
from bot.slack.outbox import Outbox
from bot.slack.people import time_zone


def check_erase(
    ack: Ack, body: dict, view: dict, client: WebClient, services: Services, outbox: Outbox,
    delivery_key: str,
) -> None:  # fmt: skip
    check_right(services, body["user"]["id"])
    state = view["state"]["values"].get(Field.REASON, {}).get(FIELD_INPUT, {})
    reason = (state.get("value") or "").strip()
    if not reason:
        ack(
            response_action="errors",
            errors={Field.REASON: "Say why, such as the request's reference."},
        )
        return
    customer_id = json.loads(view.get("private_metadata") or "{}").get("customer", "")
    tz = time_zone(client, services.store, body["user"]["id"])  # asked before the transaction
    with outbox.unit_of_work(delivery_key):
        erasure, slack = erase_everywhere(
            outbox, customer_id, actor=body["user"]["id"], reason=reason
        )
    ack(response_action="update", view=privacy_blocks.erased_modal(erasure, slack, tz))
    finish_erasure(services.store, erasure, compact=False)


def register(app: Listeners) -> None:
    app.view(Modal.ERASE_CUSTOMER)(check_erase)

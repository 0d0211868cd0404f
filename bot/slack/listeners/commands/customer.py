"""/customer <CRM id, email, name or case id>: what repbot holds about a customer, with Export and
Erase, for the roles that roles.yaml gives the right (nobody by default)."""

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.privacy.service import overview
from bot.services import Services
from bot.slack import queries as edge_db
from bot.slack.access import may_use
from bot.slack.blocks import privacy as privacy_blocks
from bot.slack.boundary import Listeners
from bot.slack.ids import Command
from bot.slack.people import time_zone


def customer(ack: Ack, command: dict, client: WebClient, services: Services) -> None:
    user_id = command.get("user_id", "")
    if not may_use(services.roles, user_id, Command.CUSTOMER):
        ack(response_type="ephemeral", **privacy_blocks.not_allowed())
        return
    text = command.get("text", "").strip()
    if not text:
        ack(response_type="ephemeral", **privacy_blocks.customer_usage())
        return
    # An unknown or ambiguous customer is a Refusal, said by the boundary in its words.
    found = overview(services.store, text, edge_db.DATA_REQUESTS)
    # when an erased customer was erased, said on the reader's clock
    tz = time_zone(client, services.store, user_id) if found.erased_at else None
    ack(response_type="ephemeral", **privacy_blocks.overview_card(found, tz))


def register(app: Listeners) -> None:
    app.command(Command.CUSTOMER)(customer)

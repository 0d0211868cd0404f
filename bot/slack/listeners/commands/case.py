"""/case <customer>, <topic>: open or find the customer's case and count the contact, or ask
the rep which customer they mean; /case C-1042 shows a case; /note C-1042 <text> adds a note;
/solve C-1042 proposes a fix."""

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.cases.card import case_card
from bot.cases.customers import read_case_request
from bot.cases.service import (
    CaseChoice,
    CustomerChoice,
    add_note,
    no_case,
    open_or_find_case,
    parse_case_ref,
)
from bot.services import Services
from bot.slack.blocks import base
from bot.slack.blocks import cases as case_blocks
from bot.slack.boundary import Listeners
from bot.slack.casework import case_message, contact_card, open_solve_modal
from bot.slack.ids import Command
from bot.slack.outbox import Outbox
from bot.slack.people import time_zone


def case(
    ack: Ack, command: dict, client: WebClient, services: Services, outbox: Outbox,
    delivery_key: str,
) -> None:  # fmt: skip
    # The contact is counted before the acknowledgement: what Slack heard answered is stored.
    text = command.get("text", "").strip()
    if not text:
        ack(response_type="ephemeral", **case_blocks.case_usage())
        return
    # "C-1042", "c1042" alone: a case, read as /note and /solve read one
    case_id = parse_case_ref(text) if text[:1].upper() == "C" else None
    if case_id is not None:
        card = case_card(services.store, case_id)
        if card is None:
            raise no_case(services.store, case_id)
        ack(response_type="ephemeral", **case_message(services, card))
        return
    request = read_case_request(services.store, text)
    key = command.get("trigger_id") or delivery_key  # the contact's, and the buttons' below
    # asked of Slack before the transaction: a customer's erasure is said on the rep's clock
    tz = time_zone(client, services.store, command["user_id"])
    with outbox.unit_of_work(delivery_key):
        outcome = open_or_find_case(
            services.store, customer_text=request.customer, topic=request.topic,
            user_id=command["user_id"], request_key=key, matcher=services.faq.matcher,
        )  # fmt: skip
        if isinstance(outcome, CustomerChoice):
            said = case_blocks.customer_choice(outcome, key, tz)
        elif isinstance(outcome, CaseChoice):
            said = case_blocks.case_choice(outcome, key)
        else:
            said = contact_card(services, outbox, outcome)
    ack(response_type="ephemeral", **said)


def note(ack: Ack, command: dict, services: Services, outbox: Outbox, delivery_key: str) -> None:
    ref, _, text = command.get("text", "").strip().partition(" ")
    case_id = parse_case_ref(ref)
    if case_id is None or not text.strip():
        ack(response_type="ephemeral", **case_blocks.note_usage())
        return
    with outbox.unit_of_work(delivery_key):
        noted = add_note(
            services.store, case_id, command["user_id"], text.strip(), command.get("trigger_id")
        )
    ack(response_type="ephemeral", **case_blocks.noted(noted))


def _solve_case(command: dict) -> int | None:
    """The case a /solve is for: its first word. The solution, amount and reason go in the
    form it opens ("/solve C-1001 refund 250" opens C-1001's)."""
    first, *_ = command.get("text", "").split() or [""]
    return parse_case_ref(first)


def acknowledge_solve(ack: Ack, command: dict) -> None:
    if _solve_case(command) is None:
        ack(response_type="ephemeral", **case_blocks.solve_usage())
    else:
        ack()


def solve(command: dict, respond: Respond, client: WebClient, services: Services) -> None:
    case_id = _solve_case(command)
    if case_id is None:
        return
    problem = open_solve_modal(services, client, command["trigger_id"], case_id)
    if problem:
        respond(response_type="ephemeral", **base.note(problem))


def register(app: Listeners) -> None:
    app.command(Command.CASE)(case)
    app.command(Command.NOTE)(note)
    app.command(Command.SOLVE)(ack=acknowledge_solve, lazy=[solve])

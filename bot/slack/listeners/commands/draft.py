"""/draft [case] [Name:] <the customer's message>: a can-do reply, only to the rep."""

import re

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.services import Services
from bot.slack.blocks import coach as coach_blocks
from bot.slack.boundary import Listeners
from bot.slack.drafting import draft_for, greeted, known_case, whose_else
from bot.slack.ids import Command
from bot.slack.outbox import Outbox
from bot.slack.people import time_zone

# "C-1042" alone too, and "C-1042:" (a case reference is no name)
CASE = re.compile(r"^([A-Za-z]{1,3}-\d{1,9}):?(?:\s+|$)")
# "Maria:", "Émile Zola:", "李雷:" (alone too): one or two words, none starting in lower case
# ("note:" is no name; Chinese or Arabic have no capitals); an accent may come as a combining
# mark after its letter (text pasted from a Mac). No digit: "C-1002:" or "BX-10001:" after a
# case reference is a reference, never a name to greet.
NAME_WORD = r"[^\W\d_](?:[^\W\d_]|['’.\-\u0300-\u036f])*"
NAME = re.compile(rf"^({NAME_WORD}(?: {NAME_WORD})?):(?:\s+|$)")


def parse(text: str) -> tuple[str | None, str | None, str]:
    """(case id, customer name, message) from "C-1042 Maria: my box ..."; both optional."""
    case = name = None
    if match := CASE.match(text):
        case, text = match.group(1).upper(), text[match.end() :]
    if (match := NAME.match(text)) and not any(word[0].islower() for word in match[1].split()):
        name, text = match.group(1), text[match.end() :]
    return case, name, text.strip()


def write(
    ack: Ack, command: dict, client: WebClient, services: Services, outbox: Outbox,
    delivery_key: str,
) -> None:  # fmt: skip
    case, name, message = parse(command.get("text", "").strip())
    if not message:
        ack(response_type="ephemeral", **coach_blocks.draft_usage())
        return
    user_id = command["user_id"]
    entry = services.faq.match(message).leading()
    tz = time_zone(client, services.store, user_id)
    found = known_case(services, case)  # a case that does not exist is left out, and said
    reference = found.ref if found else None
    name = name or greeted(found)
    with outbox.unit_of_work(delivery_key):
        drafted = draft_for(
            services, tz, user_id, message, entry=entry, customer_name=name, case_id=reference,
            request_key=command.get("trigger_id"),
        )  # fmt: skip
    ack(
        response_type="ephemeral",
        **coach_blocks.draft_message(
            drafted.draft_id, drafted.draft, drafted.tone, customer=name, case=reference,
            no_case=case if reference is None else None, case_of=whose_else(found, name),
        ),
    )  # fmt: skip


def register(app: Listeners) -> None:
    app.command(Command.DRAFT)(write)

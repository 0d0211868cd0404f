"""/draft [case] [Name:] <the customer's message>: a can-do reply, only to the rep."""

import re

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core.drafts import CannotDraft
from bot.services import Services
from bot.slack.blocks import base
from bot.slack.blocks import coach as coach_blocks
from bot.slack.drafting import draft_for

CASE = re.compile(r"^([A-Za-z]{1,3}-\d{1,9})\s+")
NAME = re.compile(r"^([A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*)?):\s+")


def parse(text: str) -> tuple[str | None, str | None, str]:
    """(case id, customer name, message) from "C-1042 Maria: my box ..."; both optional."""
    case = name = None
    if match := CASE.match(text):
        case, text = match.group(1).upper(), text[match.end() :]
    if match := NAME.match(text):
        name, text = match.group(1), text[match.end() :]
    return case, name, text.strip()


def acknowledge(ack: Ack, command: dict) -> None:
    if not parse(command.get("text", "").strip())[2]:
        ack(response_type="ephemeral", **coach_blocks.draft_usage())
    else:
        ack()  # the draft follows: the rep's time zone may have to be asked of Slack first


def write(command: dict, respond: Respond, client: WebClient, context: dict) -> None:
    services: Services = context["services"]
    case, name, message = parse(command.get("text", "").strip())
    if not message:
        return
    user_id = command["user_id"]
    best = services.faq.matcher.match(message, top=1)
    entry = best.matches[0].entry if best.verdict != "none" and best.matches else None
    try:
        drafted = draft_for(
            services,
            client,
            user_id,
            message,
            entry=entry,
            customer_name=name,
            case_id=case,
            request_key=command.get("trigger_id"),
        )
    except CannotDraft as refusal:
        respond(response_type="ephemeral", **base.note(str(refusal)))
        return
    respond(
        response_type="ephemeral",
        **coach_blocks.draft_message(
            drafted.draft_id, drafted.draft, drafted.tone, customer=name, case=case
        ),
    )


def register(app: App) -> None:
    app.command("/draft")(ack=acknowledge, lazy=[write])

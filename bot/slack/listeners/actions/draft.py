"""Buttons on a draft: Use this, Shorter, More formal, Another version, Not helpful; and
"Draft a reply" on a /faq answer."""

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot.core.drafts import CannotDraft
from bot.services import Services
from bot.slack.blocks import base
from bot.slack.blocks import coach as coach_blocks
from bot.slack.blocks import faq as faq_blocks
from bot.slack.drafting import draft_for
from bot.slack.listeners.acks import acknowledge

GONE = "This draft has expired. Write a new one with /draft."
# action -> how the next draft differs from the one the button is on
CHANGES = {
    "draft_shorter": {"style": "short"},
    "draft_formal": {"style": "formal"},
    "draft_another": {},
}


def _redraft(services: Services, client: WebClient, row: dict, style: str, version: int):
    entry = services.faq.entry(row["entry_id"]) if row["entry_id"] else None
    return draft_for(
        services,
        client,
        row["user_id"],
        row["message"],
        entry=entry,
        customer_name=row["customer_name"],
        case_id=row["case_id"],
        style=style,
        version=version,
    )


def on_draft(body: dict, respond: Respond, client: WebClient, context: dict) -> None:
    services: Services = context["services"]
    action = body["actions"][0]
    value = action.get("value", "")
    row = services.store.draft(int(value)) if value.isdigit() else None
    if row is None or row["user_id"] != body["user"]["id"]:
        respond(replace_original=False, response_type="ephemeral", **base.note(GONE))
        return
    action_id = action["action_id"]
    if action_id in ("draft_use", "draft_not_helpful"):
        used = action_id == "draft_use"
        services.store.mark_draft(row["id"], used=used or None, helpful=None if used else False)
        done = "Logged as sent." if used else "Thanks: marked not helpful for the team leads."
        respond(replace_original=True, **coach_blocks.draft_done(row["text"], done))
        return
    change = CHANGES[action_id]
    style = change.get("style", row["style"])
    version = row["version"] + 1 if action_id == "draft_another" else row["version"]
    drafted = _redraft(services, client, row, style, version)
    respond(
        replace_original=True,
        **coach_blocks.draft_message(
            drafted.draft_id, drafted.draft, drafted.tone, customer=row["customer_name"],
            case=row["case_id"],
        ),
    )  # fmt: skip


def from_faq(body: dict, respond: Respond, client: WebClient, context: dict) -> None:
    """A draft for the question a /faq answer was for, built on that answer's entry."""
    services: Services = context["services"]
    parsed = faq_blocks.parse_faq_value(body["actions"][0].get("value", ""))
    query = services.faq.query(parsed[0]) if parsed else None
    if query is None:
        respond(replace_original=False, response_type="ephemeral", **base.note(GONE))
        return
    try:
        drafted = draft_for(
            services, client, body["user"]["id"], query.text, entry=services.faq.entry(parsed[1])
        )
    except CannotDraft as refusal:
        respond(replace_original=False, response_type="ephemeral", **base.note(str(refusal)))
        return
    message = coach_blocks.draft_message(drafted.draft_id, drafted.draft, drafted.tone)
    respond(replace_original=False, response_type="ephemeral", **message)


def register(app: App) -> None:
    for action_id in ("draft_use", "draft_not_helpful", *CHANGES):
        app.action(action_id)(ack=acknowledge, lazy=[on_draft])
    app.action("faq_draft")(ack=acknowledge, lazy=[from_faq])

"""/case <customer>, <topic>: open or find the customer's case and count the contact;
/case C-1042 shows a case; /note C-1042 <text> adds a note; /solve C-1042 proposes a fix."""

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.core.cases import CaseError, add_note, case_card, open_or_find_case, parse_case_ref
from bot.services import Services
from bot.slack.blocks import base
from bot.slack.blocks import cases as case_blocks
from bot.slack.casework import open_solve_modal
from bot.slack.posting import tell


def _today(services: Services):
    return services.store.clock.now().date()


def acknowledge_case(ack: Ack, command: dict) -> None:
    if not command.get("text", "").strip():
        ack(response_type="ephemeral", **case_blocks.case_usage())
    else:
        ack()  # a third contact also alerts the seniors: that is Web API work, after the ack


def case(command: dict, respond: Respond, client: WebClient, context: dict) -> None:
    services: Services = context["services"]
    text = command.get("text", "").strip()
    if not text:
        return
    case_id = parse_case_ref(text) if text.split()[0].upper().startswith("C-") else None
    if case_id is not None:
        card = case_card(services.store, case_id)
        if card is None:
            respond(response_type="ephemeral", **base.note(f"There is no case {text.split()[0]}."))
            return
        message = case_blocks.case_card(card, _today(services), services.coach.guide.solutions)
        respond(response_type="ephemeral", **message)
        return
    customer, _, topic = text.partition(",")
    try:
        contact = open_or_find_case(
            services.store,
            customer_text=customer.strip(),
            topic=topic.strip() or None,
            user_id=command["user_id"],
            request_key=command.get("trigger_id"),
        )
    except CaseError as error:
        respond(response_type="ephemeral", **base.note(str(error)))
        return
    card = case_card(services.store, contact.case.id)
    message = case_blocks.case_card(card, _today(services), services.coach.guide.solutions, contact)
    respond(response_type="ephemeral", **message)
    seniors = services.roles.channels.get("seniors")
    if contact.callback_due and seniors:
        tell(client, seniors, case_blocks.callback_alert(card))


def note(ack: Ack, command: dict, context: dict) -> None:
    services: Services = context["services"]
    ref, _, text = command.get("text", "").strip().partition(" ")
    case_id = parse_case_ref(ref)
    if case_id is None or not text.strip():
        ack(response_type="ephemeral", **case_blocks.note_usage())
        return
    try:
        noted = add_note(
            services.store, case_id, command["user_id"], text.strip(), command.get("trigger_id")
        )
    except CaseError as error:
        ack(response_type="ephemeral", **base.note(str(error)))
        return
    ack(response_type="ephemeral", **base.note(f"Noted on {noted.ref}."))


def acknowledge_solve(ack: Ack, command: dict) -> None:
    if parse_case_ref(command.get("text", "").strip()) is None:
        ack(response_type="ephemeral", **case_blocks.solve_usage())
    else:
        ack()


def solve(command: dict, respond: Respond, client: WebClient, context: dict) -> None:
    case_id = parse_case_ref(command.get("text", "").strip())
    if case_id is None:
        return
    problem = open_solve_modal(context["services"], client, command["trigger_id"], case_id)
    if problem:
        respond(response_type="ephemeral", **base.note(problem))


def register(app: App) -> None:
    app.command("/case")(ack=acknowledge_case, lazy=[case])
    app.command("/note")(note)
    app.command("/solve")(ack=acknowledge_solve, lazy=[solve])

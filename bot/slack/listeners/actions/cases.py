"""Buttons of case work: Propose a solution and Close case on a case card; Approve and Deny
on an approval card in the leads' channel."""

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot.core.cases import case_card
from bot.core.solutions import decide, describe
from bot.services import Services
from bot.slack.blocks import base
from bot.slack.blocks import cases as case_blocks
from bot.slack.casework import open_solve_modal
from bot.slack.listeners.acks import acknowledge
from bot.slack.posting import tell


def _number(body: dict) -> int | None:
    value = body["actions"][0].get("value", "")
    return int(value) if value.isdigit() else None


def propose(body: dict, respond: Respond, client: WebClient, context: dict) -> None:
    case_id = _number(body)
    if case_id is None:
        problem = "That case is gone."
    else:
        problem = open_solve_modal(context["services"], client, body["trigger_id"], case_id)
    if problem:
        respond(replace_original=False, response_type="ephemeral", **base.note(problem))


def close(body: dict, respond: Respond, client: WebClient, context: dict) -> None:
    card = case_card(context["services"].store, _number(body) or 0)
    if card is None or card.case.status != "open":
        respond(replace_original=False, response_type="ephemeral", **base.note("It is closed."))
        return
    client.views_open(trigger_id=body["trigger_id"], view=case_blocks.close_modal(card))


def approve(body: dict, respond: Respond, client: WebClient, context: dict) -> None:
    services: Services = context["services"]
    decision = decide(
        services.store, services.coach.guide.solutions, services.roles,
        solution_id=_number(body) or 0, user_id=body["user"]["id"], approve=True, reason=None,
        request_key=f"{body['user']['id']}:{body['actions'][0].get('action_ts')}",
    )  # fmt: skip
    announce(services, client, respond, decision)


def deny(body: dict, respond: Respond, client: WebClient, context: dict) -> None:
    solution_id = _number(body) or 0
    meta = {"response_url": body.get("response_url", "")}
    client.views_open(trigger_id=body["trigger_id"], view=case_blocks.deny_modal(solution_id, meta))


def announce(services: Services, client: WebClient, respond: Respond, decision) -> None:
    """Show a decision on the approval card and tell the rep, with words for the customer; a
    clicker whose click changed nothing is told why."""
    if decision.outcome == "already_decided" and decision.solution.decided_by:
        told = case_blocks.already_decided(decision.solution)
        respond(replace_original=False, response_type="ephemeral", **told)
        return
    if decision.outcome in ("refused", "already_decided"):
        respond(replace_original=False, response_type="ephemeral", **base.note(decision.message))
        return
    solution = decision.solution
    card = case_card(services.store, solution.case_id)
    policy = services.coach.guide.solutions
    respond(replace_original=True, **case_blocks.decided_card(card, solution, policy))
    headline = f"{decision.outcome.capitalize()}: {describe(policy, solution)} on {card.case.ref}."
    tell(
        client,
        solution.requested_by,
        case_blocks.outcome_for_rep(headline, decision.customer_message),
    )


def register(app: App) -> None:
    app.action("case_solve")(ack=acknowledge, lazy=[propose])
    app.action("case_close")(ack=acknowledge, lazy=[close])
    app.action("solution_approve")(ack=acknowledge, lazy=[approve])
    app.action("solution_deny")(ack=acknowledge, lazy=[deny])

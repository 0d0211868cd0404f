"""Modals of case work: propose a solution, close a case with its root cause, deny with a
reason. Checks run in the acknowledgement, so a problem shows in the modal itself."""

import json

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.core.cases import CaseError, case_card, close_case
from bot.core.solutions import SolutionError, decide, describe, propose
from bot.services import Services
from bot.slack.blocks import cases as case_blocks
from bot.slack.listeners.actions.cases import announce
from bot.slack.posting import tell


def _value(view: dict, block_id: str) -> str:
    state = view["state"]["values"].get(block_id, {}).get("value", {})
    chosen = state.get("selected_option") or {}
    return (chosen.get("value") or state.get("value") or "").strip()


def _meta(view: dict) -> dict:
    return json.loads(view.get("private_metadata") or "{}")


def _propose(body: dict, view: dict, services: Services):
    meta = _meta(view)
    return propose(
        services.store,
        services.coach.guide.solutions,
        services.roles,
        case_id=int(meta.get("case_id", 0)),
        situation_id=meta.get("situation", ""),
        user_id=body["user"]["id"],
        type_id=_value(view, "type"),
        amount_text=_value(view, "amount"),
        reason=_value(view, "reason"),
        request_key=f"solve:{view.get('id')}:{view.get('hash')}",
        today=services.store.clock.now().date(),
    )


def check_solution(ack: Ack, body: dict, view: dict, context: dict) -> None:
    if not _value(view, "type"):
        ack(response_action="errors", errors={"type": "Choose a solution."})
        return
    if not _value(view, "reason"):
        ack(
            response_action="errors", errors={"reason": "Say why: the approver and the log see it."}
        )
        return
    try:
        _propose(body, view, context["services"])  # stored once; the lazy half finds it again
    except SolutionError as error:
        field = "amount" if getattr(error, "field", "amount") == "amount" else "type"
        ack(response_action="errors", errors={field: str(error)})
        return
    except CaseError as error:
        ack(response_action="errors", errors={"type": str(error)})
        return
    ack()


def announce_solution(body: dict, view: dict, client: WebClient, context: dict) -> None:
    services: Services = context["services"]
    try:
        proposal = _propose(body, view, services)
    except (SolutionError, CaseError):
        return  # the modal already said why
    solution = proposal.solution
    card = case_card(services.store, solution.case_id)
    policy = services.coach.guide.solutions
    what = describe(policy, solution)
    if proposal.authorized_now:
        headline = f"Authorized: {what} on {card.case.ref}, within your authority."
        tell(
            client,
            solution.requested_by,
            case_blocks.outcome_for_rep(headline, proposal.customer_message),
        )
        return
    leads = services.roles.channels.get("leads")
    if leads:
        tell(client, leads, case_blocks.approval_card(card, solution, proposal.needs_role, policy))
    headline = (
        f"Sent for approval ({proposal.needs_role} or above): {what} on {card.case.ref}."
        " You'll hear the outcome here."
    )
    tell(
        client,
        solution.requested_by,
        case_blocks.outcome_for_rep(headline, proposal.customer_message),
    )


def check_close(ack: Ack, body: dict, view: dict, context: dict) -> None:
    services: Services = context["services"]
    try:
        close_case(services.store, int(_meta(view).get("case_id", 0)), body["user"]["id"],
                   _value(view, "root_cause"))  # fmt: skip
    except CaseError as error:
        ack(response_action="errors", errors={"root_cause": str(error)})
        return
    ack()


def _deny(body: dict, view: dict, services: Services):
    return decide(
        services.store, services.coach.guide.solutions, services.roles,
        solution_id=int(_meta(view).get("solution_id", 0)), user_id=body["user"]["id"],
        approve=False, reason=_value(view, "reason"),
        request_key=f"deny:{view.get('id')}:{view.get('hash')}",
    )  # fmt: skip


def check_deny(ack: Ack, body: dict, view: dict, context: dict) -> None:
    if not _value(view, "reason"):
        ack(response_action="errors", errors={"reason": "Say why: the rep passes it on."})
        return
    decision = _deny(body, view, context["services"])
    if decision.outcome in ("refused", "already_decided"):
        ack(response_action="errors", errors={"reason": decision.message})
        return
    ack()


def announce_denial(body: dict, view: dict, client: WebClient, context: dict) -> None:
    services: Services = context["services"]
    decision = _deny(body, view, services)  # the same request: the decision already made
    if decision.outcome != "denied":
        return
    response_url = _meta(view).get("response_url")
    if response_url:
        announce(services, client, Respond(response_url=response_url), decision)


def register(app: App) -> None:
    app.view(case_blocks.SOLVE)(ack=check_solution, lazy=[announce_solution])
    app.view(case_blocks.CLOSE)(check_close)
    app.view(case_blocks.DENY)(ack=check_deny, lazy=[announce_denial])

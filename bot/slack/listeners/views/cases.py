"""Modals of case work: propose a solution, close a case with its root cause, deny with a
reason. Each does its work before it acknowledges, so a problem shows in the modal itself and
what Slack heard answered is stored. A modal's private_metadata only points at a case or a
solution; everything else is read back from the database."""

import json

from slack_bolt import Ack, BoltContext, Respond

from bot.cases.card import case_card
from bot.cases.service import CaseError, close_case
from bot.cases.solutions import SolutionError, decide, describe, propose
from bot.services import Services
from bot.shared.db import existing
from bot.slack.blocks import cases as case_blocks
from bot.slack.boundary import Listeners
from bot.slack.casework import situation_of
from bot.slack.ids import FIELD_INPUT, Field, Modal
from bot.slack.listeners.actions.cases import (
    NOTICE,
    announce,
    card_key,
    check_workspace,
    decided_away,
    decided_before,
    show_home,
)
from bot.slack.outbox import Outbox


def _value(view: dict, field: Field) -> str:
    state = view["state"]["values"].get(field, {}).get(FIELD_INPUT, {})
    chosen = state.get("selected_option") or {}
    return (chosen.get("value") or state.get("value") or "").strip()


def _pointer(view: dict, name: str) -> int:
    value = json.loads(view.get("private_metadata") or "{}").get(name, 0)
    return value if isinstance(value, int) else 0


def check_solution(
    ack: Ack, body: dict, view: dict, services: Services, outbox: Outbox, delivery_key: str
) -> None:
    if not _value(view, Field.TYPE):
        ack(response_action="errors", errors={Field.TYPE: "Choose a solution."})
        return
    if not _value(view, Field.REASON):
        ack(
            response_action="errors",
            errors={Field.REASON: "Say why: the approver and the log see it."},
        )
        return
    card = case_card(services.store, _pointer(view, "case_id"))
    if card is None:
        ack(response_action="errors", errors={Field.TYPE: "That case is gone."})
        return
    policy = services.guide.solutions
    try:
        with outbox.unit_of_work(delivery_key):
            proposal = propose(
                services.store, policy, services.roles,
                case_id=card.case.id, situation_id=situation_of(services, card),
                user_id=body["user"]["id"], type_id=_value(view, Field.TYPE),
                amount_text=_value(view, Field.AMOUNT), reason=_value(view, Field.REASON),
                request_key=f"solve:{view.get('id')}:{view.get('hash')}",
                today=services.store.clock.now().date(),
            )  # fmt: skip
            if proposal.already_waiting:  # the same request, still waiting: nothing new to send
                told = case_blocks.already_waiting(
                    proposal.solution,
                    policy,
                    body["user"]["id"],
                    services.roles.channels.get("leads"),
                )
                ack(response_action="update", view=case_blocks.told_modal("Already waiting", told))
                return
            _announce_proposal(services, outbox, proposal)
    except SolutionError as error:
        field = Field.AMOUNT if getattr(error, "field", "amount") == "amount" else Field.TYPE
        ack(response_action="errors", errors={field: str(error)})
        return
    except CaseError as error:
        ack(response_action="errors", errors={Field.TYPE: str(error)})
        return
    ack()


def _announce_proposal(services: Services, outbox: Outbox, proposal) -> None:
    """The rep's outcome and, above their authority, the leads' approval card: queued under
    the solution's own keys, so a resubmitted modal can never send them twice."""
    solution = proposal.solution
    card = existing(case_card(services.store, solution.case_id), f"case C-{solution.case_id}")
    policy = services.guide.solutions
    what = describe(policy, solution)
    rep_key = f"solution:{solution.id}:proposed"
    if proposal.authorized_now:
        headline = f"Authorized: {what} on {card.case.ref}, within your authority."
        outbox.post(solution.requested_by,
                    case_blocks.outcome_for_rep(headline, proposal.customer_message),
                    key=rep_key, digest="solution")  # fmt: skip
        return
    leads = services.roles.channels.get("leads")
    if leads:
        approval = case_blocks.approval_card(card, solution, proposal.needs_role, policy)
        lost = case_blocks.approval_undelivered(card, solution, policy)
        outbox.post(leads, approval, key=card_key(solution.id), digest="approval",
                    undelivered=(solution.requested_by, lost))  # fmt: skip
    headline = (
        f"Sent for approval ({proposal.needs_role} or above): {what} on {card.case.ref}."
        " You'll hear the outcome here."
    )
    outbox.post(solution.requested_by,
                case_blocks.outcome_for_rep(headline, proposal.customer_message),
                key=rep_key, digest="solution")  # fmt: skip


def check_close(
    ack: Ack, body: dict, view: dict, services: Services, outbox: Outbox, delivery_key: str
) -> None:
    try:
        with outbox.unit_of_work(delivery_key):
            closed = close_case(services.store, _pointer(view, "case_id"), body["user"]["id"],
                                _value(view, Field.ROOT_CAUSE))  # fmt: skip
    except CaseError as error:
        ack(response_action="errors", errors={Field.ROOT_CAUSE: str(error)})
        return
    ack(response_action="update", view=case_blocks.closed_modal(closed))  # says what was kept


def check_deny(
    ack: Ack, body: dict, view: dict, respond: Respond, context: BoltContext,
    services: Services, outbox: Outbox, delivery_key: str,
) -> None:  # fmt: skip
    if not _value(view, Field.REASON):
        ack(response_action="errors", errors={Field.REASON: "Say why: the rep passes it on."})
        return
    check_workspace(body, context)
    solution_id = _pointer(view, "solution_id")
    with outbox.unit_of_work(delivery_key):
        decision = decide(
            services.store, services.guide.solutions, services.roles,
            solution_id=solution_id, user_id=body["user"]["id"], approve=False,
            reason=_value(view, Field.REASON),
            request_key=f"deny:{view.get('id')}:{view.get('hash')}",
        )  # fmt: skip
        if decided_before(decision):  # who decided and when, which a field's error cannot show
            told = case_blocks.already_decided(decision.solution)
            context[NOTICE] = told
            ack(response_action="update", view=case_blocks.told_modal("Already decided", told))
            return
        if decision.outcome in ("refused", "already_decided"):
            ack(response_action="errors", errors={Field.REASON: decision.message})
            return
        announce(services, outbox, respond, decision,
                 decided_away(outbox, context, solution_id))  # fmt: skip
    ack()


def register(app: Listeners) -> None:
    app.view(Modal.SOLVE)(check_solution)
    app.view(Modal.CLOSE_CASE)(check_close)
    app.view(Modal.DENY_SOLUTION)(ack=check_deny, lazy=[show_home])

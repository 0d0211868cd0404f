"""Modals of case work: propose a solution, close a case with its root cause (and settle what
is still open on it), deny with a reason. Each does its work before it acknowledges, so a
problem shows in the modal itself and what Slack heard answered is stored. A modal's
private_metadata only points at a case or a solution; everything else is read back from the
database."""

import json

from slack_bolt import Ack, BoltContext, Respond

from bot.cases.card import case_card
from bot.cases.service import CaseError
from bot.cases.solutions import (
    DeniedBefore,
    Proposal,
    SolutionError,
    decide,
    describe,
    options_for,
    propose,
    same_kind,
)
from bot.followups.closing import ClosedCase, close_case, settle_closed_before
from bot.followups.redirects import team_name
from bot.services import Services
from bot.shared.db import existing
from bot.slack.approvals import card_key, show_everywhere, show_same_kind
from bot.slack.blocks import cases as case_blocks
from bot.slack.blocks import followups as followup_blocks
from bot.slack.boundary import Listeners
from bot.slack.casework import situation_of
from bot.slack.ids import FIELD_INPUT, Field, Modal
from bot.slack.listeners.actions.cases import (
    NOTICE,
    announce,
    check_workspace,
    decided_away,
    decided_before,
    show_home,
)
from bot.slack.listeners.actions.followups import packet_key
from bot.slack.outbox import Outbox
from bot.slack.people import known_time_zone
from bot.slack.reminders import show_on_reminders


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
    typed = case_blocks.Typed(
        _value(view, Field.TYPE), _value(view, Field.AMOUNT), _value(view, Field.REASON)
    )
    situation, today = situation_of(services, card), services.store.clock.now().date()
    try:
        with outbox.unit_of_work(delivery_key):
            proposal = propose(
                services.store, policy, services.roles,
                case_id=card.case.id, situation_id=situation, user_id=body["user"]["id"],
                type_id=typed.type_id, amount_text=typed.amount, reason=typed.reason,
                request_key=f"solve:{view.get('id')}:{view.get('hash')}", today=today,
                over_denial=_pointer(view, "over_denial") or None,
            )  # fmt: skip
            if proposal.already_asked:  # the same request: nothing new to send
                title, told = case_blocks.already_asked(
                    proposal.solution,
                    policy,
                    body["user"]["id"],
                    services.roles.channels.get("leads"),
                    len(proposal.granted_before) + 1,
                )
                ack(response_action="update", view=case_blocks.told_modal(title, told))
                return
            _announce_proposal(services, outbox, proposal)
    except DeniedBefore as error:  # the form again, saying so: the rep may still go ahead
        options = options_for(policy, situation, card.case.customer, today)
        meta = {"case_id": card.case.id, "over_denial": error.denied.id}
        warning = case_blocks.denied_before(error.denied, policy)
        shown = case_blocks.solve_modal(card, options, policy.currency, meta, typed, warning)
        ack(response_action="update", view=shown)
        return
    except SolutionError as error:
        fields = {"amount": Field.AMOUNT, "reason": Field.REASON}
        field = fields.get(getattr(error, "field", "amount"), Field.TYPE)
        ack(response_action="errors", errors={field: str(error)})
        return
    except CaseError as error:
        ack(response_action="errors", errors={Field.TYPE: str(error)})
        return
    ack()


def _announce_proposal(services: Services, outbox: Outbox, proposal: Proposal) -> None:
    """The rep's outcome and, above their authority, the leads' approval card: queued under
    the solution's own keys, so a resubmitted modal can never send them twice. Both say so
    when the same solution was already granted on the case."""
    solution = proposal.solution
    card = existing(case_card(services.store, solution.case_id), f"case C-{solution.case_id}")
    policy = services.guide.solutions
    what = describe(policy, solution)
    rep_key = f"solution:{solution.id}:proposed"
    granted = proposal.granted_before
    waits = not proposal.authorized_now
    warning = case_blocks.granted_before(granted, policy, waits=waits) if granted else None
    show_same_kind(services, outbox, solution)
    if proposal.authorized_now:
        headline = f"Authorized: {what} on {card.case.ref}, within your authority."
        noted = None
        if denied := proposal.over_denial:  # whoever denied it hears it went ahead
            told, noted = case_blocks.after_denial(card, solution, denied, policy)
            outbox.post(denied.decided_by or "", told, key=f"solution:{solution.id}:over_denial",
                        digest="solution")  # fmt: skip
        outbox.post(solution.requested_by,
                    case_blocks.outcome_for_rep(headline, proposal.customer_message,
                                                warning=warning, noted=noted),
                    key=rep_key, digest="solution")  # fmt: skip
        return
    leads = services.roles.channels.get("leads")
    needs = existing(proposal.needs_role, f"who decides {solution.ref}")  # pending: one does
    if leads:
        approval = case_blocks.approval_card(card, solution, needs, policy, granted,
                                             same_kind(services.store, solution))  # fmt: skip
        lost = case_blocks.approval_undelivered(card, solution, policy)
        outbox.post(leads, approval, key=card_key(solution.id), digest="approval",
                    undelivered=(solution.requested_by, lost))  # fmt: skip
    headline = (
        f"Sent for approval ({needs} or above): {what} on {card.case.ref}."
        " You'll hear the outcome here."
    )
    outbox.post(solution.requested_by,
                case_blocks.outcome_for_rep(headline, proposal.customer_message,
                                            warning=warning),
                key=rep_key, digest="solution")  # fmt: skip


def check_close(
    ack: Ack, body: dict, view: dict, services: Services, outbox: Outbox, delivery_key: str
) -> None:
    try:
        with outbox.unit_of_work(delivery_key):
            closed = close_case(services.store, _pointer(view, "case_id"), body["user"]["id"],
                                _value(view, Field.ROOT_CAUSE))  # fmt: skip
            _show_settled(services, outbox, closed)
    except CaseError as error:
        ack(response_action="errors", errors={Field.ROOT_CAUSE: str(error)})
        return
    policy, teams = services.guide.solutions, services.guide.teams
    # says what was recorded, and what was settled with it
    ack(response_action="update", view=case_blocks.closed_modal(closed, policy, teams))


def settle_cases_closed_before(services: Services, outbox: Outbox) -> int:
    """What cases closed before closing settled it left open (bot/followups/closing.py),
    settled and shown where it was posted, as closing shows it, in one transaction: their
    reminders and nudges stop. How many cases."""
    with outbox.store.transaction():
        closed = settle_closed_before(services.store)
        for case in closed:
            _show_settled(services, outbox, case)
    return len(closed)


def _show_settled(services: Services, outbox: Outbox, closed: ClosedCase) -> None:
    """What was settled with a case shows where it was posted, through the outbox: the
    approval cards, their nudges and packets lose their buttons and say the case was closed,
    the reminders of its promises say they were closed with it, and whoever else asked for a
    withdrawn solution hears of it, as they were told they would."""
    card = existing(case_card(services.store, closed.case.id), closed.case.ref)
    policy, teams = services.guide.solutions, services.guide.teams
    for solution in closed.settled.solutions:
        withdrawn = case_blocks.withdrawn_card(card, solution, policy)
        show_everywhere(outbox, solution.id, withdrawn, "withdrawn")  # its card and nudges
        if solution.requested_by != solution.decided_by:  # the closer saw it in the form
            outbox.post(solution.requested_by, case_blocks.withdrawn_for_rep(solution, policy),
                        key=f"solution:{solution.id}:outcome", digest="solution")  # fmt: skip
    for redirect in closed.settled.redirects:
        if outbox.item(packet_key(redirect.id)) is not None:  # posted before packets had keys
            team = team_name(teams, redirect.team_id)
            withdrawn = followup_blocks.packet_withdrawn(redirect, closed.case, team)
            key = f"redirect:{redirect.id}:withdrawn"
            outbox.update(packet_key(redirect.id), withdrawn, key=key)
    for promise in closed.settled.promises:
        show_on_reminders(outbox, promise, case_blocks.SETTLED_PROMISE[promise.status])


def check_deny(
    ack: Ack, body: dict, view: dict, respond: Respond, context: BoltContext,
    services: Services, outbox: Outbox, delivery_key: str,
) -> None:  # fmt: skip
    if not _value(view, Field.REASON):
        ack(response_action="errors", errors={Field.REASON: "Say why: the rep passes it on."})
        return
    check_workspace(body, context)
    solution_id = _pointer(view, "solution_id")
    try:
        with outbox.unit_of_work(delivery_key):
            tz = known_time_zone(services.store, body["user"]["id"])  # no waiting on Slack in here
            decision = decide(
                services.store, services.guide.solutions, services.roles,
                solution_id=solution_id, user_id=body["user"]["id"], approve=False,
                reason=_value(view, Field.REASON),
                request_key=f"deny:{view.get('id')}:{view.get('hash')}",
            )  # fmt: skip
            if decided_before(decision):  # who decided and when, which a field's error cannot show
                told = case_blocks.already_decided(decision.solution, tz)
                context[NOTICE] = told
                withdrawn = decision.solution.status == "withdrawn"
                title = "Case closed" if withdrawn else "Already decided"
                ack(response_action="update", view=case_blocks.told_modal(title, told))
                return
            if decision.outcome in ("refused", "already_decided"):
                ack(response_action="errors", errors={Field.REASON: decision.message})
                return
            announce(services, outbox, respond, decision,
                     decided_away(outbox, context, solution_id), tz)  # fmt: skip
    except SolutionError as error:  # a reason with no words: the form says so
        ack(response_action="errors", errors={Field.REASON: str(error)})
        return
    ack()


def register(app: Listeners) -> None:
    app.view(Modal.SOLVE)(check_solution)
    app.view(Modal.CLOSE_CASE)(check_close)
    app.view(Modal.DENY_SOLUTION)(ack=check_deny, lazy=[show_home])

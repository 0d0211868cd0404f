"""Buttons of case work: which customer /case means (or a new one, or none); Propose a
solution and Close case on a case card; Approve and Deny on an approval card in the leads'
channel, on a nudge in the DM of whoever may decide (bot/slack/approvals.py), or on their Home
tab (the one way to decide a request whose card Slack would not take), which is then published
again saying what was done."""

import json
from collections.abc import Callable, Mapping
from zoneinfo import ZoneInfo

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.cases.card import case_card
from bot.cases.service import (
    CaseChoice,
    CaseError,
    CustomerChoice,
    move_contact,
    open_case_for,
)
from bot.cases.solutions import Decision, decide, describe, why_not_decide, why_not_deny
from bot.followups.closing import open_items
from bot.services import Services
from bot.shared.db import existing
from bot.shared.refusal import Refusal
from bot.slack.approvals import Clicked, clicked_message, show_everywhere, show_same_kind
from bot.slack.blocks import base
from bot.slack.blocks import cases as case_blocks
from bot.slack.blocks.digest import in_place, replace_item, tag_of
from bot.slack.boundary import Listeners
from bot.slack.casework import contact_card, open_solve_modal
from bot.slack.ids import Action, any_numbered
from bot.slack.listeners.acks import acknowledge
from bot.slack.listeners.events.home import publish_home_of
from bot.slack.outbox import Outbox
from bot.slack.people import known_time_zone, time_zone

NOTICE = "home_notice"  # in the context: what a decision made on the Home tab says there
# How a decision shows where it was made: its card (the decision), and the other requests in
# the message clicked that name it, by their tag there (see show_same_kind).
ShowDecision = Callable[[base.Message, Mapping[str, base.Message]], object]


def _number(body: dict) -> int | None:
    value = body["actions"][0].get("value", "")
    return int(value) if value.isdigit() else None


def check_workspace(body: dict, context: BoltContext) -> None:
    """Authority comes from our own records: a member id of another workspace (a shared
    channel, another org of an enterprise) is not the member our roles name."""
    home = getattr(context.authorize_result, "team_id", None) if context.authorize_result else None
    user = body.get("user") or {}
    team = user.get("team_id") or (body.get("team") or {}).get("id")
    if home and team and team != home:
        raise Refusal("Only members of this workspace can decide on solutions.")


def pick_customer(
    ack: Ack, body: dict, respond: Respond, services: Services, outbox: Outbox,
    delivery_key: str,
) -> None:  # fmt: skip
    """A customer chosen, a new one confirmed, one of their open cases chosen, or Cancel: the
    case opens (or nothing does) as if the rep had typed that customer (and that case's
    topic), in place of the question."""
    ack()  # the contact is counted below, before Slack hears the acknowledgement
    action = body["actions"][0]
    pick = case_blocks.parse_pick_value(action.get("value", ""))
    if pick is None:
        raise CaseError("That question has expired. Type /case again.")
    with outbox.unit_of_work(delivery_key):
        if action["action_id"] == Action.CASE_CANCEL:
            respond(replace_original=True, **case_blocks.customer_cancelled(pick.request))
            return
        outcome = open_case_for(
            services.store, customer_id=pick.customer_id, request=pick.request,
            user_id=body["user"]["id"], request_key=pick.key, matcher=services.faq.matcher,
            shown=pick.shown, case_id=pick.case_id,
        )  # fmt: skip
        if isinstance(outcome, CustomerChoice):  # the customer was made meanwhile: which one?
            # the rep's zone as /case, which asked this question, last heard it from Slack
            tz = known_time_zone(services.store, body["user"]["id"])
            said = case_blocks.customer_choice(outcome, pick.key, tz)
        elif isinstance(outcome, CaseChoice):  # no topic, and several open cases: which one?
            said = case_blocks.case_choice(outcome, pick.key)
        else:
            said = contact_card(services, outbox, outcome)
        respond(replace_original=True, **said)


def move_to_case(
    ack: Ack, body: dict, respond: Respond, services: Services, outbox: Outbox,
    delivery_key: str,
) -> None:  # fmt: skip
    """ "Add to C-1001 instead" under a new case's card: the contact counts on that open case
    of the customer's, and the case opened for it goes, in place of its card."""
    ack()  # the contact is moved below, before Slack hears the acknowledgement
    move = case_blocks.parse_move_value(body["actions"][0].get("value", ""))
    if move is None:
        raise CaseError("That button has expired. Type /case again.")
    with outbox.unit_of_work(delivery_key):
        contact = move_contact(
            services.store, opened=move.opened, to=move.to, user_id=body["user"]["id"],
            request_key=move.key,
        )  # fmt: skip
        respond(replace_original=True, **contact_card(services, outbox, contact))


def propose(body: dict, respond: Respond, client: WebClient, services: Services) -> None:
    case_id = _number(body)
    if case_id is None:
        raise CaseError("That case is gone.")
    problem = open_solve_modal(services, client, body["trigger_id"], case_id)
    if problem:
        respond(replace_original=False, response_type="ephemeral", **base.note(problem))


def close(body: dict, client: WebClient, services: Services) -> None:
    """The close form, saying what closing will settle: what still waits on the case and its
    promises."""
    card = case_card(services.store, _number(body) or 0)
    if card is None:
        raise CaseError("That case is gone.")
    if card.case.status != "open":
        raise CaseError(f"{card.case.ref} is already closed.")
    items = open_items(services.store, card.case.id)
    view = case_blocks.close_modal(card, items, services.guide.solutions, services.guide.teams)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def approve(
    ack: Ack, body: dict, respond: Respond, client: WebClient, context: BoltContext,
    services: Services, outbox: Outbox, delivery_key: str,
) -> None:  # fmt: skip
    ack()  # the decision is stored below, before Slack hears the acknowledgement
    check_workspace(body, context)
    solution_id = _number(body) or 0
    user_id = body["user"]["id"]
    tz = time_zone(client, services.store, user_id)  # before the transaction
    # A refused click claims no delivery: pressed again, at once or later, it is asked again
    # and says why again, never silence. Any other (a decision, or one already made) claims it,
    # so that the second press of a double click is the first one's, as every button's is.
    unchanged = why_not_decide(
        services.store, services.guide.solutions, services.roles,
        solution_id=solution_id, user_id=user_id,
    )  # fmt: skip
    refused = unchanged is not None and unchanged.outcome == "refused"
    key = None if refused else delivery_key
    with outbox.unit_of_work(key):
        decision = decide(
            services.store, services.guide.solutions, services.roles,
            solution_id=solution_id, user_id=user_id, approve=True,
            reason=None, request_key=key,
        )  # fmt: skip
        if on_home(body):
            tell = home_notice(context)
            announce(services, outbox, tell, decision,
                     decided_away(outbox, context, solution_id), tz)  # fmt: skip
            return
        block_id = body["actions"][0].get("block_id", "")

        def replace_card(card: base.Message, others: Mapping[str, base.Message]) -> None:
            # In a digest of approval requests, only this one's card is replaced, and the
            # others in it that name it (`others`, by tag) show it as it now stands; the card
            # and nudges not clicked show the decision too (one made in a DM, on the card).
            shown = in_place(body.get("message"), block_id, lambda _: card)
            for tag, other in others.items():
                shown = replace_item(shown, tag, other)
            respond(replace_original=True, **shown)
            clicked = clicked_message(body, tag_of(block_id))
            show_everywhere(outbox, solution_id, card, "decided", clicked)

        announce(services, outbox, respond, decision, replace_card, tz,
                 clicked_message(body, None))  # fmt: skip


def deny(
    body: dict, respond: Respond, client: WebClient, context: BoltContext, services: Services
) -> None:
    """The form for the reason, to whoever may deny the request now; anyone else is told why
    not at once, as a click on Approve would be."""
    check_workspace(body, context)
    solution_id = _number(body) or 0
    refused = why_not_deny(
        services.store, services.guide.solutions, services.roles,
        solution_id=solution_id, user_id=body["user"]["id"],
    )  # fmt: skip
    if refused is not None:
        tz = time_zone(client, services.store, body["user"]["id"])
        if on_home(body):  # no message to answer there: the tab says it
            tell_unchanged(home_notice(context), refused, tz)
            show_home(body, context, client, services)
        else:
            tell_unchanged(respond, refused, tz)
        return
    meta = {"home": True} if on_home(body) else {}
    client.views_open(trigger_id=body["trigger_id"], view=case_blocks.deny_modal(solution_id, meta))


def on_home(body: dict) -> bool:
    """Whether a click came from the Home tab, or a modal it opened (which says so)."""
    view = body.get("view") or {}
    return view.get("type") == "home" or bool(
        json.loads(view.get("private_metadata") or "{}").get("home")
    )


def home_notice(context: BoltContext) -> Callable[..., None]:
    """`respond` for a click on the Home tab, which has no message to answer: what it says is
    kept for `show_home` to show at the top of the tab."""

    def tell(text: str = "", blocks: list | None = None, **options: object) -> None:
        context[NOTICE] = {"text": text, "blocks": blocks or []}

    return tell


def decided_away(outbox: Outbox, context: BoltContext, solution_id: int) -> ShowDecision:
    """How a decision made away from its card (on the Home tab, or in the Deny modal) shows:
    the card in the leads' channel and the nudges in DMs become the decision, unless Slack
    never took them, and the decider's Home tab says it."""

    def replace_card(card: base.Message, _: Mapping[str, base.Message]) -> None:
        show_everywhere(outbox, solution_id, card, "decided")
        context[NOTICE] = card

    return replace_card


def show_home(body: dict, context: BoltContext, client: WebClient, services: Services) -> None:
    """After a decision made from the Home tab: the tab as it is now, saying what happened (a
    repeat of the click, which did nothing, leaves it to the click that did)."""
    notice = context.get(NOTICE)
    if notice is not None and on_home(body):
        publish_home_of(body["user"]["id"], client, services, notice=notice)


def decided_before(decision: Decision) -> bool:
    """Whether the click came after someone's decision (not after an authorization)."""
    return decision.outcome == "already_decided" and decision.solution.decided_by is not None


def tell_unchanged(respond: Callable[..., object], decision: Decision, tz: ZoneInfo | None) -> None:
    """Tell the clicker why their click changed nothing: who decided first and when (on their
    clock, `tz`, in a phone's words), or the refusal."""
    if decided_before(decision):
        told = case_blocks.already_decided(decision.solution, tz)
    else:
        told = base.note(decision.message)
    respond(replace_original=False, response_type="ephemeral", **told)


def announce(
    services: Services, outbox: Outbox, respond: Callable[..., object], decision: Decision,
    replace_card: ShowDecision, tz: ZoneInfo | None,
    clicked: Clicked | None = None,
) -> None:  # fmt: skip
    """Show a decision on the approval card, and on those of the other requests of its kind
    but in the message `clicked`, and tell the rep, with words for the customer; a clicker
    whose click changed nothing is told why (on their clock, `tz`)."""
    if decision.outcome in ("refused", "already_decided"):
        tell_unchanged(respond, decision, tz)
        return
    solution = decision.solution
    card = existing(case_card(services.store, solution.case_id), f"case C-{solution.case_id}")
    policy = services.guide.solutions
    # The others first: the message clicked shows them as they now stand too.
    others = show_same_kind(services, outbox, solution, clicked)
    replace_card(case_blocks.decided_card(card, solution, policy), others)
    headline = f"{decision.outcome.capitalize()}: {describe(policy, solution)} on {card.case.ref}."
    outbox.post(
        solution.requested_by,
        # Only approvals and denials get this far, and each comes with words for the customer.
        case_blocks.outcome_for_rep(
            headline, decision.customer_message or "", solution.decision_reason
        ),
        key=f"solution:{solution.id}:outcome",
        digest="solution",
    )


def register(app: Listeners) -> None:
    app.action(any_numbered(Action.CASE_CUSTOMER))(pick_customer)
    app.action(any_numbered(Action.CASE_OPEN))(pick_customer)
    app.action(Action.CASE_NEW_CUSTOMER)(pick_customer)
    app.action(Action.CASE_CANCEL)(pick_customer)
    app.action(any_numbered(Action.CASE_MOVE))(move_to_case)
    app.action(Action.CASE_SOLVE)(ack=acknowledge, lazy=[propose])
    app.action(Action.CASE_CLOSE)(ack=acknowledge, lazy=[close])
    app.action(Action.SOLUTION_APPROVE)(ack=approve, lazy=[show_home])
    app.action(Action.SOLUTION_DENY)(ack=acknowledge, lazy=[deny])

"""Cases and solutions: the case card, the /solve and close modals, the approval card."""

from __future__ import annotations

import json
from datetime import date

from bot.core.cases import ROOT_CAUSES, CaseCard, Contact, Customer
from bot.core.solutions import SolutionPolicy, SolutionRecord, SolutionType, describe
from bot.slack.blocks.base import (
    Message,
    actions,
    button,
    context,
    escape,
    message,
    note,
    section,
    shorten,
)

SOLVE = "solve"  # callback ids of the modals
CLOSE = "close_case"
DENY = "deny_solution"
NOTES_SHOWN = 5


def case_usage() -> Message:
    return note(
        "Usage: /case customer name, email or id, then a comma and the topic, for example "
        "/case Maria Lopez, parcel late; or /case C-1042 to see a case"
    )


def note_usage() -> Message:
    return note("Usage: /note C-1042 what you want the next person to know")


def solve_usage() -> Message:
    return note("Usage: /solve C-1042")


def tenure(customer: Customer, today: date) -> str:
    """How long they have been with us, and their tier: "customer for 12 years, premium"."""
    years = customer.tenure_years(today)
    parts = []
    if years is None:
        parts.append("new to us")
    elif years < 1:
        parts.append(f"customer for {max(1, round(years * 12))} months")
    else:
        parts.append(f"customer for {years:.0f} year{'s' if round(years) != 1 else ''}")
    if customer.tier:
        parts.append(customer.tier)
    return ", ".join(parts)


def case_card(
    card: CaseCard, today: date, policy: SolutionPolicy, contact: Contact | None = None
) -> Message:
    """Everything about a case at a glance, and what the rep can do next."""
    case = card.case
    heading = (
        f"*{case.ref} · {escape(case.customer.name)}* ({escape(tenure(case.customer, today))})\n"
        f"Topic: {escape(case.topic)} · owner <@{case.owner_id}> · "
        f"{case.contact_count} contact{'s' if case.contact_count != 1 else ''} · {case.status}"
    )
    blocks = []
    if contact is not None and contact.callback_due:
        blocks.append(
            section(
                ":rotating_light: This is this customer's third contact on this matter: "
                "a senior has been asked to call them back."
            )
        )
    elif contact is not None:
        what = "Opened a new case." if contact.is_new_case else "Counted another contact."
        blocks.append(context(what))
    blocks.append(section(heading))
    if card.notes:
        lines = [
            f"• {escape(shorten(text, 300))} (<@{user}>)"
            for user, text, _ in card.notes[-NOTES_SHOWN:]
        ]
        blocks.append(section("*Notes*\n" + "\n".join(lines)))
    if card.solutions:
        lines = [f"• {escape(describe(policy, s))}: {s.status}" for s in card.solutions]
        blocks.append(section("*Solutions*\n" + "\n".join(lines)))
    if card.promises:
        lines = [
            f"• {escape(shorten(text, 200))} (due {escape(due)})" for text, due in card.promises
        ]
        blocks.append(section("*Promises*\n" + "\n".join(lines)))
    if case.status == "open":
        blocks.append(
            actions(
                f"case:{case.id}",
                button("Propose a solution", "case_solve", str(case.id), "primary"),
                button("Close case", "case_close", str(case.id)),
            )
        )
    return message(f"{case.ref} {case.customer.name}: {case.topic}", blocks)


def _field(block_id: str, label: str, *, multiline: bool = False, optional: bool = False,
           placeholder: str = "") -> dict:  # fmt: skip
    element = {"type": "plain_text_input", "action_id": "value", "multiline": multiline}
    if placeholder:
        element["placeholder"] = {"type": "plain_text", "text": placeholder}
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": element,
        "optional": optional,
    }


def _select(block_id: str, label: str, options: list[tuple[str, str]]) -> dict:
    return {
        "type": "input",
        "block_id": block_id,
        "label": {"type": "plain_text", "text": label},
        "element": {
            "type": "static_select",
            "action_id": "value",
            "options": [
                {"text": {"type": "plain_text", "text": shorten(text, 75)}, "value": value}
                for text, value in options
            ],
        },
    }


def solve_modal(card: CaseCard, options: list[SolutionType], currency: str, meta: dict) -> dict:
    """The solutions the playbook allows for this case, with amount and reason."""
    return {
        "type": "modal",
        "callback_id": SOLVE,
        "private_metadata": json.dumps(meta),
        "title": {"type": "plain_text", "text": f"Solve {card.case.ref}"},
        "submit": {"type": "plain_text", "text": "Propose"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            section(f"*{escape(card.case.customer.name)}*: {escape(card.case.topic)}"),
            _select("type", "Solution", [(t.label, t.id) for t in options]),
            _field("amount", f"Amount ({currency}), where it applies", optional=True,
                   placeholder="e.g. 12.50"),
            _field("reason", "Reason", multiline=True),
        ],
    }  # fmt: skip


def close_modal(card: CaseCard) -> dict:
    return {
        "type": "modal",
        "callback_id": CLOSE,
        "private_metadata": json.dumps({"case_id": card.case.id}),
        "title": {"type": "plain_text", "text": f"Close {card.case.ref}"},
        "submit": {"type": "plain_text", "text": "Close case"},
        "blocks": [
            section("What caused this contact? Management sees where contacts come from."),
            _select("root_cause", "Root cause", [(c.capitalize(), c) for c in ROOT_CAUSES]),
        ],
    }


def deny_modal(solution_id: int, meta: dict) -> dict:
    return {
        "type": "modal",
        "callback_id": DENY,
        "private_metadata": json.dumps({**meta, "solution_id": solution_id}),
        "title": {"type": "plain_text", "text": "Deny the solution"},
        "submit": {"type": "plain_text", "text": "Deny"},
        "blocks": [_field("reason", "Why? The rep sees this.", multiline=True)],
    }


def approval_card(
    card: CaseCard, solution: SolutionRecord, needs_role: str, policy: SolutionPolicy
) -> Message:
    what = escape(describe(policy, solution))
    text = (
        f"*Approval needed ({needs_role} or above)*: {what} for "
        f"*{escape(card.case.customer.name)}* on {card.case.ref} ({escape(card.case.topic)}), "
        f"proposed by <@{solution.requested_by}>\n> {escape(shorten(solution.reason, 500))}"
    )
    value = str(solution.id)
    return message(
        f"Approval needed: {describe(policy, solution)} on {card.case.ref}",
        [
            section(text),
            actions(
                f"approval:{solution.id}",
                button("Approve", "solution_approve", value, "primary"),
                button("Deny", "solution_deny", value, "danger"),
            ),
        ],
    )


def decided_card(card: CaseCard, solution: SolutionRecord, policy: SolutionPolicy) -> Message:
    verdict = "Approved" if solution.status == "approved" else "Denied"
    text = (
        f"*{verdict}* by <@{solution.decided_by}>: {escape(describe(policy, solution))} "
        f"for *{escape(card.case.customer.name)}* on {card.case.ref}"
    )
    if solution.decision_reason:
        text += f"\n> {escape(shorten(solution.decision_reason, 500))}"
    return message(f"{verdict}: {describe(policy, solution)} on {card.case.ref}", [section(text)])


def outcome_for_rep(headline: str, customer_message: str) -> Message:
    """What the rep is told about a solution, with the message to pass to the customer."""
    return message(
        f"{headline} {customer_message}",
        [
            section(escape(headline)),
            section("*For the customer:*\n" + escape(customer_message)),
        ],
    )


def callback_alert(card: CaseCard) -> Message:
    lines = [f"• {escape(shorten(text, 200))}" for _, text, _ in card.notes[-NOTES_SHOWN:]]
    history = "\n".join(lines) or "No notes yet."
    return message(
        f"Senior callback: {card.case.ref} {card.case.customer.name}",
        [
            section(
                f":telephone_receiver: *Senior callback needed*: {card.case.ref} · "
                f"*{escape(card.case.customer.name)}* has contacted us "
                f"{card.case.contact_count} times about {escape(card.case.topic)}. "
                f"Owner <@{card.case.owner_id}>."
            ),
            section("*History*\n" + history),
        ],
    )


def already_decided(solution: SolutionRecord) -> Message:
    # decided_by is a Slack user id from our own records: a real mention is safe here.
    text = f"{solution.ref} was already {solution.status} by <@{solution.decided_by}>."
    return message(text, [section(text)])

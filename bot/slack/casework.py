"""Case work that several listeners share: the case card with its promises, the card of a
contact just counted, the /solve modal."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.cases.card import CaseCard, case_card
from bot.cases.service import Contact, no_case
from bot.cases.solutions import options_for
from bot.followups.history import matter_history
from bot.followups.service import case_followups
from bot.services import Services
from bot.shared.db import existing
from bot.slack.blocks import base
from bot.slack.blocks import cases as case_blocks
from bot.slack.outbox import Outbox


def contact_card(services: Services, outbox: Outbox, contact: Contact) -> base.Message:
    """The case card for a contact /case counted; the contact that calls for a senior callback
    posts it to the seniors' channel, once, with the matter's history. Inside the request's
    unit of work."""
    card = existing(case_card(services.store, contact.case.id), contact.case.ref)
    seniors = services.roles.channels.get("seniors")
    if contact.callback_due and seniors:
        key = f"case:{contact.case.id}:callback"  # a second button of one /case posts nothing
        history = matter_history(services.store, card, services.faq.entries)
        guide = services.guide
        alert = case_blocks.callback_alert(card, history, guide.solutions, guide.teams)
        outbox.post(seniors, alert, key=key, digest="callback")
    return case_message(services, card, contact)


def case_message(
    services: Services, card: CaseCard, contact: Contact | None = None
) -> base.Message:
    """The case card as /case shows it, with the case's open promises: the follow-ups its
    redirect packet lists too."""
    today = services.store.clock.now().date()
    promises = case_followups(services.store, card.case.id)
    return case_blocks.case_card(card, today, services.guide.solutions, promises, contact)


def situation_of(services: Services, card: CaseCard) -> str:
    """The playbook situation of a case, from its topic as the FAQ understands it."""
    entry = services.faq.match(card.case.topic).leading()
    return services.guide.playbooks.situation_for(entry, card.case.topic).id


def open_solve_modal(
    services: Services, client: WebClient, trigger_id: str, case_id: int
) -> str | None:
    """Open the modal; or say, in words for the rep, why there is nothing to propose."""
    card = case_card(services.store, case_id)
    if card is None:
        return no_case(services.store, case_id).words
    if card.case.status != "open":
        return f"{card.case.ref} is closed. Open a new case with /case if the customer needs more."
    policy = services.guide.solutions
    situation = situation_of(services, card)
    options = options_for(policy, situation, card.case.customer, services.store.clock.now().date())
    if not options:
        return f"The playbook has no solutions for {card.case.ref} ({card.case.topic}) to offer."
    meta = {"case_id": case_id}  # a pointer only: the rest is read back on submission
    client.views_open(
        trigger_id=trigger_id, view=case_blocks.solve_modal(card, options, policy.currency, meta)
    )
    return None

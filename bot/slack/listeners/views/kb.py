"""The new-entry modal of /kb gaps."""

import json

from slack_bolt import Ack, BoltContext

from bot.faq.curate import PHRASING_LIMIT
from bot.faq.gaps import asked_already, find_gap, write_entry
from bot.services import Services
from bot.slack import queries as edge_db
from bot.slack.blocks import kb as kb_blocks
from bot.slack.boundary import Listeners
from bot.slack.ids import FIELD_INPUT, Field, Modal
from bot.slack.listeners.actions.kb import DONE, gaps_now
from bot.slack.outbox import Outbox


def _value(view: dict, field: Field) -> str:
    state = view["state"]["values"].get(field, {}).get(FIELD_INPUT, {})
    return (state.get("value") or "").strip()


def _errors(view: dict, services: Services, user_id: str) -> dict[str, str]:
    """What the lead must fix, by field; empty when the entry can be written."""
    question, answer = _value(view, Field.QUESTION), _value(view, Field.ANSWER)
    if not services.roles.at_least(user_id, "lead"):
        return {Field.QUESTION: "Only team leads can add to the FAQ."}
    if not question:
        return {Field.QUESTION: "Write the question the way customers ask it."}
    if len(question) > PHRASING_LIMIT:
        return {Field.QUESTION: f"Keep the question under {PHRASING_LIMIT} characters."}
    if not services.faq.matcher.names_a_need(question):  # only emoji, or "do you have"
        return {Field.QUESTION: "Write the question in words: /faq finds an entry by them."}
    # another entry with an entry's question would make /faq ask "did you mean" between the two
    if (asked := asked_already(services.faq.edition, question)) is not None:
        return {Field.QUESTION: kb_blocks.asked_already_refusal(asked)}
    if not answer:
        return {Field.ANSWER: "Write the answer reps will give."}
    return {}


def write(
    ack: Ack, body: dict, view: dict, context: BoltContext, services: Services, outbox: Outbox,
    delivery_key: str,
) -> None:  # fmt: skip
    """The entry is written to its knowledge file, in one transaction with the submission's
    claim, before Slack hears the acknowledgement and closes the modal: what the lead typed is
    never lost, and a resubmission changes nothing. The gap's questions are closed after it
    (`show`). A problem with it keeps the modal open and says why (CurateError is a refusal)."""
    user_id = body["user"]["id"]
    errors = _errors(view, services, user_id)
    if errors:
        ack(response_action="errors", errors=errors)  # the modal stays open and says why
        return
    meta = json.loads(view.get("private_metadata") or "{}")
    store, faq = services.store, services.faq
    gap = find_gap(store, faq.edition, store.clock.now(), int(meta.get("key", 0)))
    question = _value(view, Field.QUESTION)
    variants = [line for line in _value(view, Field.VARIANTS).splitlines() if line.strip()]
    tags = [tag for tag in _value(view, Field.TAGS).replace(",", " ").split() if tag]
    with outbox.unit_of_work(delivery_key):
        context[DONE] = write_entry(faq, gap, user_id, question=question,
                                    answer=_value(view, Field.ANSWER), variants=variants,
                                    tags=tags)  # fmt: skip
    ack()  # the modal closes


def show(body: dict, view: dict, context: BoltContext, services: Services, outbox: Outbox) -> None:
    """After the acknowledgement: the FAQ reads the files again, the gap's questions /faq
    answers with the new entry are closed, and the lead's list of gaps says what was added."""
    done = context.get(DONE)
    if done is None:  # refused, or a repeat
        return
    shown = gaps_now(services, done)
    response_url = edge_db.reply_for(
        services.store, view.get("root_view_id") or view["id"], body["user"]["id"]
    )
    if response_url:
        outbox.respond(response_url, shown, replace_original=True)


def register(app: Listeners) -> None:
    app.view(Modal.KB_NEW_ENTRY)(ack=write, lazy=[show])

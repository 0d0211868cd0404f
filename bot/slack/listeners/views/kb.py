"""The new-entry modal of /kb gaps."""

import json

from slack_bolt import Ack

from bot.faq.curate import PHRASING_LIMIT, CurateError
from bot.faq.gaps import close_as_entry, find_gap, find_gaps
from bot.services import Services
from bot.slack import queries as edge_db
from bot.slack.blocks import kb as kb_blocks
from bot.slack.boundary import Listeners
from bot.slack.ids import FIELD_INPUT, Field, Modal
from bot.slack.listeners.actions.kb import shown_name
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
    if not services.faq.match(question).names_a_need:  # only emoji, or only "do you have"
        return {Field.QUESTION: "Write the question in words: /faq finds an entry by them."}
    if not answer:
        return {Field.ANSWER: "Write the answer reps will give."}
    return {}


def check(ack: Ack, body: dict, view: dict, services: Services) -> None:
    errors = _errors(view, services, body["user"]["id"])
    if errors:
        ack(response_action="errors", errors=errors)  # the modal stays open and says why
    else:
        ack()  # the modal closes; writing and reloading the FAQ happen after


def write(body: dict, view: dict, services: Services, outbox: Outbox) -> None:
    user_id = body["user"]["id"]
    if _errors(view, services, user_id):
        return
    meta = json.loads(view.get("private_metadata") or "{}")
    store, faq = services.store, services.faq
    gap = find_gap(store, faq.edition, store.clock.now(), int(meta.get("key", 0)))
    question = _value(view, Field.QUESTION)
    variants = [line for line in _value(view, Field.VARIANTS).splitlines() if line.strip()]
    tags = [tag for tag in _value(view, Field.TAGS).replace(",", " ").split() if tag]
    try:
        written = close_as_entry(
            faq,
            gap,
            user_id,
            question=question,
            answer=_value(view, Field.ANSWER),
            variants=variants,
            tags=tags,
        )
        done = kb_blocks.added_entry(question, written.entry_id, shown_name(written.file))
    except CurateError as error:
        done = kb_blocks.failed(str(error))
    response_url = edge_db.reply_for(store, view.get("root_view_id") or view["id"], user_id)
    if response_url:
        gaps = find_gaps(store, faq.edition, store.clock.now())
        outbox.respond(response_url, kb_blocks.gaps_list(gaps, done=done), replace_original=True)


def register(app: Listeners) -> None:
    app.view(Modal.KB_NEW_ENTRY)(ack=check, lazy=[write])

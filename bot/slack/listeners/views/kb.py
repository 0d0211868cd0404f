"""The new-entry modal of /kb gaps."""

import json

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond

from bot.core.curate import PHRASING_LIMIT, CurateError
from bot.core.gaps import close_as_entry, find_gap, find_gaps
from bot.services import Services
from bot.slack.blocks import kb as kb_blocks
from bot.slack.listeners.actions.kb import shown_name


def _value(view: dict, block_id: str) -> str:
    state = view["state"]["values"].get(block_id, {}).get("value", {})
    return (state.get("value") or "").strip()


def submit_new_entry(ack: Ack, body: dict, view: dict, context: dict) -> None:
    services: Services = context["services"]
    user_id = body["user"]["id"]
    question, answer = _value(view, "question"), _value(view, "answer")
    errors = {}
    if not services.roles.at_least(user_id, "lead"):
        errors["question"] = "Only team leads can add to the FAQ."
    elif not question:
        errors["question"] = "Write the question the way customers ask it."
    elif len(question) > PHRASING_LIMIT:
        errors["question"] = f"Keep the question under {PHRASING_LIMIT} characters."
    if not answer and not errors:
        errors["answer"] = "Write the answer reps will give."
    if errors:
        ack(response_action="errors", errors=errors)
        return
    ack()  # the modal closes; writing and reloading the FAQ may take longer than Slack waits
    meta = json.loads(view.get("private_metadata") or "{}")
    store, faq = services.store, services.faq
    gap = find_gap(store, faq.edition, store.clock.now(), int(meta.get("key", 0)))
    variants = [line for line in _value(view, "variants").splitlines() if line.strip()]
    tags = [tag for tag in _value(view, "tags").replace(",", " ").split() if tag]
    try:
        written = close_as_entry(
            faq, gap, user_id, question=question, answer=answer, variants=variants, tags=tags
        )
        done = kb_blocks.added_entry(question, written.entry_id, shown_name(written.file))
    except CurateError as error:
        done = kb_blocks.failed(str(error))
    if meta.get("response_url"):
        gaps = find_gaps(store, faq.edition, store.clock.now())
        Respond(response_url=meta["response_url"])(
            replace_original=True, **kb_blocks.gaps_list(gaps, done=done)
        )


def register(app: App) -> None:
    app.view(kb_blocks.NEW_ENTRY)(submit_new_entry)

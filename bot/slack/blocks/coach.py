"""/draft and /tone replies: a can-do draft with its buttons, and a tone report."""

from __future__ import annotations

from bot.coaching.drafts import Draft
from bot.coaching.tone import ToneReport
from bot.slack.blocks.base import (
    Message,
    Mrkdwn,
    actions,
    bulleted,
    button,
    context,
    escape,
    message,
    note,
    section,
    sections,
)
from bot.slack.ids import Action, Block

FLAGS_SHOWN = 10


def draft_usage() -> Message:
    return note(
        "Usage: /draft [case id] [Customer name:] the customer's message, for example "
        "/draft C-1042 Maria: my box still hasn't arrived and I needed it today"
    )


def tone_usage() -> Message:
    return note("Usage: /tone your reply to the customer, for example /tone sorry but we can't")


def _draft_heading(
    draft: Draft, tone: ToneReport, customer: str | None, case: str | None
) -> Mrkdwn:
    parts = ["*Draft reply*"]
    if customer:
        parts.append(f"for {escape(customer)}")
    if case:
        parts.append(f"case {escape(case)}")
    parts.append(f"tone {tone.score}/100")
    heading = Mrkdwn(" · ").join(Mrkdwn(part) for part in parts)
    mood = Mrkdwn(f"The customer sounds {escape(draft.emotion)}")
    if draft.cues:
        mood += " (" + ", ".join(f"“{cue}”" for cue in draft.cues[:3]) + ")"
    return Mrkdwn(f"{heading}\n{mood}.")


def draft_message(
    draft_id: int,
    draft: Draft,
    tone: ToneReport,
    *,
    customer: str | None = None,
    case: str | None = None,
) -> Message:
    """The draft, ready to copy, with what the rep can do with it."""
    value = str(draft_id)
    blocks = [
        section(_draft_heading(draft, tone, customer, case)),
        *sections(draft.text),
        context(f"Promises a reply {draft.promise} · situation `{draft.situation}`"),
    ]
    buttons = actions(
        Block.DRAFT,
        button("Use this", Action.DRAFT_USE, value, "primary"),
        button("Shorter", Action.DRAFT_SHORTER, value),
        button("More formal", Action.DRAFT_FORMAL, value),
        button("Another version", Action.DRAFT_ANOTHER, value),
        button("Not helpful", Action.DRAFT_NOT_HELPFUL, value),
    )
    return message(draft.text, [*blocks, buttons])


def draft_done(text: str, done: str) -> Message:
    """A draft the rep has dealt with: the text stays in view, the buttons go."""
    return message(text, [*sections(text), context(done)])


def tone_report(report: ToneReport) -> Message:
    if not report.flags:
        text = f"Tone {report.score}/100: a clean bill. Nothing here sounds like can't-language."
        return message(text, [section(f"*Tone {report.score}/100*: a clean bill.")])
    count = len(report.flags)
    phrases = f"{count} phrase{'s' if count != 1 else ''} to change"
    lines = [f"“{flag.phrase}”: {flag.why} Try “{flag.rewrite}”." for flag in report.flags]
    return message(
        f"Tone {report.score}/100: {phrases}",
        [
            *bulleted(
                f"*Tone {report.score}/100*: {phrases}",
                lines,
                shown=FLAGS_SHOWN,
                rest="All are fixed in the version below.",
            ),
            *sections(Mrkdwn("*The whole text, rewritten:*\n") + report.rewritten),
        ],
    )

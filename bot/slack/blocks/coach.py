"""/draft and /tone replies: a can-do draft with its buttons, and a tone report."""

from __future__ import annotations

import re

from bot.coaching.closing import Closing
from bot.coaching.drafts import Draft
from bot.coaching.tone import Flag, ToneReport
from bot.slack.blocks.base import (
    Message,
    Mrkdwn,
    actions,
    bulleted,
    button,
    code,
    context,
    escape,
    message,
    note,
    section,
    sections,
)
from bot.slack.ids import Action, Block

FLAGS_SHOWN = 10
PHRASES_NOTIFIED = 3  # named in the notification; the message itself lists them all
# What only the rep knows, left in a rewrite to fill in: shown in bold so it cannot be missed.
TO_FILL = re.compile(r"\[add: [^\]\n]*\]")
FILL_IN = "Fill in the parts in brackets before you send it."


def draft_usage() -> Message:
    return note(
        "Usage: /draft [case id] [Customer name:] the customer's message, for example "
        "/draft C-1042 Maria: my box still hasn't arrived and I needed it today"
    )


def tone_usage() -> Message:
    return note("Usage: /tone your reply to the customer, for example /tone sorry but we can't")


def _draft_heading(
    draft: Draft,
    tone: ToneReport,
    customer: str | None,
    case: str | None,
    no_case: str | None,
    case_of: str | None,
) -> Mrkdwn:
    parts = ["*Draft reply*"]
    if customer:
        parts.append(f"for {escape(customer)}")
    if case:
        parts.append(f"case {escape(case)}")
    parts.append(f"tone {tone.score}/100")
    heading = Mrkdwn(" · ").join(Mrkdwn(part) for part in parts)
    if draft.closing:  # how they sound matters less than that they asked for nothing more
        mood = Mrkdwn(f"The customer {_closing_words(draft.closing)}: a closing reply, with no"
                      " promise and no follow-up")  # fmt: skip
    else:
        mood = Mrkdwn(f"The customer sounds {escape(draft.emotion)}")
        if draft.cues:
            mood += " (" + ", ".join(f"“{cue}”" for cue in draft.cues[:3]) + ")"
    lines = f"{heading}\n{mood}."
    if no_case:
        lines += (
            f"\n_There is no case {escape(no_case)}, so the draft leaves the case reference out."
            " Check the number, or open a case with /case._"
        )
    if case and customer and case_of:
        lines += (
            f"\n_{escape(case)} is {escape(case_of)}'s case, not {escape(customer)}'s: check the"
            " name and the case number before sending._"
        )
    return Mrkdwn(lines)


def _closing_words(closing: Closing) -> str:
    if closing.thanked and closing.settled:
        return "thanks us and says it's sorted"
    return "thanks us" if closing.thanked else "says it's sorted"


# A change button whose draft came out the same, and what that means.
UNCHANGED: dict[str, str] = {
    Action.DRAFT_SHORTER: "This is as short as this reply gets.",
    Action.DRAFT_FORMAL: "This reply is as formal as it gets.",
    Action.DRAFT_ANOTHER: "This reply has no other version: edit it as you need.",
}


def draft_message(
    draft_id: int,
    draft: Draft,
    tone: ToneReport,
    *,
    customer: str | None = None,
    case: str | None = None,
    no_case: str | None = None,
    case_of: str | None = None,
    unchanged_by: str | None = None,
) -> Message:
    """The draft, ready to copy, with what the rep can do with it. `no_case` is a case reference
    the rep gave that names no case: the draft leaves it out, and says so. `case_of` is the
    case's customer when the name the rep typed is not theirs: the draft says so too.
    `unchanged_by`, the button (Action) whose new draft came out as the one it was pressed on:
    said, or the rep cannot tell whether the press did anything."""
    value = str(draft_id)
    promised = f"Promises a reply {escape(draft.promise)}" if draft.promise else "Promises nothing"
    same = [context(UNCHANGED[unchanged_by])] if unchanged_by in UNCHANGED else []
    blocks = [
        *same,
        section(_draft_heading(draft, tone, customer, case, no_case, case_of)),
        *sections(draft.text),
        context(Mrkdwn(f"{promised} · situation ") + code(draft.situation)),
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
        return message(text, [section(Mrkdwn(f"*Tone {report.score}/100*: a clean bill."))])
    bullets = report.phrases()
    count = len(bullets)  # phrases, each once however often it is said: as the bullets list them
    phrases = f"{count} phrase{'s' if count != 1 else ''} to change"
    lines = [
        _flag_line(flag, times, previous)
        for previous, (flag, times) in zip([None, *(f for f, _ in bullets)], bullets, strict=False)
    ]
    rewritten = Mrkdwn("*The whole text, rewritten:*\n") + (
        _to_fill(report.rewritten)
        if report.rewritten
        else "Nothing is left of it once that goes: say what you can do for the customer."
    )
    blocks = [
        *bulleted(
            Mrkdwn(f"*Tone {report.score}/100*: {phrases}"),
            lines,
            shown=FLAGS_SHOWN,
            rest="All are fixed in the version below.",
        ),
        *sections(rewritten),
    ]
    if TO_FILL.search(report.rewritten):
        blocks.append(context(FILL_IN))
    named = ", ".join(_quoted(flag.phrase, times) for flag, times in bullets[:PHRASES_NOTIFIED])
    more = f" and {count - PHRASES_NOTIFIED} more" if count > PHRASES_NOTIFIED else ""
    return message(f"Tone {report.score}/100: {phrases}: {named}{more}", blocks)


def _quoted(phrase: str, times: int) -> str:
    return f"“{phrase}”" + (f" ({times} times)" if times > 1 else "")


def _flag_line(flag: Flag, times: int, previous: Flag | None) -> Mrkdwn:
    """One phrase (said `times` times in the text): why it hurts and what to say instead, with its
    sentence as it could read; or, where no words swapped in would read well, its sentence and
    one to say instead; or, for a sentence that was only the phrase, that it goes. The sentence
    is shown once: a phrase in the same sentence as the one before points to it."""
    line = escape(f"{_quoted(flag.phrase, times)}: {flag.why}")
    same = previous is not None and (previous.rewrite, previous.instead_of) == (
        flag.rewrite,
        flag.instead_of,
    )
    if flag.instead_of:
        if same:
            return line + " The sentence above, said another way, leaves it out too."
        return (line + Mrkdwn(" Say the sentence another way. Instead of “") + flag.instead_of
                + Mrkdwn("”, try: “") + _to_fill(flag.rewrite) + Mrkdwn("”"))  # fmt: skip
    if not flag.rewrite:
        return line + " Leave this sentence out."
    change = (
        Mrkdwn(" Say “") + _to_fill(flag.replacement) + Mrkdwn("” instead")
        if flag.replacement
        else Mrkdwn(" Leave it out")
    )
    if same:
        return line + change + ", as in the sentence above."
    return line + change + Mrkdwn(": “") + _to_fill(flag.rewrite) + Mrkdwn("”")


def _to_fill(text: str) -> Mrkdwn:
    """The rep's text, escaped, with each part to fill in ([add: the offer]) in bold."""
    return Mrkdwn(TO_FILL.sub(lambda part: f"*{part[0]}*", escape(text)))

"""/faq replies: the answer, "did you mean", "no good match", and what buttons change."""

from __future__ import annotations

from collections.abc import Sequence

from bot.faq.knowledge import Entry
from bot.faq.matching import MatchResult, Scored
from bot.shared.content import Problem
from bot.slack.blocks.base import (
    MESSAGE_SECTIONS,
    SECTION_LIMIT,
    Message,
    Mrkdwn,
    actions,
    authored,
    authored_line,
    button,
    context,
    escape,
    file_shown,
    message,
    note,
    quote,
    section,
    sections,
    shorten,
    split,
    unmarked,
)
from bot.slack.ids import Action, Block, Command, numbered

# Blocks each other answer takes at most: what it answers, its sections, its entry.
ALSO_SECTIONS = 5
# A phone shows a notification's first line or two: each question in one is cut to this.
ASKED_IN_NOTIFICATION = 100


def faq_value(query_id: int, *entry_ids: str) -> str:
    """A button's value: the query, and the entries it is about (an id is one word)."""
    return f"{query_id}:{' '.join(entry_ids)}"


def parse_faq_value(value: str) -> tuple[int, list[str]] | None:
    query_id, _, entry_ids = value.partition(":")
    ids = entry_ids.split()
    return (int(query_id), ids) if query_id.isdigit() and ids else None


def _answer(entry: Entry) -> Mrkdwn:
    # The answer is the leads' own mrkdwn (their *bold* stays bold); the question may be a
    # customer's words (a gap's question made an entry), so it is escaped.
    return Mrkdwn(f"*{escape(entry.question)}*\n") + authored(entry.answer)


def tried(entry_id: str, entry: Entry | None, limit: int) -> Mrkdwn:
    """An FAQ entry a rep drafted from, on one line of about `limit` (what a redirect packet
    says was tried): as `_answer` has them, its question escaped and the leads' answer in their
    own mrkdwn; its id when the FAQ no longer has it."""
    if entry is None:
        return Mrkdwn(f"FAQ `{escape(entry_id)}`")
    question, between = shorten(entry.question, limit // 3), " — "
    answer = authored_line(entry.answer, limit - len(question) - len(between))
    return escape(question) + Mrkdwn(between) + answer


def place(entry: Entry) -> str:
    """Where a lead edits the entry: its file (`file_shown`) and line."""
    file, _, line = entry.source.rpartition(":")
    return f"{file_shown(file)}:{line}" if file else entry.source


def _answer_sections(entry: Entry, most: int) -> list[dict]:
    """The FAQ question and its answer; past `most` sections, where the rest is."""
    rest = f"The whole answer is in the FAQ, {place(entry)}."
    return sections(_answer(entry), most=most, rest=rest)


def _which(entry: Entry, score: float | None) -> Mrkdwn:
    match = f" · {score:.0f}% sure" if score is not None else ""  # a calibrated confidence
    return Mrkdwn(f"FAQ `{escape(entry.id)}`{match}")


def _answer_blocks(
    entry: Entry, asked: str, score: float | None, also: Sequence[Scored] = ()
) -> list[dict]:
    return [
        # the other answers' blocks within Slack's 50 a message
        *_answer_sections(entry, MESSAGE_SECTIONS - ALSO_SECTIONS * len(also)),
        context(Mrkdwn(f"You asked:\n{quote(asked)}\n") + _which(entry, score)),
    ]


def _also_blocks(also: Sequence[Scored]) -> list[dict]:
    """The other entries parts of the message are answered with (`MatchResult.also`), each
    under what it answers, without buttons of its own: the buttons above judge the first."""
    blocks = []
    for scored in also:
        blocks += [
            context("The customer also asks:"),
            *_answer_sections(scored.entry, ALSO_SECTIONS - 2),
            context(_which(scored.entry, scored.score)),
        ]
    return blocks


def long_answers(entries: list[Entry]) -> list[Problem]:
    """Warnings for answers that Slack would show only in parts, one section after another."""
    problems = []
    for entry in entries:
        parts = len(split(_answer(entry)))
        if parts > 1:
            file, _, line = entry.source.rpartition(":")
            message = (
                f"entry {entry.id!r}: the answer is longer than one Slack section holds "
                f"({SECTION_LIMIT:,} characters once escaped): Slack would show it in {parts} "
                "parts"
            )
            problems.append(Problem(file, int(line or 1), message, "warning"))
    return problems


def faq_answer(
    entry: Entry, asked: str, query_id: int, score: float | None, also: Sequence[Scored] = ()
) -> Message:
    """A confident match: the answer itself, the FAQ question it answers, and feedback buttons;
    then the answers to the rest of a longer message (`also`)."""
    value = faq_value(query_id, entry.id)
    feedback = actions(
        Block.FAQ_FEEDBACK,
        button("Helpful", Action.FAQ_HELPFUL, value, "primary"),
        button("Not helpful", Action.FAQ_NOT_HELPFUL, value),
        button("Draft a reply", Action.FAQ_DRAFT, value),
    )
    blocks = [*_answer_blocks(entry, asked, score, also), feedback, *_also_blocks(also)]
    return message(unmarked(entry.answer), blocks)


def faq_feedback_given(
    entry: Entry,
    asked: str,
    helpful: bool,
    also: Sequence[Scored] = (),
    others: tuple[int, Sequence[Scored]] | None = None,
) -> Message:
    """The answers stay in view; the buttons give way to a thank-you. After a "Not helpful",
    `others` (the query id and the entries a "did you mean" would now offer) are offered in
    its place: the rep still needs the right answer, and their pick teaches the FAQ."""
    thanks = (
        "Marked helpful. Thanks!"
        if helpful
        else "Marked not helpful. Thanks: the team leads will see this question and improve"
        " the answer."
    )
    blocks = [*_answer_blocks(entry, asked, None, also), context(thanks)]
    if others and others[1]:
        query_id, matches = others
        title = "Was it one of these?" if len(matches) > 1 else "Was it this one?"
        blocks += [
            section(Mrkdwn(f"*{title}*")),
            _picks(query_id, matches),
            _none(query_id, matches),
        ]
    return message(unmarked(entry.answer), [*blocks, *_also_blocks(also)])


def _picks(query_id: int, matches: Sequence[Scored]) -> dict:
    """The "did you mean" buttons: one an entry, which shows its answer and is kept as a pick."""
    return actions(
        Block.FAQ_SUGGESTIONS,
        *(
            button(
                scored.entry.question,
                numbered(Action.FAQ_PICK, n),
                faq_value(query_id, scored.entry.id),
            )
            for n, scored in enumerate(matches)
        ),
    )


def faq_suggestions(asked: str, query_id: int, matches: list[Scored]) -> Message:
    """A close call: the best few as "did you mean" buttons. The notification names the best
    one and the rep's words, so a phone says which question the guess is about."""
    title = "Did you mean one of these?" if len(matches) > 1 else "Did you mean this one?"
    best = shorten(matches[0].entry.question, ASKED_IN_NOTIFICATION)
    others = len(matches) - 1
    more = {0: "", 1: " Or one other."}.get(others, f" Or one of {others} others.")
    notification = f"Did you mean “{best}” for “{shorten(asked, ASKED_IN_NOTIFICATION)}”?{more}"
    return message(
        notification,
        [
            section(Mrkdwn(f"*{title}*\n") + quote(asked)),
            _picks(query_id, matches),
            _none(query_id, matches),
        ],
    )


def _none(query_id: int, matches: Sequence[Scored]) -> dict:
    """The "None of these" button: the question goes to the leads with the entries it turns
    down, as shown (the value names the query and them)."""
    value = faq_value(query_id, *(scored.entry.id for scored in matches))
    return actions(Block.FAQ_NONE, button("None of these", Action.FAQ_NONE_OF_THESE, value))


def faq_no_match(asked: str, other_language: bool = False) -> Message:
    text = (
        "That looks like another language, and the FAQ is in English: no good match. Give me "
        "the customer's question in English and I'll look again. I've passed it to the team "
        "leads too."
        if other_language
        else "No good match in the FAQ for this question. "
        "I've passed it to the team leads so the FAQ can grow where customers ask."
    )
    return message(text, [section(quote(asked) + "\n" + text)])


def dm_help(usable: Sequence[Command], command: str | None = None) -> Message:
    """What a direct message to the bot does, for someone who asks ("help") or who typed a
    slash command into a message (`command`), which Slack then sends as text; `usable`, the
    commands their role may use, are the ones named."""
    if command and command not in usable:
        typed = f"{command} is not one of the commands your role can use. "
    elif command:
        typed = (
            f"{command} is a command: type it in the message box of a channel or of this "
            "conversation, not in a thread, and Slack sends it to me as one. "
        )
    else:
        typed = ""
    others = ", ".join(c.value for c in usable if c is not Command.FAQ)
    return note(
        f"{typed}Send me the customer's words and I'll find the answer in the FAQ, as /faq "
        f"does. The other commands you can use: {others}."
    )


def dm_thanks() -> Message:
    """A rep's thanks in the bot's DM, answered as thanks, not as a question without words."""
    return note("You're welcome! Paste a customer's words here whenever you need the FAQ.")


def faq_no_words() -> Message:
    return note(
        "I need a few words of the customer's question to search the FAQ, "
        "for example: /faq where is my box"
    )


def faq_none_of_these(asked: str) -> Message:
    text = "Thanks. I've passed this question to the team leads so the FAQ can grow."
    return message(text, [section(quote(asked) + "\n" + text)])


def faq_reply(asked: str, query_id: int, result: MatchResult) -> Message:
    """The /faq reply for each verdict: the answer, "did you mean", or "no good match"."""
    if result.verdict == "answer":
        best = result.matches[0]
        return faq_answer(best.entry, asked, query_id, best.score, result.also)
    if result.verdict == "suggest":
        return faq_suggestions(asked, query_id, result.offered)
    return faq_no_match(asked, result.other_language)

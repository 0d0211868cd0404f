"""/kb for team leads: FAQ gaps with one-click fixes, the new-entry modal, reload reports."""

from __future__ import annotations

import json
from pathlib import Path

from bot.faq.gaps import Gap, Preview
from bot.faq.knowledge import Entry, Knowledge, phrasing_key
from bot.faq.matching import ANSWER_AT, SUGGEST_AT, MatchResult, Scored
from bot.faq.service import Trial
from bot.shared.content import Problem
from bot.shared.times import day
from bot.slack.blocks.base import (
    BUTTON_LIMIT,
    TITLE_LIMIT,
    Message,
    Mrkdwn,
    actions,
    authored_line,
    bulleted,
    button,
    code,
    context,
    counted,
    escape,
    file_shown,
    mention,
    message,
    note,
    option,
    plain,
    quote,
    section,
    shorten,
    text_field,
)
from bot.slack.blocks.faq import place
from bot.slack.ids import Action, Block, Field, Modal, numbered

GAPS_SHOWN = 10  # Slack allows 50 blocks a message; a lead works through ten at a time
HINT_WORDINGS = 8  # a group's other wordings named under the new entry's field
PROBLEMS_SHOWN = 20
INPUT_LIMIT = 3000  # what Slack lets an input field hold


def usage() -> Message:
    return note(
        "Usage: /kb gaps (questions the FAQ could not answer in the last 7 days, to add to "
        "it), /kb reload (read the knowledge files again) or /kb try <a customer's question> "
        "(how /faq answers it now, without counting it as a customer's)"
    )


def try_usage() -> Message:
    return note(
        "Type the customer's words after /kb try, for example: /kb try where is my box. "
        "I'll show how /faq answers them now, without counting them as a customer's question."
    )


NOT_COUNTED = (
    "A try: not counted as a customer's question, so it is not in /kb gaps, what the FAQ "
    "learns from reps or the weekly summary."
)


def _tried_line(scored: Scored, taught: dict[str, int]) -> Mrkdwn:
    entry = scored.entry
    line = code(entry.id) + f" · {scored.score:.0f}% — “{shorten(entry.question, 150)}”"
    confirmed = taught.get(entry.id, 0)
    learned = f" · reps confirmed {counted(confirmed, 'question')} for it" if confirmed else ""
    return line + f" · {place(entry)}{learned}"


def trial(asked: str, tried: Trial) -> Message:
    """How /faq answers `asked` now, for a lead: what a rep would see, the entries it weighed
    with their confidence and where they are, and what reps' clicks changed."""
    result = tried.result
    words = shorten(asked, 100)
    if not result.names_a_need:
        return note(
            f"“{words}” has no words to search the FAQ with: /faq would ask the rep for the "
            "customer's question."
        )
    best = result.matches[0] if result.matches else None
    if result.verdict == "answer" and best:
        said = (
            f"/faq answers “{words}” with “{shorten(best.entry.question, 100)}”, "
            f"{best.score:.0f}% sure."
        )
        verdict = Mrkdwn("*Answered* with ") + code(best.entry.id) + f", {best.score:.0f}% sure "
        verdict += f"(it answers from {ANSWER_AT:.0f}%)."
    elif result.verdict == "suggest" and best:
        said = (
            f"/faq asks “did you mean” for “{words}”, the closest "
            f"“{shorten(best.entry.question, 100)}”."
        )
        offered = counted(len(result.offered), "entry")
        if best.entry.id in tried.doubted:
            verdict = (
                Mrkdwn(f"*Did you mean*, with {offered}: reps turned ")
                + code(best.entry.id)
                + " down for a question like this, so /faq does not answer with it; the rep "
                "can still pick it."
            )
        else:
            verdict = Mrkdwn(
                f"*Did you mean*, with {offered}: nothing is {ANSWER_AT:.0f}% sure, so the rep "
                f"picks (it offers from {SUGGEST_AT:.0f}%). These words added as a phrasing of "
                "the right entry, in its file below, make it answer them."
            )
    else:
        said = f"/faq has no good match for “{words}”."
        language = " It reads as another language than the FAQ's English."
        language = language if result.other_language else ""
        verdict = Mrkdwn(
            f"*No good match*: nothing is {SUGGEST_AT:.0f}% sure.{language} A rep's question "
            "like it goes to /kb gaps, where one click starts a new entry for it."
        )
    blocks = [section(Mrkdwn("*How /faq answers this now*\n") + quote(asked) + "\n" + verdict)]
    if result.matches:
        lines = [_tried_line(scored, tried.taught) for scored in result.matches]
        blocks += bulleted(Mrkdwn("*Closest entries*"), lines, shown=len(lines), rest="")
    if result.also:
        also = Mrkdwn(", ").join(code(s.entry.id) + f" ({s.score:.0f}%)" for s in result.also)
        blocks.append(section(Mrkdwn("*The rest of the message is answered with* ") + also))
    if tried.doubted:
        doubted = Mrkdwn(", ").join(code(entry_id) for entry_id in sorted(tried.doubted))
        blocks.append(
            section(
                Mrkdwn("*Not answered with*, as reps turned it down for a question like this: ")
                + doubted
            )
        )
    blocks.append(context(NOT_COUNTED))
    return message(said, blocks)


def _asked_as(asked: Scored, marked: bool) -> Mrkdwn:
    """Why a gap whose question is an entry's already suggests no entry: its answer wants
    improving, where the lead edits it."""
    entry = asked.entry
    how = "marked that answer not helpful" if marked else "turned it down with “None of these”"
    return Mrkdwn(
        f"It is how {_curly(entry.question, 100)} is asked already: /faq is "
        f"{asked.score:.0f}% sure of {code(entry.id)} for it, and reps {how}. Improve the "
        f"answer, in {code(place(entry))}: added to another entry, the question would get a "
        "“did you mean” between the two."
    )


def not_allowed() -> Message:
    # For /kb typed, and for a button of a leads' message a rep was shown: no "it" to add.
    return note(
        "Only team leads can curate the FAQ. Questions it could not answer reach them already; "
        "tell your team lead of any other it should answer."
    )


def gap_key(block_id: str) -> int | None:
    """The key of the gap a button is for, from the block it is in; None for other blocks."""
    key = block_id.removeprefix(Block.KB_GAP)
    return int(key) if block_id.startswith(Block.KB_GAP) and key.isdigit() else None


def _curly(text: str, limit: int = 200) -> Mrkdwn:
    return Mrkdwn(f"“{escape(shorten(text, limit))}”")


def _gap_blocks(gap: Gap) -> list[dict]:
    times = f"{gap.count}×" if gap.count > 1 else "Once:"
    block_id = numbered(Block.KB_GAP, gap.key)
    if gap.kind == "picked":
        entry = gap.suggestions[0]
        text = Mrkdwn(f"*{times} {_curly(gap.question)}*\n") + _keep_picking(gap, entry)
        buttons = [
            button("Accept as a phrasing", Action.KB_ADD_PHRASING, entry.id, "primary"),
            button("Ignore", Action.KB_IGNORE, ""),
        ]
        return [section(text), actions(block_id, *buttons)]
    text = Mrkdwn(f"*{times} {_curly(gap.question)}*")
    others = gap.questions[1:4]
    if others:
        text += Mrkdwn("\nAlso asked: ") + Mrkdwn(" · ").join(_curly(q, 100) for q in others)
    answered = gap.answered_with
    for heading, entries in (
        # the entry it was answered with is named below, with where to improve its answer
        (
            "Marked not helpful for it",
            [e for e in gap.not_helpful if answered is None or e.id != answered.entry.id],
        ),
        ("Shown for it and turned down with “None of these”", gap.none_of_these),
    ):
        if entries:
            named = Mrkdwn(", ").join(_curly(e.question, 100) for e in entries[:3])
            if len(entries) > 3:
                named += Mrkdwn(f" and {len(entries) - 3} more")
            text += Mrkdwn(f"\n{heading}: ") + named
    if gap.phrasing_of:
        text += "\n" + _phrasing_already(gap)
    elif gap.asked_as is not None:
        text += "\n" + _asked_as(gap.asked_as, gap.asked_as.entry in gap.not_helpful)
    elif answered is not None:
        text += "\n" + _answered_with(answered, bool(gap.suggestions))
    elif not gap.suggestions:
        other = " other" if gap.not_helpful or gap.none_of_these else ""
        text += Mrkdwn(
            f"\nNo{other} FAQ entry comes close to it: make it a new entry, or ignore it."
        )
    if gap.picked_entry is not None:
        entry = gap.picked_entry
        text += Mrkdwn(
            f"\nPicked for it since, from a “did you mean”: {_curly(entry.question, 100)} ("
        )
        text += code(entry.id) + Mrkdwn(f"), {_picks_by(gap.pickers)}.")
    elements = []
    if gap.suggested in gap.phrasing_of:
        # added already: its press writes nothing and closes what /faq answers
        assert gap.suggested is not None
        label = f"Close as answered by “{shorten(gap.suggested.question, BUTTON_LIMIT - 24)}”"
        elements.append(button(label, Action.KB_ADD_PHRASING, gap.suggested.id, "primary"))
    elif gap.suggested is not None:
        label = f"Add as a phrasing of “{shorten(gap.suggested.question, BUTTON_LIMIT - 24)}”"
        # suggested as if the entries reps turned down were gone, which /faq does not do:
        # the lead reads what /faq would do first
        turned_down = gap.not_helpful or gap.none_of_these
        action = Action.KB_ADD_PHRASING_ASK if turned_down else Action.KB_ADD_PHRASING
        elements.append(button(label, action, gap.suggested.id))
    # the menu holds the other entries: the one its button offers is not offered twice
    button_id = gap.suggested.id if gap.suggested else None
    menu = [
        (entry, score)
        for entry, score in zip(gap.suggestions, gap.scores, strict=True)
        if entry.id != button_id
    ]
    if menu:
        elements.append(_phrasing_menu(gap, menu))
    # with no entry likely enough to suggest, a new entry is the suggestion; not when the
    # question is an entry's already: its answer is what wants a lead
    primary = None if gap.suggested or gap.phrasing_of or answered else "primary"
    if gap.asked_as is None:  # a new entry for an entry's own question would be refused
        elements.append(button("New entry", Action.KB_NEW_ENTRY, "", primary))
    elements.append(button("Ignore", Action.KB_IGNORE, ""))
    return [section(text), actions(block_id, *elements)]


def _answered_with(answered: Scored, others: bool) -> Mrkdwn:
    """A gap /faq answered with an entry whose answer reps marked not helpful: that answer is
    what wants a lead, where they edit it; the menu (if any) holds what /faq itself offers."""
    entry = answered.entry
    text = Mrkdwn(
        f"/faq answered it with {_curly(entry.question, 100)} ({code(entry.id)}, "
        f"{answered.score:.0f}% sure), and reps marked that answer not helpful for it. Improve "
        f"the answer, in {code(place(entry))}"
    )
    if others:
        return text + Mrkdwn(", or add the question to the entry it belongs to.")
    return text + Mrkdwn(", or make it a new entry if it is another need.")


def _picks_by(pickers: tuple[tuple[str, int], ...]) -> Mrkdwn:
    """How many picks and whose: one rep's habit is no agreement."""
    total = sum(count for _, count in pickers)
    if total == 1:
        return Mrkdwn("once, by ") + mention(pickers[0][0])
    if len(pickers) == 1:
        return Mrkdwn(f"{counted(total, 'time')}, all by ") + mention(pickers[0][0])
    reps = [mention(rep) for rep, _ in pickers]
    named = Mrkdwn(", ").join(reps[:-1]) + " and " + reps[-1]
    return Mrkdwn(f"{counted(total, 'time')}, by {len(pickers)} reps: ") + named


def _keep_picking(gap: Gap, entry: Entry) -> Mrkdwn:
    """Who keeps picking the entry for a picked gap's question."""
    picked = _curly(entry.question, 120) + Mrkdwn(" (") + code(entry.id) + Mrkdwn(")")
    if len(gap.pickers) == 1:
        rep, count = gap.pickers[0]
        return (
            mention(rep) + Mrkdwn(" keeps picking ") + picked
            + Mrkdwn(f" for it ({counted(count, 'time')}; no other rep has).")
        )  # fmt: skip
    if not gap.pickers:  # not known: kept as it read before
        return Mrkdwn("Reps keep picking ") + picked + Mrkdwn(" for it.")
    return (
        Mrkdwn("Reps keep picking ") + picked + Mrkdwn(" for it: ") + _picks_by(gap.pickers) + "."
    )


def _phrasing_already(gap: Gap) -> Mrkdwn:
    """A gap whose question a lead added to an entry, which /faq still does not answer it
    with: what it does instead, and the two ways out, with where (or that answers it with it,
    and reps turned that answer down: `_answer_turned_down`)."""
    asked = gap.asked_as
    if asked is not None and asked.entry in gap.phrasing_of:
        return _answer_turned_down(gap, asked)
    named = Mrkdwn(", ").join(
        _curly(e.question, 100) + Mrkdwn(" (") + code(e.id) + Mrkdwn(", ") + code(place(e)) + ")"
        for e in gap.phrasing_of
    )
    text = Mrkdwn("It is a phrasing of ") + named + Mrkdwn(" already")
    if gap.suggested in gap.phrasing_of:
        return text + Mrkdwn(
            ", and /faq answers it with it now: close its questions (repbot stopped before it "
            "could)."
        )
    assert gap.now is not None  # found with `phrasing_of`
    text += Mrkdwn(", yet ") + _what_faq_does(gap.now)
    text += Mrkdwn(". ")
    improve = [
        code(e.id) + Mrkdwn("'s answer in ") + code(place(e))
        for e in gap.not_helpful
        if e not in gap.phrasing_of
    ]
    text += Mrkdwn("Take the phrasing out if that answer is not the one for it")
    if improve:
        text += Mrkdwn(", or improve ") + Mrkdwn(", ").join(improve)
        return text + Mrkdwn(", which reps marked not helpful for it.")
    return text + Mrkdwn(": /kb try shows the entries that come as close.")


def _answer_turned_down(gap: Gap, asked: Scored) -> Mrkdwn:
    """A gap whose question /faq answers with the entry it is a phrasing of, whose answer reps
    turned down: the answer is what wants a lead, and the phrasing too, unless it is the
    entry's own question (which cannot be taken out)."""
    entry = asked.entry
    marked = entry in gap.not_helpful
    how = "marked that answer not helpful" if marked else "turned it down with “None of these”"
    answered = Mrkdwn(f"/faq answers it with it, {asked.score:.0f}% sure, and reps {how}")
    if phrasing_key(entry.question) == phrasing_key(gap.question):
        return (
            Mrkdwn("It is the question of ") + code(entry.id) + Mrkdwn(" itself: ") + answered
            + Mrkdwn(". Improve the answer, in ") + code(place(entry)) + "."
        )  # fmt: skip
    where = _curly(entry.question, 100) + Mrkdwn(" (") + code(entry.id) + Mrkdwn(", ")
    where += code(place(entry)) + ")"
    if gap.added is not None and gap.added[1] == entry:
        lead, _, when = gap.added
        said = mention(lead) + Mrkdwn(" added it as a phrasing of ") + where
        said += Mrkdwn(f" on {day(when)}")
    else:
        said = Mrkdwn("It is a phrasing of ") + where
    improve = ". Improve the answer, or take the phrasing out if that answer is not the one for it."
    return said + Mrkdwn("; ") + answered + Mrkdwn(improve)


def _phrasing_menu(gap: Gap, menu: list[tuple[Entry, float]]) -> dict:
    """ "Add as a phrasing of…": the entries /faq would offer for its questions were the ones
    reps turned down gone, each with how sure /faq is of it now, as /kb try shows it (left
    out, "I cancelled my subscription but you still charged me" read 66% for "how do i cancel
    my subscription", which /faq puts at 4%). A choice adds nothing yet: the lead is shown
    what /faq would do with it first (`add_phrasing_asked`)."""
    placeholder = "…or to another entry" if gap.suggested else "Add as a phrasing of…"
    return {
        "type": "static_select",
        "action_id": Action.KB_ADD_PHRASING_TO,
        "placeholder": plain(placeholder, 150),
        "options": [
            option(entry.question, entry.id, f"{score:.0f}% sure in /faq now")
            for entry, score in menu
        ],
    }


def add_phrasing_asked(gap: Gap, preview: Preview) -> Message:
    """Asked before a phrasing is written, when a lead chose an entry from a gap's menu (or
    its button, when reps turned entries down for it): what /faq would do with it, read from
    the FAQ built with it (`preview_phrasing`). The menu offers what /faq would offer as a
    "did you mean", which may be for a word the two share and not the need ("my son has a nut
    allergy, is the food safe?" was offered "do you have vegan meals", 24% sure for "food");
    and added next to an entry that answers it now, the question may get a "did you mean"
    between the two, and so may others /faq answers now: the lead reads that first."""
    entry, result = preview.entry, preview.result
    asked, other = shorten(gap.question, 100), shorten(entry.question, 100)
    text = (
        Mrkdwn(f"Add {_curly(gap.question)} as a phrasing of {_curly(entry.question)} (")
        + code(entry.id)
        + Mrkdwn(f", {code(place(entry))})?")
    )
    best = result.matches[0] if result.matches else None
    answers = result.verdict == "answer" and best is not None and best.entry.id == entry.id
    if answers:
        said = f"Add “{asked}” as a phrasing of “{other}”? Check its answer first."
        text += Mrkdwn(" /faq will answer it, and questions like it, with:\n> ")
    else:
        said = f"Added as a phrasing of “{other}”, “{asked}” would not get its answer: check first."
        text += (
            Mrkdwn(f"\n:warning: Not answered with {code(entry.id)} even then: with the phrasing, ")
            + _what_faq_does(result)
            + Mrkdwn(f". {code(entry.id)}'s answer:\n> ")
        )
    text += authored_line(entry.answer, 500)
    if preview.lost:
        shown = Mrkdwn(" · ").join(
            _curly(q, 100)
            + Mrkdwn(f" (answered now with {code(was.entry.id)}, {was.score:.0f}% sure; then ")
            + _what_faq_does(then)
            + Mrkdwn(")")
            for q, was, then in preview.lost[:3]
        )
        more = f" and {len(preview.lost) - 3} more" if len(preview.lost) > 3 else ""
        text += Mrkdwn("\n:warning: It would change how /faq answers questions it answers now: ")
        text += shown + Mrkdwn(f"{more}.")
    text += Mrkdwn(
        "\nIf that answer is not right for it, make it a new entry instead."
        if answers and not preview.lost
        else "\nImprove the answer it gets now instead, or make it a new entry."
    )
    block_id = numbered(Block.KB_GAP, gap.key)
    style = "primary" if answers and not preview.lost else None
    buttons = [
        button("Add as its phrasing", Action.KB_ADD_PHRASING, entry.id, style),
        button("New entry", Action.KB_NEW_ENTRY, ""),
    ]
    return message(said, [section(text), actions(block_id, *buttons)])


def gaps_list(gaps: list[Gap], done: str | None = None) -> Message:
    """The gaps of the week, biggest first; `done` (from the functions below) says what the
    lead just did."""
    blocks = [context(done)] if done else []
    if not gaps:
        # Said of the questions still open: a lead may have dealt with (or ignored) the others.
        text = (
            "No more FAQ gaps to review from the last 7 days."
            if done
            else "No FAQ gaps to review from the last 7 days: every question got an answer or "
            "suggestions and none was marked Not helpful, or a lead has dealt with it."
        )
        return message(text, [*blocks, section(text)])
    questions = sum(gap.count for gap in gaps)
    heading = (
        f"FAQ gaps of the last 7 days: {counted(questions, 'question')} "
        f"in {counted(len(gaps), 'group')}"
    )
    blocks.append(section(Mrkdwn(f"*{heading}*")))
    for gap in gaps[:GAPS_SHOWN]:
        blocks += [{"type": "divider"}, *_gap_blocks(gap)]
    if len(gaps) > GAPS_SHOWN:
        more = len(gaps) - GAPS_SHOWN
        blocks.append(context(f"…and {more} smaller groups: they show here as you handle these."))
    return message(heading, blocks)


def new_entry_modal(gap: Gap) -> dict:
    """A modal to write a new entry from a gap. Its question is the one the lead read; of the
    group's other wordings, those that read as it are filled in as the entry's, and the others
    shown under the field for the lead to add if they ask the same: grouped questions may share
    a word and not the need ("is there nuts in the meals, my son is allergic" and "do you have
    vegan meals"), and a lead who only types an answer must not answer them all with it."""
    # whole wordings only, as many as the field holds
    variants: list[str] = []
    for question in gap.paraphrases[:7]:
        if len("\n".join([*variants, question])) > INPUT_LIMIT:
            break
        variants.append(question)
    others = [q for q in gap.questions[1:] if q not in gap.paraphrases]
    hint = ""
    if others:
        shown = " · ".join(f"“{shorten(q, 150)}”" for q in others[:HINT_WORDINGS])
        more = f" and {len(others) - HINT_WORDINGS} more" if len(others) > HINT_WORDINGS else ""
        hint = (
            f"Also asked in this group, in other words: {shown}{more}. Add those this "
            "answer is right for, one per line."
        )
    return {
        "type": "modal",
        "callback_id": Modal.KB_NEW_ENTRY,
        "private_metadata": json.dumps({"key": gap.key}),  # a pointer: the gap is read back
        "title": plain("New FAQ entry", TITLE_LIMIT),
        "submit": plain("Add to the FAQ", TITLE_LIMIT),
        "close": plain("Cancel", TITLE_LIMIT),
        "blocks": [
            text_field(Field.QUESTION, "Question", initial=shorten(gap.question, INPUT_LIMIT)),
            text_field(
                Field.VARIANTS,
                "Other ways customers ask it, one per line",
                initial="\n".join(variants),
                multiline=True,
                optional=True,
                hint=hint,
            ),
            text_field(Field.ANSWER, "Answer", multiline=True),
            text_field(Field.TAGS, "Tags, separated by commas", optional=True),
        ],
    }


def asked_already_refusal(asked: Scored) -> str:
    """The new-entry modal's refusal of a question that is an entry's already (plain words:
    a field's error)."""
    entry = asked.entry
    return (
        f"Customers ask “{shorten(entry.question, 100)}” ({entry.id}, {place(entry)}) this way "
        f"already: it reads as that entry, {asked.score:.0f}% sure. Improve that entry's answer, "
        "or write the question only this new entry answers."
    )


def knowledge_reload(knowledge: Knowledge, entries_in_service: int) -> Message:
    """What reading the knowledge files again gave: in service, or refused and why."""
    if knowledge.errors:
        text = (
            "The knowledge files have errors, so the FAQ still answers from the last good "
            f"version ({entries_in_service} entries). Fix these and reload:"
        )
        return _with_problems(text, knowledge.errors)
    warnings = [p for p in knowledge.problems if p.severity != "error"]
    text = (
        f"Reloaded the FAQ: {counted(len(knowledge.entries), 'entry')} in "
        f"{counted(len(knowledge.files), 'file')}."
    )
    return _with_problems(
        text + (f" {counted(len(warnings), 'warning')}:" if warnings else ""), warnings
    )


def knowledge_files_gone(gone: dict[str, list[str]], entries_in_service: int) -> Message:
    """Knowledge files that disappeared, and the entries /faq no longer answers with them:
    a file deleted by mistake (or a bad copy) would otherwise take entries away unseen."""
    names = ", ".join(Path(file).name for file in gone)
    lost = [entry_id for ids in gone.values() for entry_id in ids]
    one = len(gone) == 1
    text = (
        f"{names} {'is' if one else 'are'} gone from the knowledge files, and with "
        f"{'it' if one else 'them'} {counted(len(lost), 'entry')} "
        f"that /faq no longer answers ({entries_in_service} left). If that was a mistake, put the "
        "file back: the FAQ reads it again within seconds."
    )
    title = Mrkdwn(f":warning: {escape(text)}\n*No longer answered*")
    lines = [code(entry_id) for entry_id in lost]
    return message(text, bulleted(title, lines, shown=PROBLEMS_SHOWN, rest=""))


def playbooks_reload(problems: list[Problem]) -> Message:
    """What reading the playbooks again gave: in service, or refused and why."""
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        text = (
            "The playbooks have errors, so drafts, tone checks and roles still use the last "
            "good version. Fix these and reload:"
        )
        return _with_problems(text, errors)
    text = "Reloaded the playbooks." + (
        f" {counted(len(problems), 'warning')}:" if problems else ""
    )
    return _with_problems(text, problems)


def joined(*messages: Message) -> Message:
    # each text is a fallback that `message` escaped already: joined as they are
    return {
        "text": " ".join(m["text"] for m in messages),
        "blocks": [block for m in messages for block in m["blocks"]],
    }


def _with_problems(text: str, problems: list[Problem]) -> Message:
    """`text`, then the problems listed; a phone's notification (the message's text) names the
    first, where it is ("delivery.yaml:12: ..."), so that a lead away from a screen knows."""
    blocks = [section(text)]
    if not problems:
        return message(text, blocks)
    lines = [code(str(p)) for p in problems]
    check = Mrkdwn("Run ") + code("repbot check") + "."
    blocks += bulleted(Mrkdwn("Problems"), lines, shown=PROBLEMS_SHOWN, rest=check)
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    said = f"{text} {Path(first.file).name}:{first.line}: {first.message}{more}"
    return message(said, blocks)


# What the lead just did, shown above the refreshed list (Mrkdwn, escaped here).


def added_phrasing(
    question: str, entry_id: str, file: Path | None, left_open: tuple[tuple[str, MatchResult], ...]
) -> Mrkdwn:
    if file is None:
        done = Mrkdwn(f"{_curly(question)} is already a phrasing of {code(entry_id)}.")
    else:
        shown = code(file_shown(file))
        done = Mrkdwn(f"Added {_curly(question)} as a phrasing of {code(entry_id)} in {shown}.")
    done += _still_open([(q, r) for q, r in left_open if q != question])
    now = dict(left_open)
    return done + (not_answered_with(question, entry_id, now[question]) if question in now else "")


def added_entry(
    question: str, entry_id: str, file: Path, gap: Gap | None,
    left_open: tuple[tuple[str, MatchResult], ...], now: MatchResult,
) -> Mrkdwn:  # fmt: skip
    """`now`: how /faq answers the entry's own question, with the files as written."""
    shown = code(file_shown(file))
    done = Mrkdwn(f"Added the entry {code(entry_id)} ({_curly(question)}) to {shown}.")
    others = [(q, r) for q, r in left_open if q != question]
    if gap is not None and others and others[0][0] == gap.question:
        done += Mrkdwn(
            f" {_curly(gap.question)} is still not answered ({_what_faq_does(others[0][1])}), "
            "so its gap stays on the list (add it there as a phrasing of the entry if the "
            "answer is right for it)."
        )
        others = others[1:]
    return done + _still_open(others) + not_answered_with(question, entry_id, now)


def _still_open(left_open: list[tuple[str, MatchResult]]) -> Mrkdwn:
    """The gap's other wordings /faq still does not answer with the entry, with what it does."""
    if not left_open:
        return Mrkdwn("")
    named = Mrkdwn(" · ").join(
        _curly(q, 100) + Mrkdwn(" (") + _what_faq_does(result) + Mrkdwn(")")
        for q, result in left_open[:3]
    )
    more = f" and {len(left_open) - 3} more" if len(left_open) > 3 else ""
    return Mrkdwn(" Still not answered, so left on the list: ") + named + Mrkdwn(f"{more}.")


def _what_faq_does(now: MatchResult) -> Mrkdwn:
    best = now.matches[0] if now.matches else None
    if now.verdict == "answer" and best is not None:
        return Mrkdwn(f"/faq answers it with {code(best.entry.id)}, {best.score:.0f}% sure")
    if now.verdict == "suggest":
        return Mrkdwn("/faq asks “did you mean” between ") + _offered(now)
    return Mrkdwn("/faq has no good match for it")


def _offered(now: MatchResult) -> Mrkdwn:
    named = [code(s.entry.id) + f" ({s.score:.0f}%)" for s in now.offered]
    return Mrkdwn(", ").join(named[:-1]) + " and " + named[-1] if len(named) > 1 else named[0]


def not_answered_with(question: str, entry_id: str, now: MatchResult) -> Mrkdwn:
    """A warning after an addition, when /faq (having read the files again) still does not
    answer the question with the entry: another entry comes as close, or has its words too."""
    best = now.matches[0] if now.matches else None
    if now.verdict == "answer" and best is not None and best.entry.id == entry_id:
        return Mrkdwn("")
    asked = _curly(question, 100)
    if now.verdict == "answer" and best is not None:
        told = Mrkdwn(
            f"/faq still answers {asked} with {code(best.entry.id)} ({best.score:.0f}% sure), "
            f"not {code(entry_id)}: its words are closer to that entry's."
        )
    elif now.verdict == "suggest":
        told = Mrkdwn(
            f"/faq now asks “did you mean” for {asked}, between {_offered(now)}: another entry "
            "is asked this way too, or comes as close."
        )
    else:
        told = Mrkdwn(f"/faq still has no good match for {asked}.")
    return Mrkdwn("\n:warning: ") + told + " /kb try shows each entry with its file and line."


def ignored(question: str, count: int) -> Mrkdwn:
    return Mrkdwn(f"Ignored {_curly(question)} ({counted(count, 'question')}).")


def already_handled(resolution: tuple[str, str, str | None] | None) -> Mrkdwn:
    if resolution is None:
        return Mrkdwn(
            "That group has changed since the list was made; here is the list as it is now."
        )
    user_id, action, entry_id = resolution
    entry = code(entry_id or "")
    how = {"phrasing": f"added it as a phrasing of {entry}", "entry": f"made it the entry {entry}"}
    return Mrkdwn(f"{mention(user_id)} already {how.get(action, 'ignored it')}.")


def failed(reason: str) -> Mrkdwn:
    return Mrkdwn("Nothing was changed: ") + reason

"""Follow-ups, reminders and redirects as reps and teams see them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.cases.service import Case
from bot.cases.solutions import SolutionPolicy, describe
from bot.coaching.playbooks import WorkingHours
from bot.followups.redirects import (
    Packet,
    Redirect,
    Team,
    team_list,
    team_name,
    unknown_team,
)
from bot.followups.reminders import LATE_AFTER, Reminder
from bot.followups.service import Followup, Promised
from bot.followups.when import Due
from bot.shared import times
from bot.shared.db import existing
from bot.slack.blocks.base import (
    Message,
    Mrkdwn,
    actions,
    bulleted,
    button,
    context,
    escape,
    local_time,
    mention,
    message,
    note,
    section,
    sections,
    shorten,
    shown_at,
)
from bot.slack.blocks.cases import ago, contacts, promise_lines, tenure, waited
from bot.slack.blocks.due import due_time, missed, missed_in_words, said_with_weekday, why_moved
from bot.slack.blocks.faq import tried
from bot.slack.ids import Action, Block, numbered

LISTED = 20
DAY = timedelta(days=1)
UTC = ZoneInfo("UTC")


def followup_usage() -> Message:
    return note(
        "Usage: /followup <when> <what> [case], for example /followup tomorrow 10am call Maria "
        "back about her refund C-1042; /followup list; /followup done 12; "
        "/followup snooze 12 tomorrow 10am"
    )


def followup_which(verb: str) -> Message:
    """/followup done or snooze without the number of the follow-up it is for."""
    example = "done 12" if verb == "done" else "snooze 12 tomorrow 10am"
    return note(
        f"Which follow-up? Give its number after {verb}, like /followup {example}. "
        "/followup list shows yours with their numbers."
    )


def snooze_until(number: int) -> Message:
    """/followup snooze 12 without the time to move it to."""
    return note(
        f"Snooze F-{number} until when? Add the time after its number, like /followup snooze "
        f"{number} tomorrow 10am or /followup snooze {number} in 1h."
    )


def followup_no_promise(when_text: str) -> Message:
    """A time with nothing promised after it."""
    return note(
        f"What did you promise for {when_text}? For example /followup {when_text} call Maria "
        "back about her refund C-1042"
    )


def _case(followup: Followup) -> str:
    return f" · C-{followup.case_id}" if followup.case_id else ""


# Said of a promise due when its owner does not work: reminded then all the same (they chose
# the time), so they can move it if that is not what they meant.
OUT_OF_HOURS = "outside your working hours: you'll be reminded then"


def _aside(said: str, aside: str) -> str:
    """`aside` inside the parenthesis `said` ends with ("(5:00 AM your time, …)"), else in
    its own."""
    return f"{said[:-1]}, {aside})" if said.endswith(")") else f"{said} ({aside})"


def _due_said(
    followup: Followup, tz: ZoneInfo, now: datetime, due: Due | None,
    hours: WorkingHours | None,
) -> tuple[str, Mrkdwn]:  # fmt: skip
    """A due time the rep just gave (saved or snoozed), in plain words and as shown: with its
    weekday where `due` says so, and, given their working `hours`, that it falls outside
    them."""
    weekday = said_with_weekday(due)
    said, shown = due_time(followup.due_at, tz, now, followup.zone, weekday=weekday)
    if hours is not None and not hours.covers(followup.due_at.astimezone(tz)):
        return _aside(said, OUT_OF_HOURS), Mrkdwn(_aside(shown, OUT_OF_HOURS))
    return said, shown


def _promise_said(
    first: str, followup: Followup, tz: ZoneInfo, now: datetime, then: str, due: Due | None,
    hours: WorkingHours | None = None,
) -> Message:  # fmt: skip
    """A promise said back to the rep who just typed it, between `first` and `then` (our own
    words), due as they said it (in the zone they named, if any; with its weekday where `due`,
    as their words were read, fell on a day the floor does not work or moved to the next
    working day, and why it moved); and, given their working `hours`, that it falls outside
    them."""
    said, shown = _due_said(followup, tz, now, due, hours)
    why = why_moved(due, tz, now)
    return message(
        f"{first}{followup.what}{_case(followup)}, due {said}{why}{then}",
        sections(
            Mrkdwn(
                f"{first}{escape(followup.what)}{_case(followup)}, due {shown}{escape(why)}{then}"
            )
        ),
    )


def followup_saved(
    followup: Followup, tz: ZoneInfo, now: datetime, due: Due | None = None,
    hours: WorkingHours | None = None,
) -> Message:  # fmt: skip
    """A promise just saved, due as `due` read the rep's words; one outside the rep's working
    `hours` says so."""
    first = f"Follow-up F-{followup.id} saved: "
    then = ". I'll remind you before it is due."
    return _promise_said(first, followup, tz, now, then, due, hours)


def followup_retyped(
    promised: Promised, tz: ZoneInfo, now: datetime, due: Due | None = None,
    hours: WorkingHours | None = None,
) -> Message:  # fmt: skip
    """The same promise typed again at once: the one already saved, and that nothing more was;
    its due time said in the zone it was saved in, as the first reply said it."""
    followup = promised.followup
    ago_said = ago(existing(promised.earlier, f"when {followup.ref} was saved"))
    first = f"That's {followup.ref}, saved {ago_said}: "
    then = ". Nothing new was saved."
    return _promise_said(first, followup, tz, now, then, due, hours)


def promise_of_draft_saved(followup: Followup, tz: ZoneInfo, now: datetime) -> Mrkdwn:
    """Under a draft the rep used on a case: its promise, kept as a follow-up."""
    return Mrkdwn(
        f"Logged as sent. Its promise is follow-up F-{followup.id}: {escape(followup.what)}"
        f"{_case(followup)}, due {due_time(followup.due_at, tz, now, followup.zone)[1]}. I'll "
        "remind you before it is due."
    )


def followup_line(followup: Followup, tz: ZoneInfo, now: datetime | None = None) -> Mrkdwn:
    """One follow-up, as /followup list and the Home tab both show it, with its case; due on
    the customer's clock too where the rep named one; with `now`, marked when it is past due;
    when first due, if it was snoozed after that (`missed`)."""
    late = " *overdue*" if now and followup.status == "open" and followup.due_at < now else ""
    # Not as said back to the rep who just typed it (no `now`): on the reader's clock as Slack
    # shows it, as the case card and the `missed` after it say theirs, one style on a line.
    due = due_time(followup.due_at, tz, zone=followup.zone)[1]
    return Mrkdwn(
        f"F-{followup.id} · {due}{late}{missed(followup, tz)} · "
        f"{escape(shorten(followup.what, 150))}{_case(followup)}"
    )


def followup_list(followups: list[Followup], tz: ZoneInfo, now: datetime) -> Message:
    if not followups:
        return note("No open follow-ups. Promise something with /followup <when> <what>.")
    blocks = [section(Mrkdwn(f"*Your follow-ups* ({len(followups)} open)"))]
    for followup in followups[:LISTED]:
        blocks.append(section(followup_line(followup, tz, now)))
        blocks.append(_followup_buttons(followup))
    if len(followups) > LISTED:
        more = len(followups) - LISTED
        blocks.append(context(f"…and {more} more, due later: mark some done to see them here."))
    return message(f"Your follow-ups: {len(followups)} open", blocks)


def _followup_buttons(followup: Followup) -> dict:
    value = str(followup.id)
    return actions(
        numbered(Block.FOLLOWUP, followup.id),
        button("Done", Action.FOLLOWUP_DONE, value, "primary"),
        button("Snooze 1h", Action.FOLLOWUP_SNOOZE_HOUR, value),
        button("Snooze tomorrow", Action.FOLLOWUP_SNOOZE_TOMORROW, value),
    )


def reminder(
    reminder: Reminder, tz: ZoneInfo, now: datetime, teams: Mapping[str, Team],
    owner: str | None = None,
) -> Message:  # fmt: skip
    """A reminder for its recipient: the owner before and at the due time, the lead after,
    told whose promise it is (`owner`: the owner's name, as Slack gave it). Its notification
    says the due time before the promise, which a phone may cut short."""
    if reminder.kind == "unclaimed_redirect":
        redirect: Redirect = existing(reminder.redirect, f"the redirect of {reminder.id}")
        team = team_name(teams, redirect.team_id)
        # how long, as it may come the next working morning: in the notification, read as it
        # comes; the message says when it was sent as Slack shows it, which stays true when it
        # is read later, where an age fixed when it was sent would not
        since = f", {waited(now - redirect.created_at)} ago"
        text = (
            f"Nobody in {team} has taken C-{redirect.case_id} yet "
            f"(sent {times.at(redirect.created_at, tz)}{since})."
        )
        shown = Mrkdwn(
            f":hourglass: Nobody in {escape(team)} has taken C-{redirect.case_id} yet "
            f"(sent {local_time(redirect.created_at, tz)})."
        )
        return message(text, [section(shown)])
    followup: Followup = existing(reminder.followup, f"the follow-up of {reminder.id}")
    late = reminder.kind == "due" and now - followup.due_at >= LATE_AFTER
    due_now = "Past due" if late else "Due now"
    # the owner as the lead knows them, in words: a member id reads as a code on a phone
    whose = f"{owner}'s" if owner else "a rep's"
    # how long, as the lead hears of it in their working hours, maybe the next morning: in the
    # notification only, for the message beside the due time as Slack shows it is read later
    overdue = f"Overdue by {waited(now - followup.due_at)}"
    heading = {"before": "Coming up", "due": due_now, "overdue": f"{overdue}, {whose}"}[
        reminder.kind
    ]
    label = {
        "before": ":alarm_clock: Coming up",
        "due": f":alarm_clock: {due_now}",
        "overdue": f":warning: Overdue, owned by {mention(followup.owner_id)}",
    }[reminder.kind]
    blocks = [section(Mrkdwn(f"{label}: {followup_line(followup, tz)}"))]
    if reminder.kind != "overdue":
        blocks.append(_followup_buttons(followup))
    due_said = due_time(followup.due_at, tz, zone=followup.zone)[0]
    due = f"{due_said}{missed_in_words(followup, tz)}"
    fallback = f"{heading}: F-{followup.id} due {due} · {followup.what}"
    return message(fallback, blocks)


def followup_closed(
    followup: Followup, tz: ZoneInfo, done: str, *, for_owner: bool = True,
    now: datetime | None = None, due: Due | None = None, hours: WorkingHours | None = None,
) -> Message:  # fmt: skip
    """What became of a follow-up: `done` ("done", "snoozed") and, open still, when it is due
    now, and when it was first due if it was snoozed after that (`missed`). Not `for_owner` (a
    lead's overdue alert, as it is now), it names whose promise it is as the alert did; the
    notification text stays words, no member id. `now`: said back to the rep who just moved
    it, as `due_time` says it (with its weekday and why it moved where `due`, as their words
    were read, says so: `_promise_said`); on the customer's clock too where the promise has
    one; given the owner's working `hours`, as they just moved it, that it falls outside them
    (as `_promise_said` says it)."""
    text = f"F-{followup.id} {done}: {followup.what}{_case(followup)}"
    shown = Mrkdwn(f"F-{followup.id} {escape(done)}: {escape(followup.what)}{_case(followup)}")
    if followup.status == "open":
        if now is not None:
            due_said, due_shown = _due_said(followup, tz, now, due, hours)
        else:
            weekday = said_with_weekday(due)
            due_said, due_shown = due_time(followup.due_at, tz, zone=followup.zone, weekday=weekday)
        why = why_moved(due, tz, now) if now is not None else ""
        text += f", now due {due_said}{why}{missed_in_words(followup, tz)}"
        shown += Mrkdwn(f", now due {due_shown}") + escape(why) + missed(followup, tz)
    if not for_owner:
        shown += Mrkdwn(f" (owned by {mention(followup.owner_id)})")
    return message(text, sections(shown))


def redirect_usage(
    teams: dict[str, Team], unknown: str = "", case_id: int | None = None
) -> Message:
    """How to write it; with `unknown`, first that there is no such team (and the one meant);
    with `case_id` alone, which team the case should go to."""
    if unknown:
        said = f"{unknown_team(teams, unknown)} "
    elif case_id is not None:
        said = f"Which team should C-{case_id} go to? "
    else:
        said = ""
    return note(
        f"{said}Usage: /redirect <team> <case> [note for the team], for example "
        f"/redirect billing C-1042 she was charged twice. Teams: {team_list(teams)}"
    )


def packet_card(
    packet: Packet, team: Team, policy: SolutionPolicy, tz: ZoneInfo, today: date
) -> Message:
    """Everything the receiving team needs, so the customer never repeats themselves."""
    card = packet.case_card
    case = card.case
    lines = [
        f"*{escape(case.ref)} · {escape(case.customer.name)}* "
        f"({escape(tenure(case.customer, today))}) for {escape(team.name)}, from "
        f"{mention(packet.redirect.from_user)} · {escape(contacts(case))}",
        f"Topic: {escape(case.topic)}",
    ]
    if packet.question:
        lines.append(f"In the customer's words: {escape(shorten(packet.question, 300))}")
    if packet.rep_note:
        lines.append(f"Rep's note: {escape(packet.rep_note)}")
    blocks = sections(Mrkdwn("\n".join(lines)))
    faq_tried: list[str] = [tried(entry_id, entry, 300) for entry_id, entry in packet.faq_tried]
    for title, items in [
        ("Tried from the FAQ", faq_tried),
        ("Sent to the customer", [shorten(text, 300) for text in packet.drafts_sent]),
        ("Solutions", [f"{describe(policy, s)}: {s.status}" for s in packet.solutions]),
        ("Notes", [shorten(text, 300) for _, text, _ in packet.notes]),
        ("Promises", promise_lines(packet.promises)),
    ]:
        if items:
            blocks += bulleted(
                Mrkdwn(f"*{title}*"), items, shown=5, rest=f"/case {case.ref} shows the case."
            )
    if team.needs:
        blocks.append(context("This team needs: " + "; ".join(team.needs)))
    take = actions(
        numbered(Block.REDIRECT, packet.redirect.id),
        button("Take it", Action.REDIRECT_TAKE, str(packet.redirect.id), "primary"),
    )
    return message(f"{case.ref} redirected to {team.name}", [*blocks, take])


def packet_taken(
    taken: Redirect, packet: Packet | None, policy: SolutionPolicy, tz: ZoneInfo, today: date
) -> Message:
    """The packet as it is now, its Take button replaced by who took it; only who took it for
    a team since removed from teams.yaml (no `packet`)."""
    by = Mrkdwn(f"Taken by {mention(taken.taken_by or '')}.")
    if packet is None:
        return message(f"C-{taken.case_id} was taken.", [context(by)])
    card = packet_card(packet, packet.team, policy, tz, today)
    blocks = [block for block in card["blocks"] if block.get("type") != "actions"]
    return {"text": card["text"], "blocks": [*blocks, context(by)]}


def redirect_taken(redirect: Redirect, team: str) -> Message:
    """What the case's owner, and the rep who sent it, hear when someone in the team takes it:
    who, and which team, for a rep may have sent several."""
    said = f"C-{redirect.case_id} was taken by {team}"
    text = escape(said) + Mrkdwn(" (") + mention(redirect.taken_by or "") + "); it is theirs now."
    return message(f"{said}; it is theirs now.", sections(text))


def packet_withdrawn(redirect: Redirect, case: Case, team: str) -> Message:
    """A packet nobody took once its case was closed: who closed it and when, and no Take
    button, so nobody in the team picks up a closed case."""
    withdrawn_by, withdrawn_at = redirect.withdrawn_by or "", redirect.withdrawn_at
    text = (
        Mrkdwn(f"*{escape(case.ref)} · {escape(case.customer.name)}* for {escape(team)}, from ")
        + mention(redirect.from_user)
        + Mrkdwn(": *withdrawn*. ")
        + mention(withdrawn_by)
        + Mrkdwn(" closed the case")
        + (Mrkdwn(" ") + shown_at(withdrawn_at) if withdrawn_at else Mrkdwn(""))
        + ", so there is nothing to take."
    )
    return message(
        f"{case.ref} redirect to {team} withdrawn: the case was closed, so there is nothing to "
        "take.",
        sections(text),
    )


def redirected(team: Team, sent: Redirect, case_ref: str, customer_message: str) -> Message:
    """What the rep who sent a case hears: who owns it until the team takes it (they, or
    whoever took it from a team before), and what to tell the customer."""
    said = f"{case_ref} sent to {team.name} with its whole history. "
    if sent.case_owner == sent.from_user:
        shown, in_words = Mrkdwn("You own"), "You own"
    else:  # the notification says it in words, without a member id
        shown, in_words = mention(sent.case_owner) + " owns", "Its owner keeps"
    headline = escape(said) + shown + " it until they take it."
    return message(
        f"{said}{in_words} it until they take it. {customer_message}",
        [*sections(headline), *sections(Mrkdwn("*For the customer:*\n") + customer_message)],
    )


def redirect_sent_on(sent: Redirect, case_ref: str, team: Team) -> Message:
    """What a case's owner hears when someone else sends it to a team: who, to which team,
    and that it stays theirs until the team takes it."""
    stays = f"to {team.name} with its whole history; it stays yours until they take it."
    text = mention(sent.from_user) + Mrkdwn(" sent your case ") + f"{case_ref} {stays}"
    return message(f"Your case {case_ref} was sent {stays}", sections(text))

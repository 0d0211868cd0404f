"""Redirects: a case handed to another team with everything the customer already told us, so
they never have to repeat it. The teams, their channels and what each needs to know come from
`playbooks/teams.yaml`.

The case stays owned by whoever owned it when it was sent (the rep who sent it, or the one
who took it from a team before) until someone in the team takes it (the first click wins);
if nobody has taken it within the team's `take_within`, the sender, the owner and the team's
lead are reminded, once each. A case waits for one team at a time, and closing it withdraws
the redirect nobody has taken."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BeforeValidator, Field
from rapidfuzz import fuzz, process

from bot.cases import audit
from bot.cases.card import CaseCard, case_card
from bot.cases.service import case_owner, open_case, set_case_owner
from bot.cases.solutions import SolutionRecord
from bot.coaching.drafts import due_time, promise_text
from bot.coaching.playbooks import Within, WorkingHours
from bot.coaching.service import case_drafts
from bot.faq.knowledge import Entry
from bot.followups import queries as followups_db
from bot.followups.service import Followup, case_followups
from bot.shared.clock import iso
from bot.shared.content import (
    Problem,
    Shape,
    Text,
    check_shape,
    item_nodes,
    line_of,
    load_shape,
)
from bot.shared.db import Store, existing
from bot.shared.refusal import Code, Refusal
from bot.shared.roles import ChannelId, UserId

FILE_NAME = "teams.yaml"
# rapidfuzz ratio from which words that name no team are taken for a typo of one: "biling" is
# 92 from billing, "customer" 76 from Customer care; "care" is 73 from charges, and is no typo.
CLOSE_TEAM = 75
TEAM_ID = re.compile(r"^[a-z][a-z0-9_-]*$")
DURATION = re.compile(r"^(?:(\d+)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*m(?:in(?:utes?|s)?)?)?$")
MAX_NOTE = 3000  # a Slack section holds 3,000 characters


class RedirectError(Refusal):
    """A redirect or take that cannot go ahead (for one already taken or sent: who and when)."""


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    channel: str  # Slack channel id
    lead: str  # Slack user id
    needs: tuple[str, ...]  # what the team needs to know
    take_within: timedelta  # how long a redirect may wait before the rep and lead hear of it
    reply_within: str  # "2 working hours", as the lead wrote it
    aliases: tuple[str, ...] = ()
    source: str = ""  # "file:line"

    def reply_hours(self, hours: WorkingHours) -> float:
        """Working hours until the customer hears back."""
        return hours.hours_in(self.reply_within)


@dataclass(frozen=True)
class Redirect:
    id: int
    case_id: int
    from_user: str
    team_id: str
    note: str
    status: str  # "waiting", "taken" or "withdrawn" (its case was closed first)
    taken_by: str | None
    taken_at: datetime | None
    created_at: datetime
    remind_at: datetime  # when the rep and the lead hear it is still waiting
    reply_by: datetime  # what the customer was told: they hear back by then
    team_lead: str  # as teams.yaml named them when it was sent
    # Who owned the case when it was sent: theirs until the team takes it
    case_owner: str
    withdrawn_by: str | None = None  # who closed its case, for a withdrawn one
    withdrawn_at: datetime | None = None

    @property
    def ref(self) -> str:
        return f"R-{self.id}"

    @property
    def told(self) -> tuple[str, ...]:
        """Who hears what becomes of it: the case's owner when it was sent, and its sender
        when that was someone else."""
        return tuple(dict.fromkeys((self.case_owner, self.from_user)))


@dataclass(frozen=True)
class Packet:
    """What the receiving team sees: everything the customer should not have to say again."""

    redirect: Redirect
    team: Team
    case_card: CaseCard
    # The customer's own words: their last message a draft was written for on the case; None
    # when there is none (the topic is the rep's words, not theirs) or retention emptied it.
    question: str | None
    # The FAQ entries the rep drafted from for this case, by id, each with the entry while the
    # FAQ still has it
    faq_tried: list[tuple[str, Entry | None]]
    drafts_sent: list[str]  # the drafts the rep used on this case
    solutions: list[SolutionRecord]
    notes: list[tuple[str, str, str]]  # (user id, text, time)
    promises: list[Followup]  # open follow-ups on the case
    contact_count: int  # on the matter: the case's and those of the closed cases it follows
    rep_note: str


# Loading and checking the teams.


def _duration(value: object) -> timedelta:
    match = DURATION.match(value.strip().lower()) if isinstance(value, str) else None
    if match is None or not (match[1] or match[2]) or not int(match[1] or 0) + int(match[2] or 0):
        raise ValueError(f'{value!r} does not read like "30m", "1h" or "1h30m"')
    return timedelta(hours=int(match[1] or 0), minutes=int(match[2] or 0))


def _team_id(value: str) -> str:
    if not TEAM_ID.match(value):
        raise ValueError(f"{value!r} must be one lower-case word")
    return value


class TeamShape(Shape):
    id: Annotated[str, AfterValidator(_team_id)]
    name: Text = Field(description="the team's name as customers hear it")
    aliases: list[Text] = Field(default_factory=list, description="a list of words")
    channel: ChannelId
    lead: UserId
    needs: list[Text] = Field(min_length=1, description="a list of what the team needs to know")
    take_within: Annotated[timedelta, BeforeValidator(_duration)]
    reply_within: Within


# Each team is checked on its own, so that every mistake is named, team by team.
class TeamsFile(Shape):
    teams: list[object] = Field(min_length=1, description="a list of teams")


def load_teams(playbooks_dir: str | Path) -> tuple[dict[str, Team], list[Problem]]:
    """The teams by id, and every problem as file:line. Without the file there are no teams,
    which is a warning: everything else works, /redirect says there is nowhere to send."""
    path = Path(playbooks_dir) / FILE_NAME
    name = str(path)
    if not path.is_file():
        return {}, [Problem(name, 0, "file not found: /redirect has no teams", "warning")]
    problems: list[Problem] = []
    loaded = load_shape(path, TeamsFile, problems)
    if loaded is None:
        return {}, problems
    content, root = loaded
    teams: dict[str, Team] = {}
    words: dict[str, str] = {}  # every id, name and alias, folded -> the team it names
    for item, node in zip(content.teams, item_nodes(root, "teams"), strict=True):
        team_id = item.get("id") if isinstance(item, dict) else None
        label = f"team {team_id!r}: " if team_id else "team: "
        shaped = check_shape(item, node, TeamShape, name, problems, label)
        if shaped is None:
            continue
        if shaped.id in teams:
            problems.append(Problem(name, line_of(node), f"duplicate team id {shaped.id!r}"))
            continue
        team = Team(
            id=shaped.id, name=shaped.name, channel=shaped.channel, lead=shaped.lead,
            needs=tuple(shaped.needs), take_within=shaped.take_within,
            reply_within=shaped.reply_within, aliases=tuple(shaped.aliases),
            source=f"{name}:{line_of(node)}",
        )  # fmt: skip
        for word in {
            team.id.casefold(),
            team.name.casefold(),
            *(a.casefold() for a in team.aliases),
        }:
            if words.get(word, team.id) != team.id:
                message = f"team {team.id!r}: {word!r} already names team {words[word]!r}"
                problems.append(Problem(name, line_of(node), message))
            words.setdefault(word, team.id)
        teams[team.id] = team
    return teams, problems


def _folded(text: str) -> str:
    return " ".join(text.strip().lstrip("#").split()).casefold()


def _words(team: Team) -> set[str]:
    return {team.id.casefold(), team.name.casefold(), *map(str.casefold, team.aliases)}


def find_team(teams: Mapping[str, Team], text: str) -> Team | None:
    """The team a rep means, by id, name or alias, ignoring case and a leading '#'."""
    wanted = _folded(text)
    return next((team for team in teams.values() if wanted in _words(team)), None)


def closest_team(teams: Mapping[str, Team], text: str) -> Team | None:
    """The team a rep most likely meant by words that name none: a typo of an id, name or
    alias ("biling", "retrun", "app suport"), or most of one ("customer" for Customer care)."""
    by_word = {word: team for team in teams.values() for word in _words(team)}
    words = list(by_word)
    best = process.extractOne(_folded(text), words, scorer=fuzz.ratio, score_cutoff=CLOSE_TEAM)
    return by_word[best[0]] if best else None


def unknown_team(teams: Mapping[str, Team], text: str) -> str:
    """ "There is no team 'biling'. Did you mean billing?": what a rep is told of a team that
    does not exist, with the one they likely meant (its id, what they type) when one is close."""
    said = f"There is no team {text!r}."
    if (close := closest_team(teams, text)) is None:
        return said
    # its name too where the id alone would puzzle: "retention (Customer care)" for "customer"
    named = "" if close.name.casefold() == close.id.casefold() else f" ({close.name})"
    return f"{said} Did you mean {close.id}{named}?"


def team_name(teams: Mapping[str, Team], team_id: str) -> str:
    """A team as people call it ("App support"); its id for a team since removed from the file."""
    team = teams.get(team_id)
    return team.name if team else team_id


def team_list(teams: Mapping[str, Team]) -> str:
    """ "billing (Billing), deliveries (Deliveries), ..." for a rep who named no known team."""
    listed = ", ".join(f"{team.id} ({team.name})" for team in teams.values())
    return listed or "none: add them to playbooks/teams.yaml"


# Sending, taking and reminding.


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def redirect_from_row(row: dict) -> Redirect:
    return Redirect(
        row["id"], row["case_id"], row["from_user"], row["team_id"], row["note"], row["status"],
        row["taken_by"], _time(row["taken_at"]), datetime.fromisoformat(row["created_at"]),
        datetime.fromisoformat(row["remind_at"]), datetime.fromisoformat(row["reply_by"]),
        row["team_lead"], row["case_owner"], row["withdrawn_by"], _time(row["withdrawn_at"]),
    )  # fmt: skip


def get_redirect(store: Store, redirect_id: int) -> Redirect | None:
    row = followups_db.redirect_row(store, redirect_id)
    return redirect_from_row(row) if row else None


def waiting_redirects(store: Store) -> list[Redirect]:
    """Redirects nobody has taken yet, the oldest first (a lead's App Home)."""
    return [redirect_from_row(row) for row in followups_db.waiting_redirects(store)]


def first_draft_by_entry(drafts: list[dict]) -> dict[str, dict]:
    """The FAQ entries a case's drafts (oldest first) were written from, each with the first
    draft of it: what the rep tried from the FAQ, in the order they tried it."""
    first: dict[str, dict] = {}
    for draft in drafts:
        if draft["entry_id"]:
            first.setdefault(draft["entry_id"], draft)
    return first


def packet(
    store: Store,
    team: Team,
    redirect: Redirect,
    faq_entries: Mapping[str, Entry] | None = None,
) -> Packet:
    """The context a team gets. What the rep tried is found through the drafts written for
    the case: their FAQ entries (with question and answer when `faq_entries` has them) and
    the ones the rep used."""
    card = existing(case_card(store, redirect.case_id), f"case C-{redirect.case_id}")
    drafts = case_drafts(store, card.case.ref)
    faq_tried = [(entry_id, (faq_entries or {}).get(entry_id)) for entry_id in
                 first_draft_by_entry(drafts)]  # fmt: skip
    question = (drafts[-1]["message"] or None) if drafts else None
    return Packet(
        redirect=redirect, team=team, case_card=card, question=question,
        faq_tried=faq_tried,
        drafts_sent=[draft["text"] for draft in drafts if draft["used_at"]],
        solutions=card.solutions, notes=card.notes,
        promises=case_followups(store, redirect.case_id),
        contact_count=card.case.matter_contacts, rep_note=redirect.note,
    )  # fmt: skip


def customer_message(team: Team, redirect: Redirect, tz: ZoneInfo) -> str:
    """What the rep tells the customer: who has it, that they need not repeat anything, and
    when they will hear back (as promised when it was sent, so a retry says the same)."""
    local_sent = redirect.created_at.astimezone(tz)
    when = promise_text(redirect.reply_by.astimezone(tz), local_sent)
    return (
        f"I've passed this to our {team.name} team with everything you've told me, so you "
        f"won't need to repeat any of it. They'll get back to you {when}."
    )


def redirect(
    store: Store,
    teams: Mapping[str, Team],
    *,
    case_id: int,
    team_id: str,
    from_user: str,
    note: str,
    request_key: str | None,
    tz: ZoneInfo,
    hours: WorkingHours,
    faq_entries: Mapping[str, Entry] | None = None,
) -> tuple[Redirect, Packet, str]:
    """Hand an open case to a team: the redirect (waiting), the packet for the team's channel
    and the message for the customer. One transaction with its audit row; a retried request
    returns the first redirect. Raises RedirectError (unknown team, already waiting for a team
    to take it, note too long) or CaseError (unknown or closed case); nothing is stored
    then."""
    team = find_team(teams, team_id)
    if team is None:
        raise RedirectError(f"{unknown_team(teams, team_id)} Teams: {team_list(teams)}.")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise RedirectError(f"That note is {len(note)} characters; keep it under {MAX_NOTE}.")
    with store.transaction() as db:
        if request_key and (row := followups_db.redirect_by_request(store, request_key)):
            sent = redirect_from_row(row)
            sent_team = teams.get(sent.team_id, team)
            return (
                sent,
                packet(store, sent_team, sent, faq_entries),
                customer_message(sent_team, sent, tz),
            )
        case = open_case(store, case_id)
        for waiting in map(redirect_from_row, followups_db.waiting_redirects(store, case_id)):
            _one_team_at_a_time(case.ref, team, waiting, team_name(teams, waiting.team_id))
        now = store.clock.now()
        reply_by = due_time(hours, now.astimezone(tz), team.reply_hours(hours))
        redirect_id = followups_db.insert_redirect(store,
            {"case_id": case.id, "from_user": from_user, "team_id": team.id,
             "team_lead": team.lead, "case_owner": case.owner_id, "note": note,
             "status": "waiting",
             "remind_at": iso(now + team.take_within), "reply_by": iso(reply_by),
             "request_key": request_key}
        )  # fmt: skip
        audit.append(
            db, actor=from_user, action="redirect.sent", subject=f"R-{redirect_id}",
            details={"case": case.ref, "team": team.id, "reply_by": iso(reply_by)},
            at=store.now(), customer=case.customer.ref, personal={"note": note},
        )  # fmt: skip
        sent = existing(get_redirect(store, redirect_id), f"redirect R-{redirect_id}")
        return sent, packet(store, team, sent, faq_entries), customer_message(team, sent, tz)


def _one_team_at_a_time(case_ref: str, team: Team, waiting: Redirect, waiting_for: str) -> None:
    """Refuse to send a case that still waits for a team (`waiting`, for `waiting_for`) to
    take it: two teams would each think it theirs, and the customer hear from both."""
    if waiting.team_id == team.id:
        words: tuple[str, ...] = (f"{case_ref} is already waiting for {team.name}: ",)
    else:
        words = (
            f"{case_ref} is already waiting for {waiting_for} to take it, so nothing was sent "
            f"to {team.name}: a case goes to one team at a time. Once {waiting_for} has taken "
            "it, it can be sent on with ",
            Code(f"/redirect {team.id} {case_ref}"),
            ". ",
        )
    raise RedirectError((*words, f"{waiting.ref} was sent"), waiting.from_user, waiting.created_at)


def withdraw_waiting(store: Store, case_id: int, user_id: str) -> list[Redirect]:
    """Withdraw the redirects of a case `user_id` is closing that nobody has taken, each with
    its audit row: there is nothing left for the team to take. The withdrawn, as they are
    now."""
    withdrawn = []
    with store.transaction() as db:
        for row in followups_db.waiting_redirects(store, case_id):
            waiting = redirect_from_row(row)
            followups_db.withdraw_redirect(store, waiting.id, user_id, store.now())
            audit.append(
                db, actor=user_id, action="redirect.withdrawn", subject=waiting.ref,
                details={"case": f"C-{case_id}", "team": waiting.team_id}, at=store.now(),
                customer=audit.customer_of_case(store, case_id),
            )  # fmt: skip
            withdrawn.append(existing(get_redirect(store, waiting.id), waiting.ref))
    return withdrawn


def take(store: Store, redirect_id: int, user_id: str) -> Redirect:
    """Take a waiting redirect: the first taker wins and the case becomes theirs. Taking it
    again (a retried click) returns it; anyone else hears who took it and when. The rep who
    sent it is no taker: the case is its owner's until the team takes it."""
    with store.transaction() as db:
        found = get_redirect(store, redirect_id)
        if found is None:
            raise RedirectError(f"There is no redirect R-{redirect_id}.")
        if found.status == "taken":
            if found.taken_by == user_id:
                return found
            raise RedirectError(f"{found.ref} was already taken", found.taken_by, found.taken_at)
        if found.status == "withdrawn":
            raise RedirectError(
                f"C-{found.case_id} was closed, so {found.ref} was withdrawn and there is "
                "nothing to take. It was closed",
                found.withdrawn_by,
                found.withdrawn_at,
            )
        if found.from_user == user_id:
            whose = "yours" if found.case_owner == user_id else "its owner's"
            raise RedirectError(
                f"You sent C-{found.case_id} to this team yourself: someone in the team takes "
                f"it, and it stays {whose} until then."
            )
        previous_owner = case_owner(store, found.case_id)
        followups_db.take_redirect(store, found.id, user_id, store.now())  # waiting, checked above
        set_case_owner(store, found.case_id, user_id)
        audit.append(
            db, actor=user_id, action="redirect.taken", subject=found.ref,
            details={"case": f"C-{found.case_id}", "team": found.team_id,
                     "previous_owner": previous_owner},
            at=store.now(), customer=audit.customer_of_case(store, found.case_id),
        )  # fmt: skip
        return existing(get_redirect(store, found.id), found.ref)

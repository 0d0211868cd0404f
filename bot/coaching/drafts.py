"""`/draft`: a can-do reply to a customer's message, built from the playbook situation of the
best FAQ match: empathy for how they feel, their problem named in a few words (from the
playbook situation, or taken from the message), what we can do, and a next step with a time
inside working hours. A message that only thanks us or says the matter is settled gets a short
closing instead, which promises nothing (bot.coaching.closing)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.coaching.closing import Closing, closing_of
from bot.coaching.emotion import detect_emotion
from bot.coaching.playbooks import (
    ALIASES,
    PLACEHOLDER,
    STYLES,
    Playbooks,
    Situation,
    WorkingHours,
    closing_context,
    render_context,
)
from bot.faq.knowledge import Entry
from bot.faq.pleasantries import without_pleasantries
from bot.shared.english import language_of
from bot.shared.refusal import Refusal

# Naming the customer's problem in a few words ("your missing box"): the words that may open
# it, and how the reply says them; a reply says "your" where the customer said "my".
DETERMINERS = {
    "my": "your", "your": "the", "our": "the", "the": "the", "this": "the", "that": "the",
    "a": "the", "an": "the",
}  # fmt: skip
PHRASE_WORDS = 3  # after the determiner: "visa credit card", never a whole clause
# A word: letters of any alphabet ("Café"), with apostrophes, hyphens and combining accents.
TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|['\-\u0300-\u036f])*")
ASKING_WORDS = "is isnt was wasnt are arent does doesnt did didnt has hasnt have havent"
ASKING = frozenset(ASKING_WORDS.split())
# A thing named by a verb and its particle: "my top up", "the sign in page".
COMPOUND = re.compile(
    r"\b(top|sign|log|check|set|pick|drop|roll|start|back|call|print|read)"
    r" (up|in|on|out|off|down|back)\b",
    re.IGNORECASE,
)
NO_TOPIC = "this"  # when nothing good can be named, rather than a bad quote
# Words that say when, not what: the thing after them is the customer's deadline or occasion
# ("I hope it arrives before the wedding"), no problem to name back.
WHEN_WORDS = (
    ("before",), ("after",), ("until",), ("till",), ("by",), ("during",), ("since",),
    ("ahead", "of"), ("in", "time", "for"),
)  # fmt: skip
# Words that end a thing's name: verbs, adverbs and the little words between.
NOT_NOUN_WORDS = """
    i me you he she it we they them us is are was were be been being am has have had do does
    did will would can could shall should may might must not no never still just again also
    already only even ever now then today yesterday tomorrow tonight here there where when why
    how what which who that this these those and or but so because if as than of to for from
    with without on in at by about into onto over under after before since until up down out
    between through via across against within per during including like near around behind
    off very really so too ago keeps keep kept gets get got goes go went comes come came says
    say said shows show seems seem looks look needs need wants want takes take took works work
    fails fail crashes stopped ships ship arrives arrive turns turn leaves expires expire
    renews renew loads opens sends send lands isnt arent wasnt werent hasnt havent hadnt doesnt
    dont didnt wont cant cannot couldnt wouldnt shouldnt its im ive id ill youre theyre whats
    thats theres a an the my your our their his her its some any all every each both more most
    same other
"""
NOT_NOUNS = frozenset(NOT_NOUN_WORDS.split())
# Things that are no problem to name back: times, people, and words about the contact itself.
NOT_TOPIC_WORDS = """
    time times week weeks day days month months year years hour hours minute minutes moment
    morning mornings afternoon afternoons evening evenings night nights weekend weekends
    today tonight tomorrow yesterday fortnight monday tuesday wednesday thursday friday
    saturday sunday
    while lot bit way end rest thing things stuff one ones first second third last worst best
    whole question questions problem problems issue issues query matter complaint help joke
    shame disgrace nightmare mess company service team people person customer customers mum mom
    dad son daughter husband wife partner kids children child baby friend family mother father
    boss colleague neighbour neighbor name reply response message email call chat number
"""
NOT_TOPICS = frozenset(NOT_TOPIC_WORDS.split())
# A problem named whole, whatever the message calls the thing.
WHOLE_PROBLEMS = (
    (
        "the double charge",
        re.compile(
            r"\b(charged (me |us )?(twice|two times|double)|double[- ]charged?|"
            r"(two|2|duplicate|double) (charges|payments|debits)|(charge|payment|debit)s? twice)\b"
        ),
    ),
)
# What state the thing is in, said before its name: "your missing box".
STATES = (
    (
        "missing",
        re.compile(
            r"\b(never (arrived|came|come|turned up|showed up|got here|got to me|received|"
            r"delivered|appeared)|(hasnt|hadnt|didnt|has not|did not|not|yet to) "
            r"(arrived?|come|turned up|shown up|showed up|been delivered|got here|"
            r"been received)|missing|gone astray|got lost|lost in the post)\b"
        ),
    ),
    (
        "damaged",
        re.compile(r"\b(damaged|broken|smashed|crushed|cracked|dented|torn|leaking|shattered)\b"),
    ),
    ("late", re.compile(r"\b(late|delayed|overdue)\b")),
)
NAME_CHARS = 40
ROUND_TO_MINUTES = 30  # promises read "by 10:30 am", not "by 10:17 am"
NO_WORDS = (
    "There are no words in that message to reply to (only emoji or symbols). "
    "Paste what the customer wrote and I'll draft a reply."
)
NOT_ENGLISH = (
    "That message looks like it's in another language, and drafts are written in English. "
    "Paste an English version of it and I'll draft a reply from that."
)
EMPTY = "Paste the customer's message after /draft and I'll write a reply."
CLOSING = "closing"  # a closing's situation, as the drafts table and the rep see it


@dataclass(frozen=True)
class Draft:
    text: str
    situation: str
    emotion: str
    cues: tuple[str, ...]
    style: str
    version: int
    due: datetime | None  # the promised time (aware, UTC); None for a closing
    promise: str | None  # e.g. "by 3 pm tomorrow" as written in the draft; None for a closing
    closing: Closing | None = None  # what the customer said, when they only closed the matter


class CannotDraft(Refusal):
    """The message is a polite, plain note for the rep."""


def draft_reply(
    playbooks: Playbooks,
    message: str,
    *,
    entry: Entry | None,
    now: datetime,
    tz: ZoneInfo,
    customer_name: str | None = None,
    case_id: str | None = None,
    style: str = "standard",
    version: int = 0,
    synonyms: Mapping[str, Sequence[str]] | None = None,
) -> Draft:
    """A draft for `message`; raises CannotDraft for text it cannot work with."""
    text = message.strip()
    if not text:
        raise CannotDraft(EMPTY)
    if style not in STYLES:
        raise CannotDraft(f"Choose a style from {', '.join(STYLES)}; {style!r} is not one of them.")
    check_language(text)
    reading = detect_emotion(text)
    name, case = _plain(customer_name, NAME_CHARS), _plain(case_id, NAME_CHARS)
    closing = closing_of(text)
    if closing is not None:  # whatever the FAQ matched: there is nothing left to answer
        context = closing_context(customer_name=name, case_id=case, thanked=closing.thanked,
                                  settled=closing.settled, version=version)  # fmt: skip
        return Draft(
            text=_tidy(playbooks.closing_template(style).render(context)),
            situation=CLOSING, emotion=reading.emotion, cues=reading.cues, style=style,
            version=version, due=None, promise=None, closing=closing,
        )  # fmt: skip
    situation = playbooks.situation_for(entry, text)
    fill = _in_their_words(situation, text, synonyms)
    lines = playbooks.empathy_lines(situation, reading.emotion)
    options = [fill(option) for option in situation.options]
    turn = version % len(options)  # another version offers the same options in another order
    local_now = now.astimezone(tz)
    due = due_time(playbooks.working_hours, local_now, situation.within_hours)
    promise = promise_text(due, local_now)
    context = render_context(
        customer_name=name,
        case_id=case,
        empathy=lines[version % len(lines)],
        problem=fill(situation.problem),
        options=options[turn:] + options[:turn],
        next_step=fill(situation.next_step),
        promise=promise,
        version=version,
    )
    rendered = playbooks.template(situation, style).render(context)
    return Draft(
        text=_tidy(rendered),
        situation=situation.id,
        emotion=reading.emotion,
        cues=reading.cues,
        style=style,
        version=version,
        due=due.astimezone(UTC),
        promise=promise,
    )


def _in_their_words(
    situation: Situation, message: str, synonyms: Mapping[str, Sequence[str]] | None
) -> Callable[[str], str]:
    """Fills a situation's words for a reply to `message`: {thing} as the customer calls it,
    {topic} their problem named in a few words."""
    values = {
        "thing": customer_word(message, situation.thing, synonyms or {}),
        "topic": topic(message),
    }

    def fill(template: str) -> str:
        # One pass, so nothing in the customer's words is ever read as a placeholder.
        return PLACEHOLDER.sub(lambda match: values[ALIASES.get(match[1], match[1])], template)

    return fill


def next_step(
    playbooks: Playbooks, situation_id: str, message: str,
    synonyms: Mapping[str, Sequence[str]] | None = None,
) -> str | None:  # fmt: skip
    """What a draft for `message` in this situation promised to do by its time, as it said it
    ("I'll update you on where your parcel is"); None for a closing, which promises nothing,
    or a situation the playbooks no longer have."""
    situation = playbooks.situation(situation_id)
    if situation is None or situation_id == CLOSING:
        return None
    return _in_their_words(situation, message.strip(), synonyms)(situation.next_step)


def check_language(text: str) -> None:
    """Raise CannotDraft for text with no letters, or that is not English."""
    found = language_of(text)
    if found != "english":
        raise CannotDraft(NO_WORDS if found == "none" else NOT_ENGLISH)


def customer_word(message: str, thing: str, synonyms: Mapping[str, Sequence[str]]) -> str:
    """The customer's word for the thing ("parcel" for box), the first one they used; the
    situation's own word when they used none."""
    if not thing:
        return ""
    candidates = [thing, *(word for word in synonyms.get(thing, ()) if _speakable(word))]
    folded = message.lower()
    found = []
    for word in candidates:
        match = re.search(rf"\b{re.escape(word)}s?\b", folded)
        if match:
            found.append((match.start(), word))
    return min(found)[1] if found else thing


def _speakable(word: str) -> bool:
    """Abbreviations (pkg, pw, acct) read oddly when said back to a customer; so do phrases
    like "took money" that are not names of a thing."""
    return word.isalpha() and len(word) >= 3 and any(c in "aeiouy" for c in word[1:])


def topic(message: str) -> str:
    """The customer's problem named in a few words, for the reply to say back: "your missing
    box", "the app", "the double charge"; "this" when nothing good can be taken from the
    message. Never a quote: the reply names the problem, it does not repeat the message. Its
    greeting, well-wishing and sign-off are no problem: "I hope this finds you well" names no
    "finds", and a message of courtesies alone is "this"."""
    said = without_pleasantries(message)
    # "&" joins two things as "and" does: "my box & bag" is not a "box bag"
    flat = " ".join(said.replace("’", "'").replace("&", " and ").split())
    flat = COMPOUND.sub(r"\1-\2", flat)
    bare = flat.lower().replace("'", "")
    for name, pattern in WHOLE_PROBLEMS:
        if pattern.search(bare):
            return name
    letters = [c for c in flat if c.isalpha()]
    shouted = sum(c.isupper() for c in letters) * 2 > len(letters)
    words = [
        Word(m[0].replace("'", "").lower(), m[0].lower() if shouted else m[0], m[0].endswith("'s"))
        for m in TOKEN.finditer(flat)
    ]
    for index, word in enumerate(words):
        if word.key not in DETERMINERS or _says_when(words, index):
            continue
        # After "why isn't", "is", "when is": the thing is asked about, and a word in -ing
        # after it is what it does ("why isn't my top-up showing").
        asked = index > 0 and words[index - 1].key in ASKING
        phrase = _noun_phrase(words[index + 1 : index + 1 + PHRASE_WORDS], asked)
        if not phrase:
            continue
        if word.key == "my":
            # The state of the customer's own thing, said after it: "my box never came".
            after = " ".join(later.key for later in words[index:])
            state = next((name for name, pattern in STATES if pattern.search(after)), None)
            if state and state not in phrase:
                phrase = [state, *phrase]
        return " ".join([DETERMINERS[word.key], *phrase])
    return NO_TOPIC


@dataclass(frozen=True)
class Word:
    key: str  # lower case, no apostrophes: "hasnt"
    shown: str  # as typed ("SIM"), or in lower case when the whole message is shouted
    possessive: bool  # "daughter's"


def _says_when(words: list[Word], index: int) -> bool:
    """Whether the words just before `index` say when ("before", "in time for"): what follows
    is when the customer needs it, not what went wrong."""
    keys = [word.key for word in words[:index]]
    return any(tuple(keys[-len(when) :]) == when for when in WHEN_WORDS)


def _noun_phrase(words: list[Word], asked: bool = False) -> list[str]:
    """The words after a determiner that name a thing ("box", "credit card"), stopping at the
    first that does not (a verb, an adverb); empty when the thing is no problem a reply can
    name ("the third time", "my daughter's party")."""
    phrase: list[Word] = []
    for word in words:
        key = word.key
        verb_like = ("ed", "ly", "ing") if asked else ("ed", "ly")
        if key in NOT_NOUNS or len(key) < 2 or (phrase and key.endswith(verb_like)):
            break
        if word.possessive:  # someone else's thing: "my daughter's party"
            return []
        phrase.append(word)
    if not phrase or {phrase[0].key, phrase[-1].key} & NOT_TOPICS:
        return []
    return [word.shown for word in phrase]


def due_time(hours: WorkingHours, local_now: datetime, within_hours: float) -> datetime:
    """`within_hours` of working time from now, rounded up to a half hour (in the rep's zone)
    but never past closing time."""
    due = hours.add(local_now, within_hours)
    past = (due.minute % ROUND_TO_MINUTES) * 60 + due.second + due.microsecond / 1e6
    if past:
        due = due.replace(second=0, microsecond=0) + timedelta(
            minutes=ROUND_TO_MINUTES - due.minute % ROUND_TO_MINUTES
        )
    closing = datetime.combine(due.date(), hours.end, tzinfo=due.tzinfo)
    return min(due, closing)


def promise_text(due: datetime, local_now: datetime) -> str:
    """ "by 3 pm today", "by 10:30 am tomorrow", "by noon on Monday", "by 9 am on Monday 3
    March", read in the rep's zone."""
    if due.hour == 12 and due.minute == 0:
        clock = "noon"
    else:
        hour = due.hour % 12 or 12
        minutes = f":{due.minute:02d}" if due.minute else ""
        clock = f"{hour}{minutes} {'am' if due.hour < 12 else 'pm'}"
    days = (due.date() - local_now.date()).days
    if days == 0:
        return f"by {clock} today"
    if days == 1:
        return f"by {clock} tomorrow"
    if days < 7:
        return f"by {clock} on {due:%A}"
    return f"by {clock} on {due:%A} {due.day} {due:%B}"


def _plain(value: str | None, limit: int) -> str | None:
    """One line, trimmed; None when empty."""
    if value is None:
        return None
    flat = " ".join(value.split())[:limit]
    return flat or None


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))

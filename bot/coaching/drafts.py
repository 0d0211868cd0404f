"""`/draft`: a can-do reply to a customer's message, built from the playbook situation of the
best FAQ match: empathy for how they feel, their problem in their own words, what we can do,
and a next step with a time inside working hours."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.coaching.emotion import detect_emotion
from bot.coaching.playbooks import PLACEHOLDER, STYLES, Playbooks, WorkingHours, render_context
from bot.faq.knowledge import Entry
from bot.shared.refusal import Refusal

SNIPPET_CHARS = 80  # of the customer's message quoted back, never the whole wall of text
NAME_CHARS = 40
ROUND_TO_MINUTES = 30  # promises read "by 10:30 am", not "by 10:17 am"
# A quote of the customer's own "can't" would still put can't-language in our reply.
CANT = re.compile(
    r"\b(can'?t|cannot|can not|won'?t|unable|impossible|not (be )?(able|allowed|possible)|"
    r"unfortunately|no way)\b",
    re.IGNORECASE,
)
# Common words that are not English (and not English words too), to notice a message in
# Spanish, French, German, Dutch, Italian or Portuguese. Two of them outweighing the English
# ones is enough: support messages are short.
FOREIGN_BY_LANGUAGE = {
    "es": "el la los las que del por para una es está esta mi mis pedido paquete hola gracias "
    "pero muy cuando dónde donde todavía llegado tengo cómo porque nada señor",
    "fr": "le les des est une je mes pas pour avec bonjour merci colis commande toujours reçu "
    "et du au ce il elle nous vous qui suis",
    "de": "ich nicht und der das ist mein meine mit habe noch kein keine bitte danke paket "
    "bestellung wo warum ein eine auf für sie wir",
    "nl": "ik niet een het mijn nog geen pakket waar waarom bedankt alstublieft",
    "it": "il che sono mio mia ancora pacco ordine grazie ciao perché",
    "pt": "não meu minha encomenda obrigado olá ainda pacote você",
}
FOREIGN_WORDS = frozenset(w for words in FOREIGN_BY_LANGUAGE.values() for w in words.split())
ENGLISH = (
    "the a an my is to i and it of you in for not have was this me your on with but be can why "
    "what where how still again please has had been do does did will would that there when "
    "order box get got hi hello thanks thank just it's im i'm they we our"
)
ENGLISH_WORDS = frozenset(ENGLISH.split())
NO_WORDS = (
    "There are no words in that message to reply to (only emoji or symbols). "
    "Paste what the customer wrote and I'll draft a reply."
)
NOT_ENGLISH = (
    "That message looks like it's in another language, and drafts are written in English. "
    "Paste an English version of it and I'll draft a reply from that."
)
EMPTY = "Paste the customer's message after /draft and I'll write a reply."


@dataclass(frozen=True)
class Draft:
    text: str
    situation: str
    emotion: str
    cues: tuple[str, ...]
    style: str
    version: int
    due: datetime  # the promised time (aware, UTC)
    promise: str  # e.g. "by 3 pm tomorrow" as written in the draft


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
    situation = playbooks.situation_for(entry)
    values = {
        "thing": customer_word(text, situation.thing, synonyms or {}),
        "snippet": snippet(text),
    }

    def fill(template: str) -> str:
        # One pass, so nothing in the customer's words is ever read as a placeholder.
        return PLACEHOLDER.sub(lambda match: values[match[1]], template)

    lines = playbooks.empathy_lines(situation, reading.emotion)
    options = [fill(option) for option in situation.options]
    turn = version % len(options)  # another version offers the same options in another order
    local_now = now.astimezone(tz)
    due = due_time(playbooks.working_hours, local_now, situation.within_hours)
    promise = promise_text(due, local_now)
    context = render_context(
        customer_name=_plain(customer_name, NAME_CHARS),
        case_id=_plain(case_id, NAME_CHARS),
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


def check_language(text: str) -> None:
    """Raise CannotDraft for text with no letters, or that is not English."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        raise CannotDraft(NO_WORDS)
    latin = sum(1 for c in letters if unicodedata.name(c, "").startswith("LATIN"))
    if latin * 2 < len(letters):
        raise CannotDraft(NOT_ENGLISH)
    words = re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", text.lower().replace("’", "'"))
    foreign = sum(1 for word in words if word in FOREIGN_WORDS)
    english = sum(1 for word in words if word in ENGLISH_WORDS)
    if foreign >= 2 and foreign > english:
        raise CannotDraft(NOT_ENGLISH)


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


def snippet(message: str) -> str:
    """The first sentence of the message, quoted and cut to a short length; a neutral phrase
    when quoting it would put the customer's can't-language into our reply."""
    flat = " ".join(message.split())
    first = re.split(r"(?<=[.!?])\s", flat, maxsplit=1)[0].rstrip(".!? ")
    if len(first) > SNIPPET_CHARS:
        cut = first[:SNIPPET_CHARS]
        first = (cut.rsplit(" ", 1)[0] if " " in cut else cut) + "…"
    if not first or CANT.search(first):
        return "the issue you described"
    return f"“{first}”"


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

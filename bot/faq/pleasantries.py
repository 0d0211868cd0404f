"""What a customer's message says that is no question: greetings, well-wishing, sign-offs and
the name under them, a customer introducing themselves, a pasted chat line's time and speaker
("[10:32] Maria:", "Customer:"), and the earlier messages an e-mail reply quotes (often our
own answer, in words of other entries). Reassurances are courtesies too: "I'm not upset, just
asking", "no rush", "it's not urgent" tell us how the customer does not feel, and ask nothing.

Reps paste whole e-mails into /faq. "Good morning, I hope this email finds you well. I would
like to cancel my subscription please. Many thanks, Sarah" asks what "I would like to cancel my
subscription please" asks, but "morning", "hope", "finds", "well" and "Sarah" are words the FAQ
never uses, and each counted against every entry: the cancel entry read 34% sure instead of
95%. Only set phrases are taken out, and a name only where a greeting, a closing, "my name is"
or a chat line's time puts one, so "I hope my box comes this week", "which plan is best?
Premium" and "Refund: how long?" stay as they are.
"""

from __future__ import annotations

import re

# The message's opening: a greeting and whom it greets (names, "there", "team"), then a comma,
# colon, "!" or a new line. Capitals tell a name from the start of a question: "Hey box late,"
# is no greeting.
_OPENING = re.compile(
    r"\A\s*(?i:hi|hello|hey|hiya|dear|greetings|good\s+(?:morning|afternoon|evening|day))\b"
    # possessive ("Hi All All All ..." is read once); the set phrases before the names
    r"(?:\s+(?:(?i:there|team|all|everyone|guys|folks|support|again|sir\s+or\s+madam)\b"
    r"|[A-Z][\w'.-]*))*+"
    r"\s*(?:[,!]+|:(?!\w)|\n|\Z)"  # not the colon of an emoji's name, ":wave:"
)
# Well-wishing, thanks and reassurance anywhere in the message. An apostrophe may be typed
# curly or left out ("im not upset").
_APOSTROPHE = "['\u2019]?"
_COURTESIES = re.compile(
    rf"""\b(?:
        (?:i\s+)?hope\s+(?:
            you(?:\s+and\s+(?:the|your)\s+(?:team|family)|\s+all|\s+both)?
            (?:{_APOSTROPHE}re|\s+are)\s+(?:all\s+)?(?:(?:doing|keeping)\s+)?
            (?:well|ok|okay|good|fine|safe)
          | this\s+(?:e-?mail|message|note|finds\s+you)(?:\s+finds\s+you)?\s+(?:well|ok|okay)
          | (?:all|everything)\s+is\s+(?:well|good|ok|okay|fine)
          | you(?:{_APOSTROPHE}re|\s+(?:are|had|have\s+had))\s+(?:having\s+)?an?\s+
            (?:good|great|nice|lovely)\s+(?:day|week|weekend|christmas|holiday|break)
        )
      | (?:i\s+)?(?:hope|hoping)\s+(?:you|someone|somebody)\s+(?:can|could)\s+help(?:\s+me)?
      | (?:i{_APOSTROPHE}m|i\s+am)\s+not\s+(?:at\s+all\s+)?
        (?:upset|angry|cross|annoyed|mad|complaining|worried|in\s+a\s+(?:rush|hurry))
        (?:\s+or\s+anything)?
      | (?:there{_APOSTROPHE}s\s+|there\s+is\s+)?no\s+(?:rush|hurry|urgency)
      | (?:(?:it|this){_APOSTROPHE}s\s+not|(?:it|this)\s+is\s+not|(?:it|this)\s+isn{_APOSTROPHE}t)
        \s+(?:urgent|an\s+emergency|a\s+complaint)
      | sorry\s+to\s+(?:bother|trouble)\s+you(?:\s+again)?
      | any\s+help\s+(?:(?:would\s+be|is)\s+)?(?:(?:much|greatly|really)\s+)?appreciated
      | thanks\s+in\s+advance
      | thank\s+you\s+(?:(?:so|very)\s+much\s+)?(?:in\s+advance|for\s+your\s+(?:help|time|patience))
      | many\s+thanks
      | (?:kind|best|warm|warmest)\s+(?:regards|wishes)
      | yours\s+(?:sincerely|faithfully|truly)
      | look(?:ing)?\s+forward\s+to\s+(?:hearing\s+from\s+you|your\s+(?:reply|response))
      | have\s+a\s+(?:good|great|nice|lovely)\s+(?:day|week|weekend)(?=[.!\s]*(?:\n|\Z))
    )\b[.,!]*""",
    re.IGNORECASE | re.VERBOSE,
)
# A reply's quoted earlier messages, from their header to the end: "On Mon, 1 Dec 2026, Boxwell
# <help@boxwell.com> wrote:" (on one line or two, as clients wrap it), Outlook's "-----Original
# Message-----" or its "From: ..." line with "Sent:" or "Date:" under it; and lines quoted
# with ">". A header ends its line: "On Monday the driver wrote: sorry" is the customer's.
_QUOTED_FROM = re.compile(
    r"^[ \t]*(?:On\s[^\n]{1,200}?(?:\n[^\n]{1,200}?)?\swrote:[ \t]*$"
    r"|-{2,}[ \t]*Original Message[ \t]*-{2,}"
    r"|From:[^\n]*\n[ \t]*(?:Sent|Date):)[\s\S]*",
    re.MULTILINE,
)
_QUOTED_LINE = re.compile(r"^[ \t]*>[^\n]*$", re.MULTILINE)
_QUOTE_MARK = re.compile(r"^[ \t]*>+", re.MULTILINE)
# A phone's line under the message, under the name too.
_SENT_FROM = re.compile(r"\bsent\s+from\s+my\s+\w+(?:\s+\w+)?[.!]*\s*\Z", re.IGNORECASE)
# A closing at the end, at the start of a line or a sentence, and the name under it.
_THANKS = r"(?:(?:many|kind|best|warm|warmest)\s+)?(?:thanks|regards|wishes)"
_MUCH = r"(?:\s+(?:so|very)\s+much)?"
_CLOSING = re.compile(
    r"(?:\A|(?<=[.!?\n]))\s*(?:(?i:"  # one closing or a few ("ok thanks", "Thanks! Best,")
    rf"{_THANKS}{_MUCH}(?:\s+in\s+advance)?"
    rf"|thank\s+you{_MUCH}(?:\s+in\s+advance|\s+for\s+your\s+help)?"
    r"|cheers|best|ok|okay|thx|ty|sincerely|yours\s+(?:sincerely|faithfully|truly)|take\s+care"
    r"|all\s+the\s+best)[\s,.!-]*)++"  # possessive: a run of "ok ok ok" is read once
    r"(?:[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,2})?\s*[.!]?\s*\Z"
)

# "I'm Karen", "my name is Peter Smith": capitals tell a name from "I am unable to log in".
_INTRODUCTION = re.compile(
    r"\b(?i:my\s+name\s+is|my\s+name's|this\s+is|i\s+am|i'm|i\u2019m)"
    r"\s+[A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+)?\b"
)
# A pasted chat line's time and speaker: a role by name, or anyone's name after a time. A rep
# pasting one line of a customer's says whose words they are in their own way too: "Customer
# wrote:", "the customer says:", "cust:".
_TIME = r"(?:\[[^\]\n]{1,25}\]|\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]*(?i:am|pm))?)"
_ROLE = r"(?i:customer|client|visitor|user|guest|caller|cust|cx)"
_SAYS = r"(?i:says|said|wrote|writes|asks|asked|asking|typed|messaged|emailed|texted)"
_SPEAKER = re.compile(
    rf"^[ \t]*(?:(?:{_TIME}[ \t]*)?(?:(?i:the|my|our)[ \t]+)?{_ROLE}(?:[ \t]+{_SAYS})?"
    rf"|{_TIME}[ \t]*[A-Z][\w.'-]*(?:[ \t]+[A-Z][\w.'-]*)?)[ \t]*:[ \t]*",
    re.MULTILINE,
)
# A message that is all one quote, the customer's words in quote marks, and who said them after
# a dash or in brackets ("- customer", "– Maria", "(client)") or nobody: `"Hi, where is my
# order? It's been 2 weeks" - customer`. Only when the quote is the whole message: in "is the
# "premium" plan dearer?" the marks are the customer's own.
_WHOLE_QUOTE = re.compile(
    r"\A\s*([\"\u201c\u201e\u00ab'\u2018])(?P<said>.+)([\"\u201d\u201c\u00bb'\u2019])"
    r"(?:\s*[-\u2013\u2014~]+\s*[\w.'-]+(?:[ \t]+[\w.'-]+){0,2}|\s*\([^()\n]{1,40}\))?\s*\Z",
    re.DOTALL,
)
_CLOSES = {'"': '"\u201d', "\u201c": "\u201d\"", "\u201e": "\u201c\u201d\"", "\u00ab": "\u00bb",
           "'": "'\u2019", "\u2018": "\u2019'"}  # fmt: skip
# "where is my parcel - customer": the role that said it, after a dash at the end.
_SAID_BY = re.compile(rf"[ \t]+[-\u2013\u2014~]+[ \t]*(?:(?i:the|a|my)[ \t]+)?{_ROLE}[ \t]*\Z")


def _unquoted(text: str) -> str:
    """A message that is all one quote (`_WHOLE_QUOTE`), as the customer wrote it."""
    quoted = _WHOLE_QUOTE.match(text)
    if quoted and quoted[3] in _CLOSES[quoted[1]]:
        return quoted["said"]
    return _SAID_BY.sub("", text)


def without_pleasantries(text: str) -> str:
    """The message without its greeting, well-wishing, sign-off, signed name, introduction,
    chat lines' times and speakers, and quoted earlier messages (see the module doc), the rest
    as it was but for the blanks at its ends."""
    asked = _QUOTED_LINE.sub("", _QUOTED_FROM.sub("", text, count=1))
    if not any(map(str.isalnum, asked)):  # all quoted: a rep quoting the customer, as Slack does
        asked = _QUOTE_MARK.sub("", text)
    # speakers first: "[10:32] Maria: thanks" is a closing once it is "thanks"; then the quote
    # marks around the customer's words, and who said them: a greeting inside is an opening
    asked = _unquoted(_SPEAKER.sub("", asked))
    asked = _SENT_FROM.sub(" ", asked, count=1)
    asked = _CLOSING.sub(" ", asked, count=1)
    asked = _OPENING.sub(" ", asked, count=1)
    asked = _COURTESIES.sub(" ", asked)
    asked = _INTRODUCTION.sub(" ", asked)
    # what is left at the edges, as the question alone would be typed: an encoder reads
    # " . wifi" otherwise than "wifi"
    return asked.strip() if asked != text else text


def without_courtesies(text: str) -> str:
    """The message with its well-wishing, thanks and reassurance blanked, each of their
    characters a space, so that a place in it is the same place in the message: "I hope you're
    well" and "I'm not upset" say nothing of how the customer feels, where "I hope it comes
    before the wedding" does."""
    return _COURTESIES.sub(lambda courtesy: " " * len(courtesy[0]), text)


def question_of(message: str) -> str:
    """The message's question on one line, as a lead reads it in the gaps and as the FAQ keeps
    it when it is learned or added as a phrasing: without pleasantries (a customer's name has
    no place in the knowledge files), blanks collapsed; the message itself if that is all."""
    return " ".join(without_pleasantries(message).split()) or " ".join(message.split())


_THANKING = re.compile(r"\b(?:thanks?|thank\s+you|thx|ty|cheers)\b", re.IGNORECASE)


def only_thanks(text: str) -> bool:
    """Whether the message thanks and says nothing else ("thanks!", "ok cheers", "thank you so
    much"): a rep thanking the bot after an answer, not a question."""
    return bool(_THANKING.search(text)) and not _CLOSING.sub(" ", text, count=1).strip()

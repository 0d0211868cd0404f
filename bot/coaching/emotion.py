"""How the customer feels, read from their message with a small lexicon and a few signals
(repeated "!!", CAPS, "again", "still ..."), so a rep can see why the draft says what it says.

Plain statements of feeling ("I am very upset", "I'm so angry", "I'm worried") count most, and
only when they are not negated: "I'm not upset, just asking" says no feeling at all, while in
"my box never came and I'm furious" the "never" is about the box. Nor do
courtesies: "I hope you're well" is no worry, "it's not urgent" no hurry (bot.faq.pleasantries
knows them, as /faq leaves them out of the question)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.faq.pleasantries import without_courtesies

EMOTIONS = ("frustrated", "angry", "anxious", "confused", "neutral")
# On a tie the stronger feeling wins: answering anger as mere confusion reads as not listening.
PRIORITY = ("angry", "frustrated", "anxious", "confused")

# (emotion, pattern, weight). Patterns match the message lowercased with apostrophes removed,
# so "don't", "dont" and "don’t" are one spelling; the rep is shown the words they matched.
LEXICON: tuple[tuple[str, str, int], ...] = (
    ("angry", r"ridiculous", 2),
    ("angry", r"unacceptable", 2),
    ("angry", r"disgusting", 2),
    (
        "angry",
        r"(not|isnt|wasnt|never) (remotely |even )?(good enough|acceptable)",
        2,
    ),
    ("angry", r"outrageous|disgrace(ful)?|appalling|shocking", 2),
    ("angry", r"worst", 1),
    ("angry", r"useless|pathetic|incompetent|rubbish|terrible|awful", 1),
    ("angry", r"(a|an absolute) joke", 2),
    ("angry", r"scamm(ing|ed|ers?)|rip ?off|ripping (me )?off|daylight robbery", 2),
    ("angry", r"sick (and tired )?of|fed up", 1),
    ("angry", r"(formal )?complaint|trading standards|solicitor|lawyer", 1),
    ("angry", r"never (order|use|buy)\w* (from )?(you|boxwell)", 2),
    ("angry", r"wtf|bloody|damn|hell", 1),
    ("frustrated", r"(yet )?again", 1),
    (
        "frustrated",
        r"still (not|no|nothing|hasnt|havent|isnt|doesnt|dont|didnt|cant|wont|waiting|"
        r"broken|charging|being charged|getting)",
        1,
    ),
    ("frustrated", r"keeps? (on )?(happening|failing|saying|getting|charging)", 1),
    ("frustrated", r"every (single )?time", 1),
    ("frustrated", r"(second|third|fourth|2nd|3rd|4th|\d+ ?times?) time", 1),
    (
        "frustrated",
        r"(emailed|called|rang|contacted|asked|chased|messaged|written|tried)( you| this)? "
        r"(twice|two|three|four|several|many|\d+) times",
        1,
    ),
    ("frustrated", r"for (days|weeks|ages|over a week|a week|hours)", 1),
    ("frustrated", r"no ?one|nobody|no response|no reply|heard nothing", 1),
    ("frustrated", r"frustrating|annoying|fed up waiting", 2),
    (
        "frustrated",
        r"(not|never|hardly|far from) (at all |very |too |so )?(happy|pleased|impressed|satisfied)",
        2,
    ),
    ("frustrated", r"(been|still|keep) waiting", 1),
    ("frustrated", r"already (told|tried|contacted|called|emailed|asked)", 1),
    ("anxious", r"concerning", 2),
    ("anxious", r"urgent(ly)?|asap|as soon as possible|emergency", 1),
    ("anxious", r"need (it|this|them)( back)? (by|before|for) ", 1),
    ("anxious", r"scam|fraud|hacked|stolen", 1),
    ("anxious", r"i hope|hopefully|please help", 1),
    ("anxious", r"in time|on time for|by tomorrow|by tonight", 1),
    ("anxious", r"baby|allerg(y|ic)|medical|diabet", 1),
    ("anxious", r"is (it|this) safe|is (my|it) (secure|safe)", 1),
    ("confused", r"(dont|do not|didnt) (understand|get (it|why|how))", 2),
    ("confused", r"confusing", 2),
    ("confused", r"(makes|made) no sense|(doesnt|does not) make (any )?sense", 2),
    ("confused", r"not sure|no idea|unsure|unclear", 1),
    (
        "confused",
        r"what does (this|that|it)( \w+)? mean|what is (this|that)( \w+)? for",
        1,
    ),
    ("confused", r"how come|why does it say|i thought", 1),
    ("confused", r"which (one|option|button)|where do i find", 1),
)
# Words that say a feeling outright, as in "I am very upset" or "so disappointed": each counts
# unless a "not" comes shortly before it in its clause, and counts more after "very", "so", ...
FEELINGS: tuple[tuple[str, str], ...] = (
    ("angry", r"upset|angry|furious|livid|fuming|outraged|enraged|mad|disgusted|appalled"),
    (
        "frustrated",
        r"frustrated|annoyed|irritated|exasperated|disappointed|unhappy|dissatisfied|"
        r"fed up|let down|gutted|sick and tired|tired of",
    ),
    (
        "anxious",
        r"worried|worrying|worry|concerned|nervous|scared|afraid|frightened|terrified|"
        r"anxious|panicking|panicked|panic|stressed|distressed|alarmed",
    ),
    ("confused", r"confused|puzzled|baffled|perplexed"),
)
STRONGER = (
    "very so really extremely absolutely totally utterly incredibly completely seriously truly "
    "deeply genuinely beyond super quite pretty getting becoming"
)
INTENSIFIERS = frozenset(STRONGER.split())
NEGATIONS = "not no never isnt arent wasnt werent dont doesnt didnt aint hardly nor without"
NEGATORS = frozenset(NEGATIONS.split())
NEGATION_REACH = 4  # words before a feeling word in which a "not" cancels it
# A "not" reaches no further than its clause. "and", "so", "then" or "now" before the customer
# speaks of themselves again starts a new one: "my box never came and I'm furious" is furious.
CLAUSE_END = re.compile(
    r"[.,;:!?()\n]|\b(but|though|although|however)\b"
    r"|\b(and|so|then|now)\b(?= (i|im|ive|id|ill|we|were|weve|wed)\b)"
)
# "I've never been so angry" is no denial but a comparison with every time before.
NEVER_SO = re.compile(r"\b(been|felt) (so|this|more)$")
NO_FEELING = re.compile(
    r"\bas far as (i|im|i am|we|were|we are) (\w+ )?concerned\b|\bupset (stomach|tummy)\b"
)
FEELING_WORDS = tuple((emotion, re.compile(rf"\b(?:{pattern})\b")) for emotion, pattern in FEELINGS)
COMPILED = tuple(
    (emotion, re.compile(rf"\b(?:{pattern})\b"), weight) for emotion, pattern, weight in LEXICON
)
# Capitals that are names, not shouting.
NOT_SHOUTING = "VAT UK PDF CVC GDPR PIN SMS ASAP LTD BOXWELL FAQ ID OK USA EU AM PM DPD UPS DHL PS"
ACRONYMS = frozenset(NOT_SHOUTING.split())
WORD = re.compile(r"[A-Za-z][A-Za-z']*")


@dataclass(frozen=True)
class EmotionReading:
    emotion: str  # one of EMOTIONS
    cues: tuple[str, ...]  # what decided it, e.g. ("again", "!!", "CAPS: WHERE, BOX")


def _fold(message: str) -> tuple[str, list[int]]:
    """The message in lower case without apostrophes ("hasnt"), for the patterns; and where in
    the message each of its characters was typed."""
    folded: list[str] = []
    typed_at: list[int] = []
    for at, char in enumerate(message):
        if char in "’'":
            continue
        for lower in char.lower():  # one character may lower to two ("İ")
            folded.append(lower)
            typed_at.append(at)
    return "".join(folded), typed_at


def detect_emotion(message: str) -> EmotionReading:
    """The strongest feeling in the message and the cues for it; neutral when nothing shows."""
    message = without_courtesies(message)  # blanked in place: cues still quote the message
    scores = dict.fromkeys(PRIORITY, 0)
    cues: dict[str, list[str]] = {emotion: [] for emotion in PRIORITY}

    def add(emotion: str, cue: str, weight: int) -> None:
        scores[emotion] += weight
        if cue not in cues[emotion]:
            cues[emotion].append(cue)

    folded, typed_at = _fold(message)
    # Set phrases that hold a feeling word but say no feeling, blanked so places stay put.
    folded = NO_FEELING.sub(lambda match: " " * len(match[0]), folded)

    def typed(match: re.Match[str]) -> str:
        """The words as the customer typed them: a cue quotes them, never a label."""
        return message[typed_at[match.start()] : typed_at[match.end() - 1] + 1]

    for emotion, feeling in FEELING_WORDS:
        for match in feeling.finditer(folded):
            before = _clause_before(folded, match.start())
            reach = before[-NEGATION_REACH:]
            if NEGATORS.intersection(reach) and not NEVER_SO.search(" ".join(reach)):
                continue
            add(emotion, typed(match), 3 if before and before[-1] in INTENSIFIERS else 2)
    for emotion, pattern, weight in COMPILED:
        found = pattern.search(folded)
        if found:
            add(emotion, typed(found), weight)

    if re.search(r"!{2,}|\?!", message):
        # "!!" turns up the feeling the words already show ("late again!!" is frustration);
        # on its own it reads as anger.
        shown = [emotion for emotion in PRIORITY if scores[emotion]]
        add(max(shown, key=scores.__getitem__) if shown else "angry", "!!", 1)
    elif re.search(r"\?{2,}", message):
        add("confused", "??", 1)

    words = [w.strip("'") for w in WORD.findall(message) if len(w.strip("'")) >= 2]
    shouted = [w for w in words if w.isupper() and w not in ACRONYMS]
    if len(shouted) >= 2 and len(shouted) * 2 >= len(words):
        add("angry", "CAPS: " + ", ".join(shouted[:3]), 2)  # the whole message shouted
    elif any(len(w) >= 4 for w in shouted):
        add("frustrated", "CAPS: " + ", ".join([w for w in shouted if len(w) >= 4][:3]), 1)

    best = max(PRIORITY, key=lambda emotion: (scores[emotion], -PRIORITY.index(emotion)))
    if scores[best] == 0:
        return EmotionReading("neutral", ())
    return EmotionReading(best, tuple(cues[best]))


def _clause_before(folded: str, position: int) -> list[str]:
    """The words of the clause before `position`, up to it: "im not" in "im not upset"."""
    ends = list(CLAUSE_END.finditer(folded, 0, position))
    start = ends[-1].end() if ends else 0
    return folded[start:position].split()

"""How the customer feels, read from their message with a small lexicon and a few signals
(repeated "!!", CAPS, "again", "still ..."), so a rep can see why the draft says what it says."""

from __future__ import annotations

import re
from dataclasses import dataclass

EMOTIONS = ("frustrated", "angry", "anxious", "confused", "neutral")
# On a tie the stronger feeling wins: answering anger as mere confusion reads as not listening.
PRIORITY = ("angry", "frustrated", "anxious", "confused")

# (emotion, cue shown to the rep, pattern, weight). Patterns match the message lowercased with
# apostrophes removed, so "don't", "dont" and "don’t" are one spelling.
LEXICON: tuple[tuple[str, str, str, int], ...] = (
    ("angry", "ridiculous", r"ridiculous", 2),
    ("angry", "unacceptable", r"unacceptable", 2),
    ("angry", "disgusting", r"disgust(ing|ed)", 2),
    ("angry", "furious", r"furious|livid|fuming", 2),
    ("angry", "outrageous", r"outrageous|disgrace(ful)?|appalling|shocking", 2),
    ("angry", "worst", r"worst", 1),
    ("angry", "useless", r"useless|pathetic|incompetent|rubbish|terrible|awful", 1),
    ("angry", "a joke", r"(a|an absolute) joke", 2),
    ("angry", "scamming", r"scamm(ing|ed|ers?)|rip ?off|ripping (me )?off|daylight robbery", 2),
    ("angry", "sick of", r"sick (and tired )?of|fed up", 1),
    ("angry", "complaint", r"(formal )?complaint|trading standards|solicitor|lawyer", 1),
    ("angry", "never again", r"never (order|use|buy)\w* (from )?(you|boxwell)", 2),
    ("angry", "swearing", r"wtf|bloody|damn|hell", 1),
    ("frustrated", "again", r"(yet )?again", 1),
    (
        "frustrated",
        "still",
        r"still (not|no|nothing|hasnt|havent|isnt|doesnt|dont|didnt|cant|wont|waiting|"
        r"broken|charging|being charged|getting)",
        1,
    ),
    ("frustrated", "keeps", r"keeps? (on )?(happening|failing|saying|getting|charging)", 1),
    ("frustrated", "every time", r"every (single )?time", 1),
    ("frustrated", "repeat contact", r"(second|third|fourth|2nd|3rd|4th|\d+ ?times?) time", 1),
    (
        "frustrated",
        "repeat contact",
        r"(emailed|called|rang|contacted|asked|chased|messaged|written|tried)( you| this)? "
        r"(twice|two|three|four|several|many|\d+) times",
        1,
    ),
    ("frustrated", "for days", r"for (days|weeks|ages|over a week|a week|hours)", 1),
    ("frustrated", "nobody", r"no ?one|nobody|no response|no reply|heard nothing", 1),
    ("frustrated", "frustrating", r"frustrat(ing|ed)|annoy(ing|ed)|fed up waiting", 2),
    ("frustrated", "waiting", r"(been|still|keep) waiting", 1),
    ("frustrated", "already", r"already (told|tried|contacted|called|emailed|asked)", 1),
    ("anxious", "worried", r"worr(ied|ying|y)|concern(ed|ing)|nervous|scared|afraid|panick", 2),
    ("anxious", "urgent", r"urgent(ly)?|asap|as soon as possible|emergency", 1),
    ("anxious", "need it by", r"need (it|this|them)( back)? (by|before|for) ", 1),
    ("anxious", "scam", r"scam|fraud|hacked|stolen", 1),
    ("anxious", "hope", r"i hope|hopefully|please help", 1),
    ("anxious", "in time", r"in time|on time for|by tomorrow|by tonight", 1),
    ("anxious", "baby", r"baby|allerg(y|ic)|medical|diabet", 1),
    ("anxious", "safe", r"is (it|this) safe|is (my|it) (secure|safe)", 1),
    ("confused", "dont understand", r"(dont|do not|didnt) (understand|get (it|why|how))", 2),
    ("confused", "confused", r"confus(ed|ing)|puzzled|baffled", 2),
    ("confused", "makes no sense", r"(makes|made) no sense|(doesnt|does not) make (any )?sense", 2),
    ("confused", "not sure", r"not sure|no idea|unsure|unclear", 1),
    (
        "confused",
        "what does it mean",
        r"what does (this|that|it)( \w+)? mean|what is (this|that)( \w+)? for",
        1,
    ),
    ("confused", "how come", r"how come|why does it say|i thought", 1),
    ("confused", "which one", r"which (one|option|button)|where do i find", 1),
)
COMPILED = tuple(
    (emotion, cue, re.compile(rf"\b(?:{pattern})\b"), weight)
    for emotion, cue, pattern, weight in LEXICON
)
# Capitals that are names, not shouting.
NOT_SHOUTING = "VAT UK PDF CVC GDPR PIN SMS ASAP LTD BOXWELL FAQ ID OK USA EU AM PM DPD UPS DHL PS"
ACRONYMS = frozenset(NOT_SHOUTING.split())
WORD = re.compile(r"[A-Za-z][A-Za-z']*")


@dataclass(frozen=True)
class EmotionReading:
    emotion: str  # one of EMOTIONS
    cues: tuple[str, ...]  # what decided it, e.g. ("again", "!!", "CAPS: WHERE, BOX")


def detect_emotion(message: str) -> EmotionReading:
    """The strongest feeling in the message and the cues for it; neutral when nothing shows."""
    scores = dict.fromkeys(PRIORITY, 0)
    cues: dict[str, list[str]] = {emotion: [] for emotion in PRIORITY}

    def add(emotion: str, cue: str, weight: int) -> None:
        scores[emotion] += weight
        if cue not in cues[emotion]:
            cues[emotion].append(cue)

    folded = message.lower().replace("’", "").replace("'", "")
    for emotion, cue, pattern, weight in COMPILED:
        if pattern.search(folded):
            add(emotion, cue, weight)

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

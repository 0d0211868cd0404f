"""Whether a customer's message only closes the matter: it thanks us, or says the matter is
settled, and asks or reports nothing else ("Thanks so much, that's sorted now!", "Great, all
working, thank you", "cheers that fixed it"). /draft answers such a message with a short, warm
closing that promises nothing: there is nothing left to do.

The message is read whole. Its greeting, sign-off and signed name aside (the pleasantries the
FAQ leaves out too), every part of it must be thanks, praise, word that the thing is settled
("that's sorted", "my parcel arrived", "I can log in now") or a word of no weight of its own
("great", "now", "it"). One part that is anything else keeps the can-do draft: a question mark,
a "but", a "not", a word of waiting ("let me know", "in advance"), or any word not known here
("Thanks, but where is my refund?", "thanks, it still isn't working", "my box arrived
damaged"). A closing sent to a customer who still needs something leaves them without an
answer; a can-do draft for a happy one only says more than they need, so what is not known
reads as a need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.faq.pleasantries import without_pleasantries

# Words that never stand for a thing that is settled, nor in a thanks: "my box never arrived"
# has no subject "box never", "thanks for nothing" no thanks.
STOP_WORDS = """
    not no never nothing none nobody neither nor without but however though although except
    still yet only why where when how what which who whose please can could would will should
    need needs want wants dont doesnt didnt cant cannot wont isnt arent wasnt werent hasnt
    havent hadnt couldnt wouldnt shouldnt aint neednt mustnt lost damaged broken missing late
    wrong faulty empty half partly partially some part parts few most again another also more
"""
_STOP = "|".join(STOP_WORDS.split())
_NOUN = rf"(?!(?:{_STOP})\b)[a-z]+"  # a word of a thing's name: "box", "new one"
_THING = rf"(?:the|my|your|our) {_NOUN}(?: {_NOUN})?"  # "my parcel", "the new card"
_END = r"(?= \||$)"  # the end of a part: punctuation, or the message's end

_THANKS_WORD = r"(?:thank you|thankyou|thank u|thanks|thanx|thx|ty|tysm|ta|cheers)"
_MUCH = r"(?: (?:so|very|ever|really|much|a lot|a million|a bunch|loads|heaps|again|indeed))*"
# What a customer thanks us for: "thanks for sorting that out so quickly".
FOR_WORDS = """
    your the all a an such so being everything this that it me us my our
    help helping sorting fixing looking checking getting sending arranging chasing dealing
    explaining resolving taking care of into out back to up with in on touch letting know
    heads quickly quick fast speedy prompt swift kind great lovely brilliant amazing wonderful
    reply response answer update updates info information patience time support assistance
    advice explanation call email message chat effort efforts understanding refund replacement
    credit voucher code link today
"""
_FOR = rf"for(?: (?:{'|'.join(FOR_WORDS.split())})){{1,6}}"
_APPRECIATE = r"appreciated?(?: (?:it|that|this|you|your|the|all|help|everything|efforts?))*"
THANKS = re.compile(rf"\b(?:{_THANKS_WORD}{_MUCH}(?: {_FOR})?|{_APPRECIATE}|grateful|thankful)\b")
# Kind words that say nothing of the matter: "you've been a star", "no worries".
KIND = re.compile(
    r"\b(?:star|superstar|legend|lifesaver|life saver|hero|gem|angel|diamond|helpful|kind"
    r"|(?:great|good|excellent|brilliant|amazing|fantastic|fast|quick|speedy|prompt|super|lovely)"
    r" (?:service|support|help|job|work|response|reply)"
    r"|(?:big|huge|massive|real|great) help|well done|nice one|you (?:guys )?rock"
    r"|happy|pleased|relieved|glad|delighted|chuffed|thrilled|no (?:worries|problem)(?: at all)?)\b"
)
# Word that it is settled: what became of the thing, or the customer done with us.
_SETTLED = (
    "sorted out", "sorted", "fixed", "resolved", "solved", "all good", "all set", "good to go",
    "all done", "job done", "problem solved", "case closed",
    "(?:working|works|worked)(?: (?:fine|perfectly|great|well|now|ok|okay|again))*",
    "fine now", "ok now", "okay now", "good now", "arrived", "(?:come|came|gone|went) through",
    "come", "came", "turned up", "received", "landed", "here", "safe and sound", "in one piece",
    "back (?:on|up|online|to normal)", "up and running", "shows up", "showing(?: up)?",
    "refunded", "credited", "cleared", "unlocked", "reactivated", "activated", "processed",
    "(?:did|does|done) the trick", "did it", "in order", "taken care of", "dealt with",
    "went (?:well|smoothly)", "(?:got|found|have) (?:it|them|everything|{thing})(?: back)?",
    "(?:logged|signed|got|back) in", "(?:can|could) (?:now )?(?:log|sign|get) in",
    "no (?:more |further )?(?:help|action|assistance)(?: is)? (?:needed|required)",
    "no need (?:to|for) (?:reply|respond|get back|call|a reply|anything)(?: to me)?",
    "you can close (?:it|this|the case|the ticket|the chat)",
    # at a part's end: "nothing else" is done with us, "nothing else arrived" is not
    "(?:nothing (?:else|more|further)(?: (?:needed|required|for now))?"
    "|thats all(?: i needed| for now)?){end}",
)  # fmt: skip
_PREDICATE = "|".join(_SETTLED).format(thing=_THING, end=_END)
_OBJECT = rf"(?: (?:it|them|this|that|everything|{_THING}))?"
# a thing named before it, or a part's first word ("Parcel arrived, thanks")
_SUBJECT = (
    rf"(?:(?:{_THING}|(?<![a-z] ){_NOUN})"
    r"(?: (?:has|have|is|was|are|s|been|finally|now|just|already|all))* )?"
)
SETTLED = re.compile(rf"\b{_SUBJECT}(?:{_PREDICATE}){_OBJECT}\b")
# Words of no weight of their own, between the parts: what they mean is in the parts.
FILLER_WORDS = """
    great perfect brilliant lovely amazing awesome excellent fantastic wonderful fab fabulous
    super superb nice cool sweet ace marvellous splendid grand good ok okay alright right
    oh ah aw aww wow yay phew yes yep yeah yup hurray hooray haha lol xx x
    so and now all just really very much too well then finally at last indeed definitely
    actually totally completely fully already properly safely
    that thats it its this everything everythings is was has have been the a an
    i im ive we were weve am are me us you your youre youve guys team everyone folks mate both
    hi hello hey dear today morning afternoon evening yesterday earlier tonight night news
    bye goodbye
"""
FILLER = frozenset(FILLER_WORDS.split())
# Words of waiting for us: a customer who says them still expects something.
AWAITING = re.compile(
    r"\b(?:in advance|look(?:ing)? forward|hear(?:ing)? (?:back|from you)|get back to me"
    r"|let me know|keep me (?:posted|updated)|waiting|any help|can help|help me|please help)\b"
)
# A part that asks, question mark or not: "is my phone unlocked".
ASKING = re.compile(
    r"(?:^|\| )(?:is|are|was|were|has|have|did|does|do|can|could|will|would|should)"
    r" (?:it|my|the|your|our|this|that|you|i|we|they|there|everything|all)\b"
)
# A name after the thanks, kept as typed until the words are folded: "Cheers Ben, ...".
NAMED_THANKS = re.compile(
    rf"\b((?i:thank you|thanks|cheers|ta)[ ,]+)(?!(?i:{_STOP})\b)[A-Z][a-z]+\b"
)
PART_MARK = re.compile(r"[^\w\s]+|_")
DRAWN_OUT = re.compile(r"([a-z])\1{2,}")  # "sooo", "thanksss"


@dataclass(frozen=True)
class Closing:
    """A message that only closes the matter, and what it says."""

    thanked: bool  # the customer thanks us
    settled: bool  # the customer says the matter is settled


def closing_of(message: str) -> Closing | None:
    """What a closing message says; None for a message that asks or reports anything else,
    which gets the can-do draft."""
    if "?" in message:
        return None
    said = _fold(message)
    if AWAITING.search(said) or ASKING.search(said):
        return None
    rest = _fold(NAMED_THANKS.sub(r"\1", without_pleasantries(message)))
    settled = bool(SETTLED.search(rest))
    for part in (SETTLED, THANKS, KIND):
        rest = part.sub(" |", rest)
    if any(word not in FILLER for word in rest.replace("|", " ").split()):
        return None
    thanked = bool(THANKS.search(said))
    return Closing(thanked, settled) if thanked or settled else None


def _fold(text: str) -> str:
    """Lower case, without apostrophes ("thats") or drawn-out letters, every mark between
    words a part's end (" |"), on one line."""
    folded = DRAWN_OUT.sub(r"\1", text.lower().replace("'", "").replace("’", ""))
    return " ".join(PART_MARK.sub(" | ", folded).split())

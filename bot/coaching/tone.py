"""The tone checker behind `/tone`: finds the phrases in a rep's own draft that cost customers
(can't-language, deflection, blame, lecturing, hedging, hiding behind policy), says why each
hurts, offers a can-do rewrite, scores the text and rewrites it whole. A rewrite is offered as
the whole sentence the phrase is in, read as a sentence: a capital first, punctuation last, no
connector left hanging and no part to fill in that is not marked [add: ...]. A phrase's rewrite
is spliced into its sentence only where the rule says it reads well (at the start of a clause,
after a subject, ...); where it would not, the sentence is offered whole in place of the rep's,
from the rule's `instead`, since words spliced into a sentence that does not fit them read as
nonsense or say the opposite.

The rules are data in `playbooks/tone.yaml`, which leads extend; its header documents the
pattern language. Patterns become regular expressions once, at load, so that a 4,000-character
text is checked in about 2 ms.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import AfterValidator, Field, StringConstraints
from rapidfuzz.distance import OSA

from bot.shared.content import (
    Problem,
    Shape,
    Text,
    check_shape,
    item_nodes,
    key_lines,
    line_at,
    line_of,
    load_shape,
    readable,
    value_node,
)
from bot.shared.english import EMOJI_CODE

FILE_NAME = "tone.yaml"
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PLACEHOLDER = re.compile(r"\{(\d+)\}")
DOUBLE_SPACE = re.compile(r" {2,}")

# Between the words of a phrase: spaces, and a comma a rep may or may not type ("no promises,
# but"), so that punctuation habits do not decide whether a phrase is caught.
GAP = r"(?:\s*,\s*|\s+)"
APOSTROPHE = "['’ʼ]?"  # typed, curly from a phone, or left out ("cant", "youll")
# Contractions a lead writes once and that match every way reps type them.
NOT_FORMS = {"can't": ("cannot", "can not"), "won't": ("will not",)}
# A gap (..3) skips up to that many words, as written or typed, inside one clause: a skipped
# word never holds a sentence end, a colon or a quote, so "we can. Not" is no "we ..2 not".
GAP_WORD = r"[^\s.!?;:,\"“”]+"
GAP_TOKEN = re.compile(r"\.\.(\d+)")
MAX_GAP = 6
# Where a sentence ends: its . ! ? with any quotes or marks that close it, or a line break.
SENTENCE_BREAK = re.compile(r"[.!?…]+[\"'”’)*_]*(?=\s)|\n")
# After a replacement: nothing more in its clause, or in its sentence ("" is the end).
CLAUSE_STOPS = ("", *",.;:!?")
SENTENCE_STOPS = ("", *".;:!?")
# A connector at the end of a replacement that has nothing left to connect to.
DANGLING = re.compile(
    r"(?:\s*,|\s+(?:rather than|instead of|and|but|or|whether|about|with|to|than|of|for|is))+$"
)
CLAUSE = re.compile(r"[^,.;:!?\n]*")  # the rest of a clause
STRANDED = re.compile(r"\b(?:with|to|for|about|on|in|of|at|from|by)\s*$")
PREPOSITION = re.compile(r"\s*(?:with|to|for|about|on|in|into|of|at|from|by)\b", re.IGNORECASE)
LEADING_THAT = re.compile(r" +that(?= +\w)")  # "told you that it ships", not "said, that is"
MARKED = re.compile(r"\[(?!add: )([^\]\n]+)\]")  # what only the rep knows, to fill in
# An emoji or a smiley at the end of a sentence ("... for you 🙂", ":slightly_smiling_face:" as
# Slack sends the picker's, ":)"): it comes after the sentence's full stop, not before it.
EMOJI = (
    r"(?:[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\u231A-\u23FF]"
    r"[\U0001F3FB-\U0001F3FF\uFE0F\u20E3]*\u200D?)+"
    rf"|{EMOJI_CODE.pattern}|[:;=]['’-]?[()\[\]DPpOo/|*3]+(?!\w)"
)
TRAILING_EMOJI = re.compile(rf"(?:\s*(?:{EMOJI}))+\s*$")
SPACE_BEFORE = re.compile(rf"\s+(?=[,.;:!?])(?!{EMOJI})")
COMMA_BEFORE_STOP = re.compile(r",+(?=\s*[.;:!?]|\s*$)")
# Said twice in a row ("rather than rather than"); not across a comma: "refund it, it ..."
REPEATED = re.compile(r"\b(\w+(?:\s+\w+)?)(?:\s+\1\b)+", re.IGNORECASE)
# A whole clause said again after its comma: "we can't, we can't" rewritten is said once.
CLAUSE_AGAIN = re.compile(r"(^|,\s+)([^,.;!?]+?)(?:,\s+\2)+(?=[,.;!?]|\s*$)", re.IGNORECASE)
# Commas left side by side where a repeated phrase went: "Just to recap,, we can".
DOUBLE_COMMA = re.compile(r",(?:\s*,)+")
# Only "and", "&" or "+" between two phrases: "as I said & as per policy".
JOINT = re.compile(r"[\s,]*(?:&|\+|and)[\s,]*", re.IGNORECASE)
# Where a phrase's rewrite fits in its clause (see the header of tone.yaml). A clause ends at
# punctuation (not a comma or point inside a number, "1,000" or "2.5") or a dash.
Fits = Literal["anywhere", "start", "after words", "end", "whole", "nowhere"]
CLAUSE_BREAK = re.compile(r"[;()\[\]!?…\n]|[,.:](?!\d)|(?<!\d)[,.:]|\s[-–—]+\s|[–—]")
WORD = re.compile(r"[^\W_][\w'’]*")
# A conjunction opens a clause of its own: "sorry but that's ...", "... and you need to ...".
CONJUNCTIONS = frozenset(
    ("and", "but", "so", "or", "because", "cos", "as", "then", "since", "though", "although",
     "while", "yet")
)  # fmt: skip
# Words that open a sentence without being its subject: "sorry can't help" has none.
DISCOURSE = frozenset(
    ("ok", "okay", "well", "sorry", "yes", "no", "hi", "hey", "hello", "oh", "right", "look")
)
# Who a message is addressed to, not words of its clause: Slack's mentions and links as typed
# (<!here>, <@U123>) or as decoded at the edge (@here, @Tom, #orders), and web addresses.
ADDRESSED = re.compile(r"<[^<>\n]*>|(?<![\w@])[@#][\w.'’-]*\w|\b(?:https?://|www\.)\S+")
# A greeting's name ("Hi Tom", "Dear Ms Patel"): capitalised words after it.
GREETINGS = frozenset(("hi", "hey", "hello", "hiya", "dear", "morning", "afternoon", "evening"))
GREETED_ALL = frozenset(("there", "all", "everyone", "both"))  # "Hi there", no name
# A sentence's opening greeting with the name after it, and no comma yet ("Hi Tom ", "Hi @Tom "):
# before a rewritten clause it gets one, "Hi Tom, I'll get in touch", as "Hi Tom," typed has.
GREETING = (
    r"\s*(?i:hi|hey|hello|hiya|dear|good\s+(?:morning|afternoon|evening)|morning|afternoon"
    r"|evening)\b(?:\s+(?i:there|all|everyone|both)\b)?"
    r"(?:\s+(?!I\b|I['’])(?:[A-Z][\w'’.-]*|@[\w.'’-]+|<@[^<>\s]+>))*"
)
GREETED = re.compile(GREETING)
BARE_GREETINGS = frozenset(("hi", "hey", "hello", "hiya"))  # a greeting without a name too
# "i" as a word of its own, as reps type it on the go ("i'll check", "what i can do"), not the
# i of "i.e." or of a word; a suggested sentence writes it "I".
LOWER_I = re.compile(r"(?<![\w'’.-])i(?=['’][a-z]{1,2}\b|\s|[,;:!?]|\.(?!\w)|$)")
SHOUTED = 8  # letters, all capitals: a sentence typed with caps lock on, not an acronym
OPENERS = " \t\"'“‘(*_"
CLOSERS = " \t\"'”’)*_"
ENDINGS = ".!?…:"
MARKUP = tuple("*_~`")  # Slack's bold, italics, strike and code
# What opens a sentence before its point, to keep in front of a sentence said instead of it: a
# greeting and its name ("Hi Tom,"), an apology ("Sorry,", "I'm so sorry,"), or both.
OPENING = re.compile(
    rf"(?:(?P<greeting>{GREETING})(?:\s*[,!]\s*|\s+))?(?P<apology>(?i:(?:(?:i['’]?m|i\s+am)\s+)?"
    r"(?:(?:so|really|very|truly)\s+)?sorry|(?:my\s+)?apologies)\b)?"
)
# Words in double quotes on one line are someone else's, most often the customer's, said back
# to them ('you said "you can't help me"'): they are not the rep's tone, so never flagged.
QUOTED = re.compile(r'"[^"\n]{1,200}"|“[^”\n]{1,200}”')


@dataclass(frozen=True)
class ToneRule:
    """One entry of playbooks/tone.yaml."""

    id: str
    category: str
    patterns: tuple[str, ...]
    why: str
    rewrite: str
    penalty: int
    source: str
    fits: Fits  # where in its clause the rewrite reads well
    instead: str  # a whole sentence to offer where it does not
    label: str  # the phrase as people say it ("we're not responsible for"): the weekly summary's
    # Clauses next to the phrase, in its sentence, that its rewrite answers ("we can't chase
    # them" beside "you'll have to contact them yourself"): the rewrite takes their place too,
    # so that two rewrites never contradict each other in one sentence.
    covers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Flag:
    phrase: str  # exactly as found in the text
    start: int
    end: int
    rule: str
    category: str
    why: str
    rewrite: str  # the sentence the phrase is in, rewritten whole: what the rep can send
    replacement: str = ""  # what took the phrase's place in that sentence ("" = left out)
    # The sentence as typed when `rewrite` replaces it whole (some phrase in it has a rewrite
    # that would not read well spliced in): the rep sees which sentence it stands in for.
    instead_of: str = ""


@dataclass(frozen=True)
class ToneReport:
    text: str
    score: int  # 0..100, 100 = clean
    flags: list[Flag]  # in text order, no overlaps
    rewritten: str

    def phrases(self) -> list[tuple[Flag, int]]:
        """Each phrase once, as and where it is first said, with how many times the text says
        it: "as per policy" typed in four sentences is one phrase to change, not four."""
        said: dict[tuple[str, str], tuple[Flag, int]] = {}
        for flag in self.flags:
            # however it was typed: "As per policy" and "as per  policy" are one
            key = (" ".join(flag.phrase.casefold().split()), flag.rule)
            first, times = said.get(key, (flag, 0))
            said[key] = (first, times + 1)
        return list(said.values())


@dataclass(frozen=True)
class Matcher:
    """One compiled pattern: the regex, which of its groups are fill-ins ({1}, {2}, ...), which
    are fuzzy words to check for closeness, and anchors: bits of text of which one must be in
    a text for the pattern to match there. Skipping a regex on a missing anchor, matching
    lower-cased text and checking the word start in Python keep a check fast: a look-behind or
    IGNORECASE would make Python scan the text char by char instead of jumping to a prefix."""

    regex: re.Pattern[str]
    captures: tuple[int, ...]
    fuzzy: tuple[tuple[int, str], ...]
    anchors: tuple[str, ...]  # empty: always run the regex

    def spans(self, lowered: str) -> list[tuple[int, int, tuple[tuple[int, int], ...]]]:
        """Where the pattern matches `lowered` (a text in lower case), with where its fill-ins
        are, so that they can be taken from the text as the rep typed them."""
        if self.anchors and not any(anchor in lowered for anchor in self.anchors):
            return []
        found = []
        position = 0
        while match := self.regex.search(lowered, position):
            start, end = match.span()
            position = start + 1
            if start and _is_word(lowered[start - 1]) and _is_word(lowered[start]):
                continue  # inside a word: "cant" in "scant"; an emoji may follow one: "fault🙄"
            if not all(_close(match.group(group), word) for group, word in self.fuzzy):
                continue
            found.append((start, end, tuple(match.span(group) for group in self.captures)))
            position = max(end, position)
        return found


@dataclass(frozen=True)
class ToneRules:
    rules: tuple[ToneRule, ...]
    exceptions: tuple[str, ...]  # clean phrases that look like problems, same pattern language
    # Kinds of party by list name ("ours", "theirs") and named pieces of regex, both of which
    # re: patterns use as @name.
    parties: tuple[tuple[str, tuple[str, ...]], ...] = ()
    parts: tuple[tuple[str, str], ...] = ()
    # Compiled once here so that checking a text is only matching.
    matchers: tuple[tuple[Matcher, ...], ...] = field(init=False, repr=False, compare=False)
    cover_matchers: tuple[tuple[Matcher, ...], ...] = field(init=False, repr=False, compare=False)
    exception_matchers: tuple[Matcher, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        named = Named(dict(self.parties), dict(self.parts))

        def compiled(patterns: tuple[str, ...]) -> tuple[Matcher, ...]:
            return tuple(compile_pattern(named.expand(p)) for p in patterns)

        object.__setattr__(self, "matchers", tuple(compiled(r.patterns) for r in self.rules))
        object.__setattr__(self, "cover_matchers", tuple(compiled(r.covers) for r in self.rules))
        object.__setattr__(self, "exception_matchers", compiled(self.exceptions))


NAME = re.compile(r"@([a-z][a-z-]*)")


@dataclass(frozen=True)
class Named:
    """What @name in a re: pattern stands for: a list of kinds of party under `parties`, as one
    choice of its entries (longest first, words apart by any spaces), or a piece of regex under
    `parts`, which may name lists in turn."""

    parties: dict[str, tuple[str, ...]] = field(default_factory=dict)
    parts: dict[str, str] = field(default_factory=dict)

    def expand(self, pattern: str, depth: int = 0) -> str:
        """The pattern with each @name spelled out; ValueError for a name the file lacks."""
        if not pattern.startswith("re:") and depth == 0 or "@" not in pattern:
            return pattern

        def spelled(match: re.Match[str]) -> str:
            name = match[1]
            if name in self.parties:
                kinds = sorted(self.parties[name], key=len, reverse=True)
                words = (r"\s+".join(map(re.escape, kind.split())) for kind in kinds)
                return "(?:" + "|".join(words) + ")"
            if name in self.parts and depth < 3:
                return "(?:" + self.expand(self.parts[name], depth + 1) + ")"
            raise ValueError(f"@{name}: no such list under parties, nor part under parts")

        return NAME.sub(spelled, pattern)


# Compiled once a process: a Matcher is immutable, and the rules are read again at every
# reload, their few hundred patterns some 0.1 s each time. Bounded, as leads edit patterns.
@functools.lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> Matcher:
    """A pattern as written in tone.yaml as a Matcher; raises ValueError saying what is wrong."""
    if pattern.startswith("re:"):
        try:
            regex = re.compile(pattern[3:].strip())
        except re.error as error:
            raise ValueError(f"regex does not compile: {error}") from None
        if regex.match(""):
            raise ValueError("regex matches empty text")
        return Matcher(regex, tuple(range(1, regex.groups + 1)), (), ())
    parts: list[str] = []
    captures: list[int] = []
    fuzzy: list[tuple[int, str]] = []
    anchors: tuple[str, ...] = ()
    group = 0
    required = False  # a required word came before: the next word needs a gap before it
    after_gap = False  # the word before was a gap (..3): the next must be a required word
    for word in pattern.lower().replace("’", "'").split():
        if word.startswith(".."):
            if after_gap:
                raise ValueError(f"{word}: two gaps in a row; write one, such as ..4")
            if not required:
                raise ValueError(f"{word}: a gap must come after a word that is not optional")
            group += 1
            captures.append(group)
            parts.append(_gap(word))
            after_gap = True
            continue
        optional = word.endswith("?") and len(word) > 1
        if optional and after_gap:
            raise ValueError(f"{word}: a gap must be followed by a word that is not optional")
        after_gap = False
        word = word[:-1] if optional else word
        word_anchors: tuple[str, ...] = ()
        if word == "*":
            group += 1
            captures.append(group)
            body = r"(\w[\w'’-]*)"
        elif "*" in word and "/" not in word:
            group += 1
            captures.append(group)
            body = "(" + r"\w*".join(_literal(piece)[0] for piece in word.split("*")) + ")"
        elif word.endswith("~"):
            word = word[:-1]
            if "/" in word or not word.isalpha() or len(word) < 5:
                raise ValueError(f"{word}~: only a plain word of 5 letters or more can be fuzzy")
            group += 1
            fuzzy.append((group, word))
            # Misspellings keep the first two letters (see _close): a prefix the regex can find.
            body = rf"({word[:2]}[^\W\d_]{{{len(word) - 4},{len(word)}}})"
            word_anchors = (word[:2],)
        elif "/" in word:
            alternatives = word.split("/")
            if not all(alternatives):
                raise ValueError(f"{word!r} has an empty alternative")
            group += 1
            captures.append(group)
            literals = [_literal(alternative) for alternative in alternatives]
            body = "(" + "|".join(regex for regex, _ in literals) + ")"
            word_anchors = tuple(anchor for _, some in literals for anchor in some)
        elif re.search(r"\w", word):
            body, word_anchors = _literal(word)
        else:
            raise ValueError(f"{word!r} is not a word")
        if not optional:
            parts.append((GAP if required else "") + body)
            required = True
            # The rarest-looking word makes the best anchor: the one whose forms are longest.
            if word_anchors and min(map(len, word_anchors)) > min(map(len, anchors), default=0):
                anchors = word_anchors
        else:
            parts.append(f"(?:{GAP}{body})?" if required else f"(?:{body}{GAP})?")
    if after_gap:
        raise ValueError("a gap must be followed by a word that is not optional")
    if not anchors:
        raise ValueError("a pattern needs a word that is neither * nor optional")
    regex = re.compile("".join(parts) + r"(?!\w)")
    return Matcher(regex, tuple(captures), tuple(fuzzy), anchors)


def _gap(word: str) -> str:
    """A gap (..3) as a regex: one group holding up to that many words, and optional as a
    whole, so that no words skipped is a match too (the fill-in is then "")."""
    found = GAP_TOKEN.fullmatch(word)
    if not found or not 1 <= int(found[1]) <= MAX_GAP:
        raise ValueError(
            f"{word!r}: a gap is .. and a number of words from 1 to {MAX_GAP}, as in ..2"
        )
    return f"(?:{GAP}({GAP_WORD}(?:{GAP}{GAP_WORD}){{0,{int(found[1]) - 1}}}))?"


def _literal(word: str) -> tuple[str, tuple[str, ...]]:
    """One lower-case word as a regex, with anchors: any apostrophe optional, and
    can't/won't/isn't also written out."""
    forms = [word]
    if word.endswith("n't"):
        forms += NOT_FORMS.get(word, (word[:-3] + " not",))
    regex = "|".join(r"\s+".join(map(re.escape, form.split())) for form in forms)
    regex = regex.replace("'", APOSTROPHE)
    # Any text that matches holds the longest apostrophe-free run of one of the forms.
    anchors = tuple(max(re.split(r"[\s']+", form), key=len) for form in forms)
    return (regex if len(forms) == 1 else f"(?:{regex})"), anchors


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _close(typed: str | None, word: str) -> bool:
    """A misspelling of a long word: same first two letters, one edit (two from 10 letters)."""
    if typed is None:
        return False
    allowed = 1 if len(word) < 10 else 2
    return typed[:2] == word[:2] and OSA.distance(typed, word, score_cutoff=allowed) <= allowed


def _rule_id(value: str) -> str:
    if not ID.match(value):
        raise ValueError("use lower-case-with-dashes")
    return value


# An unknown field is only a warning: the rule works without it.
class RuleShape(Shape, title="field", extra="allow"):
    id: Annotated[str, AfterValidator(_rule_id)]
    category: Text
    patterns: list[str] = Field(min_length=1, description="a list of phrases")
    why: Text
    # Empty: the phrase is best left out ("unfortunately"). None only with fits: nowhere.
    rewrite: Annotated[str, StringConstraints(strip_whitespace=True)] | None = None
    penalty: int = Field(ge=1, le=100, description="a whole number from 1 to 100")
    fits: Fits = "anywhere"
    # None: the sentence of its category, under `instead` at the top of the file.
    instead: Text | None = None
    covers: list[str] = Field(default_factory=list, description="a list of phrases")
    # Empty: the first pattern that is a phrase, read out (`_said`).
    label: Annotated[str, StringConstraints(strip_whitespace=True)] = ""


# Each rule and each exception is checked on its own: a bad one is left out, the others work.
class ToneFile(Shape, extra="allow"):
    rules: list[object] = Field(description="a list of rules")
    exceptions: list[object] = Field(default_factory=list, description="a list of phrases")
    instead: dict[str, Text] = Field(
        default_factory=dict, description="a mapping of categories to sentences"
    )
    parties: dict[str, list[Text]] = Field(
        default_factory=dict, description="a mapping of list names to kinds of party"
    )
    parts: dict[str, Text] = Field(
        default_factory=dict, description="a mapping of names to pieces of regex"
    )


def load_tone_rules(playbooks_dir: str | Path) -> tuple[ToneRules, list[Problem]]:
    """The rules of playbooks/tone.yaml that are sound, and a problem (file:line) for each
    one that is not: bad YAML, a missing field, a pattern that does not compile, ..."""
    path = Path(playbooks_dir) / FILE_NAME
    name = str(path)
    if not path.is_file():
        return ToneRules((), ()), [Problem(name, 0, "file not found")]
    problems: list[Problem] = []
    loaded = load_shape(path, ToneFile, problems)
    if loaded is None:
        return ToneRules((), ()), problems
    content, root = loaded
    parties = {key: tuple(kind.lower() for kind in kinds) for key, kinds in content.parties.items()}
    named = Named(parties, _parts(content.parts, root, name, problems))
    rules: list[ToneRule] = []
    seen: dict[str, int] = {}
    for item, node in zip(content.rules, item_nodes(root, "rules"), strict=True):
        rule = _load_rule(item, node, name, seen, content.instead, named, problems)
        if rule is not None:
            rules.append(rule)
    exceptions: list[str] = []
    for phrase, node in zip(content.exceptions, item_nodes(root, "exceptions"), strict=True):
        if not isinstance(phrase, str):
            message = f"exception: pattern {phrase!r} must be text"
            problems.append(Problem(name, line_of(node), message))
        elif _compiled(phrase, line_of(node), "exception", name, problems, named) is not None:
            exceptions.append(phrase)
    tone = ToneRules(tuple(rules), tuple(exceptions), tuple(parties.items()),
                     tuple(named.parts.items()))  # fmt: skip
    return tone, problems


def _parts(
    parts: dict[str, str], root: yaml.Node | None, name: str, problems: list[Problem]
) -> dict[str, str]:
    """The named pieces of regex that compile and capture nothing (a rule's {1}, {2}, ... are
    its own groups); a problem at the line of each that does not."""
    lines = key_lines(value_node(root, "parts"))
    sound = {}
    for key, part in parts.items():
        try:
            groups = re.compile(part).groups
        except re.error as error:
            groups = -1
            message = f"part {key}: regex does not compile: {error}"
        else:
            message = f"part {key}: use (?:...), not (...): a part captures nothing"
        if groups:
            problems.append(Problem(name, lines.get(key, 0), message))
        else:
            sound[key] = part
    return sound


def _load_rule(
    item: object,
    node: yaml.Node,
    name: str,
    seen: dict[str, int],
    instead_of_category: dict[str, str],
    named: Named,
    problems: list[Problem],
) -> ToneRule | None:
    rule_id = item.get("id") if isinstance(item, dict) else None
    prefix = f"{rule_id}: " if isinstance(rule_id, str) else "rule: "
    found: list[Problem] = []
    shaped = check_shape(item, node, RuleShape, name, found, prefix)
    # A rule that is never spliced in needs no rewrite; any other does.
    if isinstance(item, dict) and "rewrite" not in item and item.get("fits") != "nowhere":
        found.append(Problem(name, line_of(node), f"{prefix}missing rewrite"))
        shaped = None
    problems += sorted(found, key=lambda problem: problem.line)
    if shaped is None:
        return None
    id_line = line_at(node, ("id",))
    if shaped.id in seen:
        message = f"duplicate id {shaped.id!r} (first at line {seen[shaped.id]})"
        problems.append(Problem(name, id_line, message))
        return None
    seen[shaped.id] = id_line
    # What a shape cannot see: whether each pattern compiles, and has the rewrite's fill-ins.
    bad = False
    for pattern, pattern_node in zip(shaped.patterns, item_nodes(node, "patterns"), strict=True):
        matcher = _compiled(pattern, line_of(pattern_node), shaped.id, name, problems, named)
        if matcher is None:
            bad = True
            continue
        for number in PLACEHOLDER.findall(shaped.rewrite or ""):
            if not 0 <= int(number) <= len(matcher.captures):
                message = (
                    f"{shaped.id}: rewrite uses {{{number}}} but {pattern!r} has "
                    f"{len(matcher.captures)} fill-ins (a *, a/b word or ..N gap each)"
                )
                problems.append(Problem(name, line_of(pattern_node), message))
                bad = True
    for pattern, pattern_node in zip(shaped.covers, item_nodes(node, "covers"), strict=True):
        line = line_of(pattern_node)
        bad |= _compiled(pattern, line, shaped.id, name, problems, named) is None
    instead = shaped.instead or instead_of_category.get(shaped.category)
    if instead is None:
        message = (f"{shaped.id}: no instead sentence: give the rule one, or its category "
                   f"{shaped.category!r} one under instead at the top of the file")  # fmt: skip
        problems.append(Problem(name, id_line, message))
        return None
    if PLACEHOLDER.search(instead):
        message = f"{shaped.id}: instead is a whole sentence of its own: it cannot use {{1}}"
        problems.append(Problem(name, id_line, message))
        return None
    if bad:
        return None
    phrases = [pattern for pattern in shaped.patterns if not pattern.startswith("re:")]
    label = shaped.label or (" ".join(_said(phrases[0])) if phrases else readable(shaped.id))
    label = LOWER_I.sub("I", label)  # patterns are lower case; "as i said" is no way to write it
    if not shaped.label and not phrases:
        message = (
            f"{shaped.id}: no label, and its patterns are all re: ones, so the weekly summary "
            f"calls it {label!r}; add label: with the phrase as people say it"
        )
        problems.append(Problem(name, id_line, message, "warning"))
    source = f"{name}:{line_of(node)}"
    return ToneRule(shaped.id, shaped.category, tuple(shaped.patterns), shaped.why,
                    shaped.rewrite or "", shaped.penalty, source, shaped.fits, instead,
                    label, tuple(shaped.covers))  # fmt: skip


def _compiled(
    pattern: str,
    line: int,
    owner: str,
    name: str,
    problems: list[Problem],
    named: Named | None = None,
) -> Matcher | None:
    try:
        return compile_pattern((named or Named()).expand(pattern))
    except ValueError as error:
        problems.append(Problem(name, line, f"{owner}: pattern {pattern!r}: {error}"))
        return None


def _filler(phrase: str, fills: tuple[str, ...]) -> Callable[[re.Match[str]], str]:
    """What replaces each {1}, {2}, ... of a rewrite: the text its fill-in matched; {0} is the
    whole phrase as typed, for a rewrite that keeps the rep's no and adds what we can do."""
    return lambda match: fills[int(match.group(1)) - 1] if int(match.group(1)) else phrase


def check_tone(text: str, rules: ToneRules) -> ToneReport:
    """The phrases in `text` that hurt, a score (100 = clean) and the text rewritten."""
    text = text if isinstance(text, str) else ""
    lowered = _lower(text)
    # Which chars are taken (by an exception, then by a chosen flag), one byte each, so that
    # an overlap test is one slice however many phrases a long text has.
    clean = bytearray(len(text))
    for start, end in _quoted(text):
        clean[start:end] = b"\1" * (end - start)
    for matcher in rules.exception_matchers:
        for start, end, _ in matcher.spans(lowered):
            clean[start:end] = b"\1" * (end - start)
    candidates = []
    for order, (rule, matchers) in enumerate(zip(rules.rules, rules.matchers, strict=True)):
        for matcher in matchers:
            for start, end, places in matcher.spans(lowered):
                if 1 not in clean[start:end]:
                    # A fill-in that did not take part in the match has the place (-1, -1): "".
                    fills = tuple(text[a:b] for a, b in places)
                    candidates.append((start, end, order, rule, fills))
    # Where phrases overlap the longest says most ("we won't be able to" over "we won't");
    # on a tie the rule listed first in the file wins.
    candidates.sort(key=lambda c: (c[0] - c[1], c[0], c[2]))
    taken = bytearray(len(text))
    chosen: list[tuple[int, int, int, ToneRule, tuple[str, ...]]] = []
    for candidate in candidates:
        start, end = candidate[0], candidate[1]
        if 1 not in taken[start:end]:
            taken[start:end] = b"\1" * (end - start)
            chosen.append(candidate)
    chosen = sorted(_with_covered(text, lowered, chosen, rules), key=lambda c: c[0])

    flags: list[Flag] = []
    pieces: list[str] = []
    position = 0
    left_out = False
    said_last = ""  # the sentence rewritten just before, when nothing but spaces follows it
    for start, end, chosen_here in _by_sentence(text, chosen):
        between = text[position:start]
        pieces.append(between)
        sentence, replacements, instead_of = _rewrite_sentence(text, start, end, chosen_here)
        # The same sentence again, as rewritten ("As per policy we cannot." typed four times)
        # is said once, as a phrase said again and again is.
        again = sentence.strip() == said_last and not between.strip()
        said_last = sentence.strip()
        pieces.append("" if again else sentence)
        position = end
        if not sentence or again:  # left out whole, with the space that followed it
            position = len(text) - len(text[end:].lstrip())
            left_out = True
        for (first, last, _, rule, _), replacement in zip(chosen_here, replacements, strict=True):
            if rule is COVERED:
                continue
            flags.append(
                Flag(text[first:last], first, last, rule.id, rule.category, rule.why,
                     sentence.strip(), replacement, instead_of)
            )  # fmt: skip
    pieces.append(text[position:])
    score = max(0, 100 - sum(rule.penalty for _, _, _, rule, _ in chosen))
    rewritten = "".join(pieces)
    return ToneReport(text, score, flags, rewritten.strip() if left_out else rewritten)


Chosen = tuple[int, int, int, ToneRule, tuple[str, ...]]  # start, end, order, rule, fill-ins
# A clause that a phrase's rewrite answers, left out in its favour: no flag, no points off.
COVERED = ToneRule("covered", "", (), "", "", 0, "", "anywhere", "", "")
# What may stand between a phrase and a clause it covers: after it, the rest of its clause
# ("the courier"), then a comma, a dash or a conjunction (and as typed: "&", "+"); before it,
# only those. A conjunction goes with the clause it joined: "ring them &." says nothing.
COVER_AFTER = re.compile(
    r"[^,.;:!?\n]*?\s*(?:[,;]|\s[-–—]+)?\s*(?P<joint>(?:(?:and|but|as|because|since|cos)\s|[&+])\s*)?"
)
COVER_REACH = 60  # chars between a phrase and a clause it covers, at most ("the courier, as")
COVER_BEFORE = re.compile(r"\s*(?:[,;]|\s[-–—]+)?\s*(?:(?:so|and|but)\s+|[&+]\s*)?")


def _with_covered(text: str, lowered: str, chosen: list[Chosen], rules: ToneRules) -> list[Chosen]:
    """The chosen phrases, and the clauses beside them in their sentence that their rewrites
    answer (`covers`), left out with the word that joined them: "I'll get in touch with the
    courier, we can [...] rather than chase them" would say yes and no at once. A phrase in
    such a clause ("can't") gives way."""
    covered: list[tuple[int, int]] = []
    found: dict[int, list[tuple[int, int]]] = {}  # each rule's covers, matched once a text
    for start, end, order, _, _ in chosen:
        if order not in found:
            matched = (matcher.spans(lowered) for matcher in rules.cover_matchers[order])
            found[order] = [(first, last) for spans in matched for first, last, _ in spans]
        for first, last in found[order]:
            if not (end <= first <= end + COVER_REACH or start - COVER_REACH <= last <= start):
                continue  # not beside it: most of a long text's
            if first >= end and (joined := COVER_AFTER.fullmatch(lowered, end, first)):
                covered.append((joined.start("joint") if joined["joint"] else first, last))
            elif last <= start and COVER_BEFORE.fullmatch(lowered, last, start):
                covered.append((first, start))
    if not covered:
        return chosen
    kept = [
        phrase for phrase in chosen
        if rules.cover_matchers[phrase[2]]
        or not any(phrase[0] < last and first < phrase[1] for first, last in covered)
    ]  # fmt: skip
    merged: list[list[int]] = []
    for first, last in sorted(covered):
        if merged and first < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    # never over a phrase that covers: each char is one phrase's at most
    return kept + [
        (first, last, -1, COVERED, ()) for first, last in merged
        if not any(phrase[0] < last and first < phrase[1] for phrase in kept)
    ]  # fmt: skip


def _by_sentence(text: str, chosen: list[Chosen]) -> list[tuple[int, int, list[Chosen]]]:
    """(start, end, phrases) of each sentence of `text` with a phrase to change, in order. A
    sentence ends at . ! ? (and the quotes or marks that close it) or a line break, never inside
    a phrase."""
    inside = bytearray(len(text) + 1)
    for start, end, *_ in chosen:
        inside[start + 1 : end] = b"\1" * (end - start - 1)
    starts = [0] + [m.end() for m in SENTENCE_BREAK.finditer(text) if not inside[m.end()]]
    result: list[tuple[int, int, list[Chosen]]] = []
    waiting = iter(chosen)  # in text order, as the sentences are
    phrase = next(waiting, None)
    for start, end in zip(starts, [*starts[1:], len(text)], strict=True):
        here = []
        while phrase is not None and phrase[0] < end:
            here.append(phrase)
            phrase = next(waiting, None)
        if here:
            result.append((start, end, here))
    return result


def _rewrite_sentence(
    text: str, start: int, end: int, chosen: list[Chosen]
) -> tuple[str, list[str], str]:
    """One sentence with its phrases replaced, read as a sentence, and what replaced each
    phrase; or, where a phrase's rewrite would not read well in it, the `instead` sentence of
    the first such phrase's rule in its place, with the sentence as typed (else "")."""
    misfit = next(
        (rule for index, (_, _, _, rule, _) in enumerate(chosen)
         if not _fits(rule.fits, *_clause_around(text, start, end, chosen, index))),
        None,
    )  # fmt: skip
    outcome = misfit or _splice(text, start, end, chosen)
    if not isinstance(outcome, ToneRule):
        return (*outcome, "")
    original = text[start:end]
    lead = original[: len(original) - len(original.lstrip())]
    trail = original[len(original.rstrip()) :]
    sentence = _as_sentence(MARKED.sub(_marked, outcome.instead))
    # The rep's greeting and apology open the sentence said instead, as they opened theirs:
    # "Sorry, here's what I can do instead: ...", never the apology lost.
    opening = OPENING.match(text, start, chosen[0][0])
    parts = opening.group("greeting", "apology") if opening else ()
    said = [part.strip() for part in parts if part]
    if said:
        first = sentence if re.match(r"I\b", sentence) else sentence[:1].lower() + sentence[1:]
        sentence = _as_sentence(", ".join([*said, first]))
    return lead + sentence + trail, [""] * len(chosen), original.strip()


def _clause_around(
    text: str, start: int, end: int, chosen: list[Chosen], index: int
) -> tuple[bool, bool]:
    """Whether phrase `index` of a sentence begins its clause and whether it ends it. Phrases
    to be left out do not count, and one replaced by a lead-in ("just to recap,") ends a
    clause; a conjunction begins one, and words such as "sorry" or "ok" are not its subject."""
    first, last = chosen[index][0], chosen[index][1]
    read = ADDRESSED.sub(" ", _as_read(text, start, first, chosen[:index]))
    words = WORD.findall(CLAUSE_BREAK.split(read)[-1])
    opened = [i for i, word in enumerate(words) if word.lower() in CONJUNCTIONS]
    words = words[opened[-1] + 1 :] if opened else words
    greeted = False
    for word in words:
        if not (word.lower() in DISCOURSE or word.lower() in GREETINGS
                or greeted and (word[:1].isupper() or word.lower() in GREETED_ALL)):  # fmt: skip
            return False, WORD.search(_rest_of_clause(text, last, end, chosen, index)) is None
        greeted = word.lower() in GREETINGS or greeted and word[:1].isupper()
    return True, WORD.search(_rest_of_clause(text, last, end, chosen, index)) is None


def _rest_of_clause(text: str, last: int, end: int, chosen: list[Chosen], index: int) -> str:
    return CLAUSE_BREAK.split(_as_read(text, last, end, chosen[index + 1 :]))[0]


def _as_read(text: str, start: int, end: int, chosen: list[Chosen]) -> str:
    """text[start:end] as its clauses will read once these phrases are rewritten: a phrase left
    out is a space, one rewritten as a lead-in a clause break, any other as it is."""
    pieces = []
    position = start
    for first, last, _, rule, _ in chosen:
        pieces.append(text[position:first])
        lead_in = rule.rewrite.endswith((",", ":"))
        pieces.append(" " if not rule.rewrite else ";" if lead_in else text[first:last])
        position = last
    pieces.append(text[position:end])
    return "".join(pieces)


def _fits(fits: Fits, at_start: bool, at_end: bool) -> bool:
    """Whether a rewrite that fits so reads well where its phrase is in its clause."""
    return {
        "anywhere": True,
        "start": at_start,
        "after words": not at_start,
        "end": not at_start and at_end,
        "whole": at_start and at_end,
        "nowhere": False,
    }[fits]


def _splice(
    text: str, start: int, end: int, chosen: list[Chosen]
) -> tuple[str, list[str]] | ToneRule:
    """One sentence with its phrases replaced, read as a sentence: a capital at the start and
    punctuation at the end, no connector left hanging ("rather than." or ", just to recap,"),
    no connector said twice; and what replaced each phrase. Or the rule of a phrase whose
    connector would be left with words that end on a preposition ("rather than help with,") or
    meet one ("get in touch with in store"): that sentence is better said another way."""
    pieces: list[str] = []
    replacements: list[str] = []
    last_said = ""  # the last replacement put in the sentence
    position = start
    for index, (first, last, _, rule, fills) in enumerate(chosen):
        pieces.append(text[position:first])
        if not index:
            pieces[-1] = _greeting_comma(pieces[-1])
        position = last
        filler = _filler(text[first:last], fills)
        replacement = PLACEHOLDER.sub(filler, MARKED.sub(_marked, rule.rewrite))
        # A fill-in that is empty (a gap that skipped nothing) leaves no double space behind,
        # nor the comma that was to follow it ("{1}, here's what I can do" without a "sorry").
        replacement = DOUBLE_SPACE.sub(" ", replacement).strip(" ").lstrip(", ")
        following = chosen[index + 1][0] if index + 1 < len(chosen) else end
        rest = text[position:following]  # up to the next phrase
        after = text[position:end]  # what follows in the sentence
        # Two phrases joined by "&" or "and" where one is rewritten as a lead-in or left out
        # ("as I said & as per policy") lose the joint, which would join nothing ("Just to
        # recap, & as a rule"), and lead together into what follows the second.
        joined = _joined(rule, chosen[index + 1][3] if index + 1 < len(chosen) else None, rest)
        if joined:
            after = text[chosen[index + 1][1] : end]
        clause = CLAUSE.match(rest)
        stranded = (
            clause is not None
            and (clause.end() < len(rest) or following == end)  # the clause ends before a phrase
            and STRANDED.search(clause[0]) is not None
        )
        if rule is COVERED and following == end and _is_tail(rest.lstrip(" ,")):
            # A clause left out before a word that closes the sentence ("& we can't chase them
            # *sorry*") leaves that word its comma: "so please ring them, *sorry*."
            pieces[-1] = pieces[-1].rstrip(" ,")
            position += len(rest) - len(rest.lstrip(" ,"))
            pieces.append(", ")
            replacements.append(", ")
            continue
        elif replacement.endswith((",", ":")):
            # A lead-in ("just to recap,") with nothing after it to lead into is left out; one
            # that leads into "that it ships Monday" leads into "it ships Monday".
            if after.lstrip(" ,")[:1] in SENTENCE_STOPS:
                replacement = ""
            elif that := LEADING_THAT.match(after):
                position += that.end()
                rest = rest[that.end() :]
        elif DANGLING.search(replacement) and (stranded or PREPOSITION.match(rest)):
            return rule  # "I'll get in touch with in store": the sentence is better said anew
        elif DANGLING.search(replacement) and after.lstrip()[:1] in CLAUSE_STOPS:
            # A connector ("rather than") with nothing left in its clause to connect goes.
            replacement = DANGLING.sub("", replacement)
        said_again = replacement and replacement.casefold() == last_said.casefold()
        if said_again and not pieces[-1].strip(" ,"):
            # The same phrase again and again ("as per policy, as per policy, we") is rewritten
            # once: "As a rule, we", never "As a rule as a rule". The repeat goes with what
            # came before it, so what follows it follows the first: "As a rulewe" was a comma
            # and a space both taken as the repeat's.
            pieces[-1] = ""
            replacements.append("")
            continue
        if joined:
            pieces.append(replacement)
            replacements.append(replacement)
            last_said = replacement or last_said
            # "as a rule" before a lead-in gets a comma of its own: "As a rule, just to recap,"
            next_leads_in = chosen[index + 1][3].rewrite.endswith((",", ":"))
            ends = replacement.endswith((",", ":"))
            pieces.append(", " if replacement and not ends and next_leads_in else " ")
            position = following
            continue
        if not replacement:
            # Left out with the commas that went with it: "Sadly, it's" is "It's", and "we are,
            # sadly, out" is "we are out"; a comma between two clauses stays: "not my area I'm
            # afraid, try" is "not my area, try".
            opening = not "".join(pieces).strip()
            comma_next = rest.lstrip(" ").startswith(",")
            enclosed = comma_next and pieces[-1].rstrip().endswith(",")
            if enclosed:
                pieces[-1] = pieces[-1].rstrip()[:-1] + " "
            if opening or enclosed or not comma_next:
                position += len(rest) - len(rest.lstrip(" ,")) if rest.strip() else 0
            if pieces[-1][-1:].isalnum() and text[position : position + 1].isalnum():
                pieces[-1] += " "  # a phrase typed without a space before it: "way🙄 thanks"
        elif replacement.endswith((",", ":")) and text[position : position + 1] == ",":
            position += 1  # a replacement that ends in its own comma takes the next one's place
        pieces.append(replacement)
        replacements.append(replacement)
        last_said = replacement or last_said
    pieces.append(text[position:end])
    original = text[start:end]
    lead = original[: len(original) - len(original.lstrip())]
    trail = original[len(original.rstrip()) :]
    said = "".join(pieces).strip()
    letters = [char for char in original if char.isalpha()]
    if len(letters) >= SHOUTED and all(char.isupper() for char in letters):
        said = said.lower()  # typed in capitals: the rewrite does not shout back
    sentence = _as_sentence(said)
    if not any(c.isalnum() for c in sentence):
        return "", replacements  # the sentence was only the phrase ("Unfortunately."): it goes
    return lead + sentence + trail, replacements


def _greeting_comma(opening: str) -> str:
    """A sentence's words before its first phrase with the comma a greeting and its name get
    ("Hi Tom, I'll ...", "Hello Maria, we can ..."), whether the phrase comes right after the
    greeting or after the clause's subject. A bare "Dear" or "Morning" before other words gets
    none: "Morning deliveries", "Dear customer" are no greeting to be sure of."""
    # the greeting with all of its name, then a space: "Hi Tom, we" has its comma already
    greeted = GREETED.match(opening)
    if greeted is None or not opening[greeted.end() : greeted.end() + 1].isspace():
        return opening
    rest = opening[greeted.end() :].lstrip()
    words = WORD.findall(greeted[0])
    if rest and len(words) == 1 and words[0].lower() not in BARE_GREETINGS:
        return opening
    return greeted[0].rstrip() + ", " + rest


def _joined(rule: ToneRule, following: ToneRule | None, between: str) -> bool:
    """Whether a phrase and the next are joined by "and", "&" or "+" alone, and one of them is
    rewritten as a lead-in ("just to recap,") or left out, so that the joint joins nothing."""
    if following is None or COVERED in (rule, following) or not JOINT.fullmatch(between):
        return False
    return any(not r.rewrite or r.rewrite.endswith((",", ":")) for r in (rule, following))


def _is_tail(rest: str) -> bool:
    """Whether what follows a clause left out is a word or two that close its sentence
    ("sorry", "*sorry*"), not a clause of its own ("and it's late") nor its full stop."""
    words = WORD.findall(rest)
    opening = rest.lstrip(" \t*_~")[:1]
    return 0 < len(words) <= 2 and words[0].lower() not in CONJUNCTIONS and opening.isalpha()


def _marked(match: re.Match[str]) -> str:
    """[what you can do] as the rep will see it: [add: what you can do]."""
    return f"[add: {match[1]}]"


def _as_sentence(core: str) -> str:
    """The sentence tidied: its spaces and commas, a connector or a clause said twice once, "i"
    as "I", a capital first and punctuation last."""
    core = LOWER_I.sub("I", DOUBLE_SPACE.sub(" ", core))
    core = SPACE_BEFORE.sub("", core)
    core = COMMA_BEFORE_STOP.sub("", DOUBLE_COMMA.sub(",", core))
    core = CLAUSE_AGAIN.sub(r"\1\2", REPEATED.sub(r"\1", core))
    core = core.lstrip(" ,;")
    emoji = TRAILING_EMOJI.search(core)
    if emoji and emoji.start() and core[: emoji.start()].strip(CLOSERS + ",;"):
        return _as_sentence(core[: emoji.start()]) + core[emoji.start() :]
    if not core:
        return core
    opening = len(core) - len(core.lstrip(OPENERS))
    if not ADDRESSED.match(core, opening):  # "https://..." and "<@U123>" stay as typed
        core = core[:opening] + core[opening : opening + 1].upper() + core[opening + 1 :]
    closing = len(core.rstrip(CLOSERS))
    body, marks = core[:closing].rstrip(" ,;"), core[closing:]
    if body and body[-1] not in ENDINGS:
        # after the customer's *bold* or _italics_ (the point is not theirs), inside a quote
        return body + marks + "." if marks.rstrip(" \t")[-1:] in MARKUP else body + "." + marks
    return body + marks


def _quoted(text: str) -> list[tuple[int, int]]:
    """Where the quotations in `text` are; none when one quote wraps the whole text, as when a
    rep pastes a draft in quotes."""
    spans = [match.span() for match in QUOTED.finditer(text)]
    if len(spans) == 1 and not text[: spans[0][0]].strip() and not text[spans[0][1] :].strip():
        return []
    return spans


def _lower(text: str) -> str:
    """The text in lower case, char for char, so that places in it are places in the text
    (a few letters, such as the Turkish İ, lower-case to two chars: those are kept)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(char if len(char.lower()) != 1 else char.lower() for char in text)


def phrase_labels(rules: ToneRules) -> dict[str, str]:
    """Each rule's id with its label, the phrase it catches as a person would say it: the
    weekly summary names phrases, never rule ids or patterns."""
    return {rule.id: f"“{rule.label}”" for rule in rules.rules}


def _said(pattern: str) -> list[str]:
    """A phrase pattern's words as said: a gap or a wildcard ("*", "*ed") is "…" (once for
    several in a row), a choice its first word, an optional word left out, a misspelling mark
    dropped."""
    words: list[str] = []
    for word in pattern.split():
        if word.endswith("?"):
            continue
        said = "…" if "*" in word or word.startswith("..") else word.split("/")[0].rstrip("~")
        if said != "…" or words[-1:] != ["…"]:
            words.append(said)
    return words

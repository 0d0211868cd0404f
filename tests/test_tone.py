"""The tone checker behind /tone: what it flags and what it leaves alone, the rewrites, the
score, odd input, and the rules file with its problems named by file and line."""

import csv
import re
import sys
from itertools import pairwise
from pathlib import Path

import pytest

from bot.coaching.tone import (
    Flag,
    ToneRule,
    ToneRules,
    check_tone,
    compile_pattern,
    load_tone_rules,
)

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from tone_quality import measure  # noqa: E402


@pytest.fixture(scope="module")
def rules() -> ToneRules:
    loaded, problems = load_tone_rules(ROOT / "playbooks")
    assert problems == []
    return loaded


def test_precision_and_recall_on_the_sentence_set_are_above_0_9(rules):
    quality = measure(rules, ROOT / "tests/data/tone_sentences.csv")
    assert quality.precision > 0.9, quality.false_positives
    assert quality.recall > 0.9, quality.false_negatives


def test_precision_and_recall_on_the_held_out_set_keep_their_level(rules):
    # Written apart from the rules, before they were tuned on it (precision 0.875 and recall
    # 0.524 then, 0.978 and 0.930 after phrase rules, 0.984 and 0.968 after gap patterns): a
    # small margin below where the rules stand now.
    quality = measure(rules, ROOT / "tests/data/tone_holdout.csv")
    assert quality.precision >= 0.97, quality.false_positives
    assert quality.recall >= 0.95, quality.false_negatives


def test_precision_and_recall_on_the_fresh_set_keep_their_level(rules):
    # Never tuned on at first (0.892 and 0.550), then used to develop the gap patterns (1.0 and
    # 1.0 after), so it guards that work; tests/data/tone_fresh2.csv gives the honest figure.
    quality = measure(rules, ROOT / "tests/data/tone_fresh.csv")
    assert quality.precision >= 0.97, quality.false_positives
    assert quality.recall >= 0.95, quality.false_negatives


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("sorry we cant refund that", "can't-language"),
        ("we are unable to change it", "can't-language"),
        ("Unfortunatly it's sold out", "can't-language"),
        ("that's not our dept", "deflection"),
        ("you'll have to contact the courier", "deflection"),
        ("you should have read the email", "blame"),
        ("it's your fault", "blame"),
        ("u need to restart it", "lecturing"),
        ("like I said, it ships monday", "lecturing"),
        ("please calm down", "lecturing"),
        ("hopefully it turns up", "hedging"),
        ("I'll try to fix it", "hedging"),
        ("as per policy refunds take 5 days", "policy"),
        ("our policy is no refunds", "policy"),
        ("we dont offer refunds on gift cards", "can't-language"),
        ("my hands are tied", "can't-language"),
        ("we're not responsible for the courier", "deflection"),
        ("the problem is on your end", "blame"),
        ("per my last email, it shipped monday", "lecturing"),
        ("there is no need to shout", "lecturing"),
        # reworded can't-language, caught by patterns with a gap rather than fixed phrases
        ("the policy really doesn't allow us to refund you", "policy"),
        ("company rules don't let me waive it", "policy"),
        ("refunds are not permitted on sale items", "can't-language"),
        ("that isn't something we can change", "can't-language"),
        ("the portal just won't accept that card", "can't-language"),
        ("you gave us the wrong postcode", "blame"),
        # kinds of phrasing a QA play found passing as clean
        ("sorry, that isn't something we offer", "can't-language"),
        ("it's really your job to keep the receipt", "blame"),
        ("the onus is on you to check the size chart", "blame"),
        ("you're responsible for the return postage", "blame"),
        ("another team will have to handle that", "deflection"),
        ("u need to ask someone else", "deflection"),
    ],
)
def test_each_category_is_caught(rules, text, category):
    assert [flag.category for flag in check_tone(text, rules).flags] == [category]


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for waiting! I've sent a new box today, it will be there Friday.",
        "I can't wait to help",
        "no problem at all",
        "I can't thank you enough",
        "you won't need to do anything",
        "there's nothing you need to do",
        "you don't have to worry",
        "you won't be charged again",
        "It's not your fault, the page showed the wrong price.",
        "I won't close the case until you confirm it's working.",
        "I can't stress enough how sorry I am.",
        "Our policy is to refund delivery fees when we're late.",
        "It wasn't your fault at all, and I've refunded the fee.",
        "I'm so sorry you were told the wrong thing earlier.",
        "I won't leave you without an answer: I'll call you back by 3 pm.",
        "That isn't something you need to worry about, I've sorted it.",
        # beside the rules for a flat no, blame and "someone else"
        "That's not something we offer yet, but I can add you to the waiting list.",
        "It's not your responsibility to chase the courier, I'll do that.",
        "You're not responsible for the return postage.",
        "If you're out, someone else will have to sign for it.",
    ],
)
def test_clean_text_gets_a_clean_bill(rules, text):
    report = check_tone(text, rules)
    assert (report.score, report.flags, report.rewritten) == (100, [], text)


def test_the_customers_words_in_quotes_are_not_flagged_but_a_quoted_draft_is(rules):
    assert check_tone("You said \"you can't help me\", so I've fixed it now.", rules).flags == []
    assert [flag.phrase for flag in check_tone('"we can\'t refund that"', rules).flags] == ["can't"]


def test_flags_name_the_phrase_where_it_is_with_why_and_a_rewrite(rules):
    text = "Unfortunately we can't refund you, policy says 30 days."
    report = check_tone(text, rules)
    assert [flag.phrase for flag in report.flags] == ["Unfortunately", "can't", "policy says"]
    assert all(text[flag.start : flag.end] == flag.phrase for flag in report.flags)
    assert all(flag.why and flag.rewrite for flag in report.flags)
    assert report.rewritten == (
        "We can [add: what you can do] rather than refund you, here's how it works: 30 days."
    )
    # Each flag suggests its whole sentence, rewritten; "unfortunately" is best left out.
    assert {flag.rewrite for flag in report.flags} == {report.rewritten}
    assert [flag.replacement for flag in report.flags] == [
        "", "can [add: what you can do] rather than", "here's how it works:",
    ]  # fmt: skip
    assert {flag.instead_of for flag in report.flags} == {""}  # spliced, not replaced whole


@pytest.mark.parametrize(
    ("text", "rewritten"),
    [
        ("You need to restart the router.", "Please restart the router."),
        ("As I said, the refund takes 5 days.", "Just to recap, the refund takes 5 days."),
        ("i'll try to get it sorted today", "I'll get it sorted today."),
        (
            "I won't be able to call today",
            "I will be able to [add: what you can do] rather than call today.",
        ),
        ("ok we wont refund it", "Ok we will [add: what you will do] rather than refund it."),
        ("calm down please, I'm on it", "I understand this is frustrating, I'm on it."),
        ("u forgot to enter the code", "Let's make sure to enter the code."),
        (
            "that's not our dept, sorry",
            "That's something I'll sort out with the right team for you, sorry.",
        ),
        # the examples of issue 13: nothing left hanging, nothing said twice
        (
            "unfortunately we can't do that, as I said",
            "We can [add: what you can do] rather than do that.",
        ),
        (
            "It's not our fault, the courier lost it.",
            "I'm sorry this happened, and I'll help put it right, the courier lost it.",
        ),
        ("Sadly, it's sold out", "It's sold out."),
        ("It's sold out, unfortunately.", "It's sold out."),
        ("we can't, sorry", "We can [add: what you can do], sorry."),
        ("I can't.", "I can [add: what you can do]."),
        (
            "Hi Sam,\nunfortunately we can't.\nThanks",
            "Hi Sam,\nWe can [add: what you can do].\nThanks",
        ),
        # a phrase said again and again is rewritten once (a new-user QA play got "As a rule
        # as a rule as a rule.")
        ("as per policy as per policy as per policy", "As a rule."),
        ("As per policy, as per policy, we refund in 5 days.", "As a rule, we refund in 5 days."),
        ("as per policy, per our policy, you need to wait", "As a rule, please wait."),
        # what follows the last repeat follows the first (a QA play got "As a rulewe can")
        (
            "As per policy, as per policy, as per policy we cannot refund.",
            "As a rule we can [add: what you can do] rather than refund.",
        ),
        # two phrases joined by "&" or "and", one a lead-in, lose the joint (QA got "Just to
        # recap, & as a rule we can ..." and "... rather than do that, just to recap, & as a rule.")
        (
            "as I said & as per policy we cannot refund",
            "Just to recap, as a rule we can [add: what you can do] rather than refund.",
        ),
        (
            "unfortunately we can't do that, as I said & as per policy",
            "We can [add: what you can do] rather than do that, as a rule.",
        ),
        (
            "as I said + as per policy, the refund takes 5 days",
            "Just to recap, as a rule, the refund takes 5 days.",
        ),
        (
            "as I said & as per my previous email, the refund takes 5 days",
            "Just to recap, the refund takes 5 days.",
        ),
        (
            "as I said and unfortunately we cannot refund",
            "Just to recap, we can [add: what you can do] rather than refund.",
        ),
        # a clause or a sentence typed again and again is said once, with no comma doubled (a
        # QA play got "Just to recap,, we can ..., we can ..., we can ...")
        (
            "as I said, as I said, unfortunately we can't, we can't",
            "Just to recap, we can [add: what you can do].",
        ),
        ("We can't. We can't. We can't.", "We can [add: what you can do]."),
        (
            "We can't. Thanks. We can't.",
            "We can [add: what you can do]. Thanks. We can [add: what you can do].",
        ),
        (
            "Unfortunately we can't refund it, it ships Monday.",
            "We can [add: what you can do] rather than refund it, it ships Monday.",
        ),
        # "yourself" follows the phrase: the rep doing it does it for them (a QA play got
        # "Just to recap, I'll get in touch with the courier yourself.")
        (
            "As I said, you need to contact the courier yourself.",
            "Just to recap, I'll get in touch with the courier for you.",
        ),
        # who "them" are is not said, so no promise to call them (QA, December)
        (
            "You'll have to call them yourself, sorry.",
            "They're the ones who can sort this, so please call them, sorry.",
        ),
        # a name is no kind of party we contact for the customer: the rep cannot promise to
        # ring their bank (QA got "I'll get in touch with Barclays for you.")
        (
            "You'll have to ring Barclays yourself.",
            "The one who can sort this is Barclays, so please ring them.",
        ),
        (
            "You'll need to call Barclays about the charge.",
            "The one who can sort this is Barclays, so please call them about the charge.",
        ),
        (
            "Try calling your card issuer.",
            "The one who can sort this is your card issuer, so please call them.",
        ),
        ("Please email our billing team.", "I'll get in touch with our billing team."),
        # the rewrite covers the "we can't" beside it, so no two clauses contradict each other
        # (QA got "I'll get in touch with them for you, we can [...] rather than chase them.")
        (
            "You need to contact them yourself, we can't chase them.",
            "They're the ones who can sort this, so please contact them.",
        ),
        (
            "We can't chase couriers, so you'll have to call the courier yourself, sorry.",
            "I'll get in touch with the courier for you, sorry.",
        ),
        # only the customer can ask their own bank: no promise the rep cannot keep (the same
        # play got "I'll get in touch with your bank to get the hold released."), "yourself"
        # or not (a second play got "I'll get in touch with your bank for you.")
        (
            "You need to contact your bank to get the hold released.",
            "The one who can sort this is your bank, so please contact them to get the hold "
            "released.",
        ),
    ],
)
def test_rewrites_read_naturally(rules, text, rewritten):
    report = check_tone(text, rules)
    assert report.rewritten == rewritten
    assert "  " not in report.rewritten


def test_overlapping_phrases_give_one_flag_the_longest(rules):
    (flag,) = check_tone("we won't be able to help", rules).flags
    assert (flag.phrase, flag.rule) == ("won't be able to", "wont-be-able")


def test_more_and_worse_problems_score_lower(rules):
    def score(text: str) -> int:
        return check_tone(text, rules).score

    assert score("Your parcel ships today.") == 100
    assert score("Hopefully your parcel ships today.") < 100
    assert score("Hopefully your parcel ships today.") > score("That's your fault.")
    assert score("That's your fault.") > score("That's your fault, you need to call the bank.")
    assert score("That's your fault, you should have read it, calm down, we can't help.") == 25
    assert score("no. " + "we can't. " * 20) == 0


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\n\n", "😀🙏" * 50, "きみはできません", "İstanbul can't", "<@U123> *calm down*",
     "a" * 4000, "x, " * 1500, "can't", "Unfortunately,"],
)  # fmt: skip
def test_odd_input_never_raises(rules, text):
    report = check_tone(text, rules)
    assert 0 <= report.score <= 100
    assert all(text[flag.start : flag.end] == flag.phrase for flag in report.flags)


def test_a_long_text_gets_its_flags_in_order_without_overlaps(rules):
    # How fast is measured by benchmarks, not here: a timed test fails on a busy machine.
    text = "Hi, unfortunately we cant refund you, as per policy you need to return it. " * 60
    report = check_tone(text[:4000], rules)
    starts = [flag.start for flag in report.flags]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in pairwise(report.flags))


def test_rules_carry_their_source_line(rules):
    first = rules.rules[0]
    assert isinstance(first, ToneRule)
    path, line = first.source.rsplit(":", 1)
    assert path.endswith("tone.yaml")
    assert (ROOT / "playbooks/tone.yaml").read_text().splitlines()[int(line) - 1].strip() == (
        f"- id: {first.id}"
    )


def test_mistakes_in_the_rules_are_named_with_file_and_line(tmp_path):
    path = tmp_path / "tone.yaml"
    path.write_text(
        "rules:\n"
        "  - id: ok\n"
        "    category: hedging\n"
        "    patterns: [maybe]\n"
        "    why: It promises nothing.\n"
        "    rewrite: likely\n"
        "    penalty: 10\n"
        "  - id: ok\n"
        "    category: hedging\n"
        "    patterns: [perhaps]\n"
        "    why: w\n"
        "    rewrite: r\n"
        "    penalty: 10\n"
        "  - id: broken\n"
        "    category: policy\n"
        "    patterns:\n"
        "      - 're:(unclosed'\n"
        "      - we/i won't\n"
        "    why: w\n"
        "    rewrite: '{2} will'\n"
        "    penalty: 10\n"
        "  - id: short\n"
        "    patterns: [x]\n"
        "    penalty: lots\n"
        "exceptions:\n"
        "  - can't wait\n"
        "  - '*'\n"
        "instead:\n"
        "  hedging: I'll confirm by [when].\n"
        "  policy: Here's how it works and why [why].\n"
    )
    rules, problems = load_tone_rules(tmp_path)
    assert [str(p) for p in problems] == [
        f"{path}:8: error: duplicate id 'ok' (first at line 2)",
        f"{path}:17: error: broken: pattern 're:(unclosed': regex does not compile: "
        "missing ), unterminated subpattern at position 0",
        f'{path}:18: error: broken: rewrite uses {{2}} but "we/i won\'t" has 1 fill-ins '
        "(a *, a/b word or ..N gap each)",
        f"{path}:22: error: short: missing category",
        f"{path}:22: error: short: missing why",
        f"{path}:22: error: short: missing rewrite",
        f"{path}:24: error: short: penalty must be a whole number from 1 to 100",
        f"{path}:27: error: exception: pattern '*': a pattern needs a word that is neither * "
        "nor optional",
    ]
    assert [rule.id for rule in rules.rules] == ["ok"]  # the sound rules are kept
    assert rules.exceptions == ("can't wait",)


@pytest.mark.parametrize(
    ("pattern", "text", "found", "fills"),
    [
        ("we ..2 can't", "we can't", "we can't", ("",)),
        ("we ..2 can't", "sorry, we really cannot", "we really cannot", ("really",)),
        ("we ..2 can't", "we honestly just can't", "we honestly just can't", ("honestly just",)),
        ("we ..2 can't", "we are sadly really not", None, None),  # three words: too many
        ("we ..2 can't", "we can. Can't say more", None, None),  # not across a sentence end
        ("we ..2 can't", 'we said "no" cant', None, None),  # nor across a quote
        (
            "had you ..3 you'd have",
            "Had you checked your emails, you'd have seen it",
            "Had you checked your emails, you'd have",
            ("checked your emails",),
        ),
        (
            "policy/rules ..1 doesn't/don't allow",
            "Company rules do not allow it",
            "rules do not allow",
            ("rules", "", "do not"),
        ),
    ],
)
def test_a_gap_skips_up_to_n_words_and_is_a_fill_in(pattern, text, found, fills):
    spans = compile_pattern(pattern).spans(text.lower())
    if found is None:
        assert spans == []
        return
    ((start, end, places),) = spans
    assert text[start:end] == found
    assert tuple(text[a:b] for a, b in places) == fills


def test_a_gap_that_skipped_nothing_leaves_no_double_space_in_the_rewrite():
    rule = ToneRule(
        "gap",
        "policy",
        ("rules ..2 don't allow",),
        "w",
        "rules {1} let us",
        10,
        "",
        "anywhere",
        "",
        "rules",
    )
    rules = ToneRules((rule,), ())
    assert check_tone("Rules don't allow it.", rules).rewritten == "Rules let us it."
    assert check_tone("Rules sadly don't allow it.", rules).rewritten == "Rules sadly let us it."


def test_a_malformed_gap_is_named_with_file_and_line(tmp_path):
    path = tmp_path / "tone.yaml"
    path.write_text(
        "rules:\n"
        "  - id: gaps\n"
        "    category: can't-language\n"
        "    patterns:\n"
        "      - we ..2 can't\n"
        "      - we ..9 can't\n"
        "      - ..2 can't\n"
        "      - we ..x can't\n"
        "      - we ..1 ..2 can't\n"
        "      - we ..2 really? can't\n"
        "    why: w\n"
        "    rewrite: '{3} can'\n"
        "    penalty: 10\n"
        "exceptions:\n"
        "  - won't close ..4\n"
        "instead:\n"
        "  can't-language: What I can do instead is [what you can do].\n"
    )
    rules, problems = load_tone_rules(tmp_path)
    assert [str(problem) for problem in problems] == [
        f'{path}:5: error: gaps: rewrite uses {{3}} but "we ..2 can\'t" has 1 fill-ins '
        "(a *, a/b word or ..N gap each)",
        f"{path}:6: error: gaps: pattern \"we ..9 can't\": '..9': a gap is .. and a number of "
        "words from 1 to 6, as in ..2",
        f'{path}:7: error: gaps: pattern "..2 can\'t": ..2: a gap must come after a word that '
        "is not optional",
        f"{path}:8: error: gaps: pattern \"we ..x can't\": '..x': a gap is .. and a number of "
        "words from 1 to 6, as in ..2",
        f'{path}:9: error: gaps: pattern "we ..1 ..2 can\'t": ..2: two gaps in a row; write '
        "one, such as ..4",
        f'{path}:10: error: gaps: pattern "we ..2 really? can\'t": really?: a gap must be '
        "followed by a word that is not optional",
        f'{path}:15: error: exception: pattern "won\'t close ..4": a gap must be followed by a '
        "word that is not optional",
    ]
    assert (rules.rules, rules.exceptions) == ((), ())


def test_a_rule_of_regular_expressions_only_works_and_is_asked_for_a_label(tmp_path):
    # what the weekly summary calls a rule: its label, else its first phrase read out; a rule
    # of re: patterns alone has no phrase to read, so `repbot check` asks for a label
    path = tmp_path / "tone.yaml"
    path.write_text(
        "instead:\n"
        "  deflection: I'll take this up for you.\n"
        "  blame: Let's sort this out together.\n"
        "rules:\n"
        "  - id: not-ours\n"
        "    category: deflection\n"
        "    patterns: ['re:not (?:ours|mine)\\b']\n"
        "    why: w\n"
        "    rewrite: ''\n"
        "    penalty: 10\n"
        "  - id: blame\n"
        "    category: blame\n"
        "    patterns: ['re:your fault', 'you/u should? have *ed']\n"
        "    why: w\n"
        "    rewrite: ''\n"
        "    penalty: 10\n"
    )
    rules, problems = load_tone_rules(tmp_path)
    assert [str(problem) for problem in problems] == [
        f"{path}:5: warning: not-ours: no label, and its patterns are all re: ones, so the "
        "weekly summary calls it 'Not ours'; add label: with the phrase as people say it"
    ]
    assert [rule.label for rule in rules.rules] == ["Not ours", "you have …"]
    assert [flag.rule for flag in check_tone("That's not ours.", rules).flags] == ["not-ours"]


def test_bad_yaml_and_a_missing_file_are_problems(tmp_path):
    assert [p.message for p in load_tone_rules(tmp_path)[1]] == ["file not found"]
    (tmp_path / "tone.yaml").write_text("rules:\n  - id: [unclosed\n")
    ((problem),) = load_tone_rules(tmp_path)[1]
    assert problem.line == 3 and problem.message.startswith("bad YAML")


# Issue 13: every suggested rewrite is a sentence a rep could send, once the parts in brackets
# are filled in. Checked over every labelled set and replies from a bank, a telco and a SaaS.
OTHER_BUSINESSES = [
    # a bank
    "Unfortunately we cannot reverse a card payment, you will need to contact the merchant.",
    "As per our policy we don't refund overdraft fees",
    "I'm afraid the system won't let me raise your limit",
    "we're not able to discuss the account with you, as I said",
    "I can't promise the transfer clears today",
    # a telco
    "That's not our department, you'll have to call the network team.",
    "There's nothing more we can do, the engineer has been",
    "no promises but we will try to get an engineer out",
    "Unfortunately, we are unable to offer a discount.",
    "Not something I can help with, try the help centre.",
    # a SaaS
    "Sadly that feature isn't possible on the Basic plan",
    "You need to clear your cache, as previously mentioned",
    "we won't be able to restore deleted workspaces",
    "like i said the export is limited to 10k rows!!",
    "calm down, we'll see what we can do",
    "I've already explained this to you twice",
    "we can't help with",
    "sorry, we can't, as I said",
]
CONNECTORS = r"(?:rather than|instead of|and|but|or|whether|about|with|to|than|of|for)"
DANGLING = re.compile(rf"\b{CONNECTORS},?\s*(?:[.!?;:]|$)|,\s*just to recap,?\s*[.!?]?$", re.I)
DOUBLED = re.compile(r"\b(\w+(?:\s+\w+)?)\s+\1\b", re.IGNORECASE)  # "it, it" is two clauses
BAD_SPACING = re.compile(r"\s[,.;:!?]|,,|\s\s|,\.")
TO_FILL = re.compile(r"\[add: [^\]]*\]")
GLUED = re.compile(r"\w\[|\]\w")  # a part to fill in spliced into a word: "possible[add: x]ly"
CLAUSE = re.compile(r"[,.;:!?()]|\s[-–]\s")
WORD = re.compile(r"(?<![\w'’])[a-z]{4,}(?![\w'’])")  # no short words, no "i'll"
# Words a clause may well say twice ("that ... that"); any other said twice in one clause of a
# rewrite, and fewer times in the rep's sentence, was spliced in beside itself ("I'll sort
# it out with the right team for you to sort this").
SMALL_WORDS = {
    "that", "this", "with", "have", "your", "what", "will", "from", "they", "them", "then", "than",
    "there", "their", "when", "just", "been", "were", "here",
}  # fmt: skip
# "Sorry, can [add: ...] rather than help": a clause with no one who can.
SUBJECTLESS = re.compile(
    r"(?:^|[,;:]\s+)(?:can|will|is|are|able to)\s+(?:be able to\s+)?\[add:", re.I
)
# A no written out ("can not be done"), and the permission a no may refuse.
NEGATED = re.compile(r"\b(can|will|is|are|do|does)\s+not\s+(be\s+)?(\w+)")
PERMISSION = re.compile(r"\b(?:allow|allows|allowed|let|lets|permit|permits|permitted)\b", re.I)
GRANTED = re.compile(r"(?<!rather than )" + PERMISSION.pattern, re.I)  # not "rather than allow"


def said_plainly(phrase: str) -> str:
    """A phrase with its no written out: "won't" is "will not", "cannot" is "can not"."""
    phrase = phrase.lower().replace("’", "'")
    for short, full in (("cannot", "can not"), ("can't", "can not"), ("cant", "can not"),
                        ("won't", "will not"), ("wont", "will not"), ("n't", " not")):  # fmt: skip
        phrase = phrase.replace(short, full)
    return phrase


def problems_with(flag: Flag, sentence_typed: str) -> list[str]:
    """What is wrong with a flag's suggested sentence as English a rep could send, and whether
    it says the opposite of the rep's no without a part to fill in that keeps it honest."""
    suggestion = flag.rewrite
    if not suggestion:
        return []  # the sentence was only the phrase: it is to be left out
    found = []
    first = next(char for char in suggestion if char.isalpha())
    if not first.isupper():
        found.append("no capital first")
    if not re.search(r"[.!?:…][\"'”’)*_]*$", suggestion):
        found.append("no punctuation last")
    if DANGLING.search(suggestion):
        found.append("a connector left hanging")
    if DOUBLED.search(suggestion):
        found.append("a word said twice in a row")
    if BAD_SPACING.search(suggestion):
        found.append("bad spacing")
    if GLUED.search(suggestion) or re.search(r"\[(?!add: )", suggestion):
        found.append("a part to fill in glued to a word or not marked")
    if SUBJECTLESS.search(suggestion):
        found.append("a clause with no subject: 'Sorry, can [add: ...]'")
    typed = WORD.findall(sentence_typed.lower())
    for clause in CLAUSE.split(TO_FILL.sub(" ", suggestion).lower()):
        words = WORD.findall(clause)
        twice = {w for w in words if words.count(w) > 1 and typed.count(w) < 2} - SMALL_WORDS
        if twice:
            found.append(f"{sorted(twice)} said twice in one clause")
    said = said_plainly(flag.phrase)
    # The no turned into a yes ("can't be done" -> "can be done", "doesn't allow" -> "will
    # let"), unless what follows the yes is a part the rep fills in ("can [add: ...]", "what
    # I can do: [add: ...]"); the words inside a part to fill in are the rep's to write.
    unfilled = TO_FILL.sub("[add:]", suggestion)
    for aux, be, verb in NEGATED.findall(said):
        if re.search(rf"\b{aux}\s+{be}{verb}\b(?!:?\s+(?:to\s+)?\[add:)", unfilled, re.I):
            found.append(f"{aux} not {be}{verb} became {aux} {be}{verb}")
    if re.search(r"\bimpossible\b|\bnot possible\b", said) and re.search(
        r"(?<![\w-])possible\b", suggestion
    ):
        found.append("impossible became possible")
    if " not " in f" {said} " and PERMISSION.search(said) and GRANTED.search(suggestion):
        found.append("a no to permission became a yes")
    refusal = " not " in f" {said} " and (
        flag.category == "can't-language" or PERMISSION.search(said) is not None
    )
    if (
        refusal
        and not re.search(r"\bnot\b|n['’]t\b", suggestion)
        and not TO_FILL.search(suggestion)
    ):
        found.append("a refusal left out with nothing in its place to fill in")
    return found


def many_replies() -> list[str]:
    texts = list(OTHER_BUSINESSES)
    for name in ("tone_sentences.csv", "tone_holdout.csv", "tone_fresh.csv", "tone_fresh2.csv"):
        with (ROOT / "tests/data" / name).open(encoding="utf-8", newline="") as file:
            texts += [row["text"] for row in csv.DictReader(file)]
    return texts


def test_every_rewrite_is_a_sentence_with_the_parts_to_fill_in_marked(rules):
    sentences = set()
    for text in many_replies():
        report = check_tone(text, rules)
        for flag in report.flags:
            assert problems_with(flag, flag.instead_of or text) == [], (text, flag.rewrite)
            assert flag.rewrite in report.rewritten, (text, flag.rewrite)
            sentences.add((text, flag.rewrite))
    assert len(sentences) > 400


def test_the_issue_13_rewrite_reads_as_a_sentence(rules):
    report = check_tone("unfortunately we can't do that, as I said", rules)
    assert report.rewritten == "We can [add: what you can do] rather than do that."
    assert [flag.rewrite for flag in report.flags] == [report.rewritten] * 3
    assert [flag.replacement for flag in report.flags] == [
        "", "can [add: what you can do] rather than", "",
    ]  # fmt: skip


def test_a_rule_may_leave_its_phrase_out(tmp_path):
    (tmp_path / "tone.yaml").write_text(
        "rules:\n"
        "  - id: sadly\n"
        "    category: can't-language\n"
        "    patterns: [sadly]\n"
        "    why: w\n"
        "    rewrite: ''\n"
        "    penalty: 5\n"
        "instead:\n"
        "  can't-language: What I can do instead is [what you can do].\n"
    )
    rules, problems = load_tone_rules(tmp_path)
    assert problems == []
    assert check_tone("Sadly, your plan ends today", rules).rewritten == "Your plan ends today."
    assert check_tone("It ends today, sadly!", rules).rewritten == "It ends today!"


@pytest.mark.parametrize(
    ("text", "rewritten"),
    [
        (
            "Unfortunately. We cannot refund you.",
            "We can [add: what you can do] rather than refund you.",
        ),
        ("Unfortunately!", ""),
        ("Unfortunately\nwe can't", "We can [add: what you can do]."),
    ],
)
def test_a_sentence_that_was_only_the_phrase_is_left_out_not_left_as_its_full_stop(
    rules, text, rewritten
):
    report = check_tone(text, rules)
    assert report.rewritten == rewritten
    assert report.flags[0].rewrite == ""  # nothing left of it to send


# Replies written for this test, none from the labelled sets: short and long, several phrases
# in one sentence, questions, British and American spelling, contractions typed or not, all
# capitals. With each, the phrases /tone flags and whether their sentence is said anew (a
# whole sentence in place of the rep's) or has words swapped in.
SPLICED, ANEW = False, True
REPLIES = [
    ("We can't swap the colour once the order is packed.", ["can't"], SPLICED),
    ("cant do it", ["cant"], ANEW),  # no one who can't: "Can [add: ...] rather than do it"
    ("Sorry, that's impossible.", ["impossible"], ANEW),
    (
        "I'm afraid it's not possible to change the delivery day now, the van has left.",
        ["I'm afraid", "not possible"],
        ANEW,
    ),
    (
        "The warehouse policy doesn't allow us to open sealed boxes",
        ["policy doesn't allow us to"],
        ANEW,
    ),
    (
        "That isn't something I can authorise, you'll need to ring your bank.",
        ["That isn't something I can", "you'll need to ring your bank"],
        ANEW,
    ),
    (
        "It's not my job to chase couriers, someone else will have to look at it.",
        ["It's not my job", "someone else will have to"],
        ANEW,
    ),
    ("that's not my department", ["that's not my department"], SPLICED),
    (
        "Unfortunately we won't be able to offer a refund for the missing jars.",
        ["Unfortunately", "won't be able to"],
        SPLICED,
    ),
    ("Why didn't you read the label before you heated it?", ["Why didn't you"], ANEW),
    (
        "You should have checked the postcode before you ordered.",
        ["You should have checked"],
        ANEW,  # "it would have helped to have checked" blamed them still (QA, December)
    ),
    (
        "As I said in my last email, the box ships on Friday.",
        ["As I said in my last email"],
        SPLICED,
    ),
    ("Hopefully it'll turn up tomorrow.", ["Hopefully"], SPLICED),
    (
        "I'll try to get the courier to call you, no promises though.",
        ["I'll try to", "no promises"],
        ANEW,
    ),
    ("Can you calm down so I can actually help you?", ["calm down"], ANEW),
    (
        "We are unable to cancel an order that has already been dispatched, as per our policy.",
        ["unable to", "as per our policy"],
        SPLICED,
    ),
    ("our system won't let me apply the voucher twice", ["system won't let"], ANEW),
    (
        "The fee can't be waived, it's in the terms you agreed to.",
        ["can't be waived", "terms you agreed to"],
        ANEW,
    ),
    (
        "I can't find your order under that email, can you send the order number?",
        ["can't find"],
        ANEW,
    ),
    (
        "Sadly the organic range is out of stock, but I can swap in the seasonal box.",
        ["Sadly"],
        SPLICED,
    ),
    (
        "It's company policy to charge for redelivery, I'm afraid.",
        ["company policy", "I'm afraid"],
        ANEW,
    ),
    (
        "You'll have to contact the courier about the damaged box.",
        ["You'll have to contact"],
        SPLICED,
    ),
    (
        "That's the courier's problem, not ours.",
        ["That's the courier's problem", "not ours"],
        SPLICED,
    ),
    ("we dont offer refunds on opened items", ["we dont offer"], SPLICED),
    ("Maybe try clearing your browser's cache?", ["Maybe try"], SPLICED),
    (
        "UNFORTUNATELY WE CAN'T CHANGE THE ADDRESS AFTER DISPATCH.",
        ["UNFORTUNATELY", "CAN'T"],
        SPLICED,
    ),
    (
        "Hi Priya, thanks for waiting. I've looked into it and we cannot refund the delivery "
        "charge because the box was delivered on time. I'm sorry, there's nothing more I can do.",
        ["cannot", "there's nothing more I can do"],
        SPLICED,
    ),
    (
        "You must have entered the wrong card number, the payment was declined.",
        ["You must have entered"],
        SPLICED,
    ),
    (
        "I don't have access to the billing system, only my manager can do refunds.",
        ["I don't have access to", "only my manager can"],
        ANEW,
    ),
    ("We will see what happens with the replacement.", ["We will see what happens"], ANEW),
    (
        "Like I said, you need to cancel before 5pm on Wednesday.",
        ["Like I said", "you need to"],
        SPLICED,
    ),
    (
        "The colour you chose isn't available, I'm not authorised to substitute it.",
        ["not authorised to"],
        SPLICED,
    ),
    (
        "Our policy is that we don't refund customised hampers.",
        ["Our policy is", "we don't refund"],
        SPLICED,
    ),
    ("cannot be done sorry", ["cannot be done"], ANEW),
    (
        "I've already explained this twice, the credit will show on your next statement.",
        ["I've already explained this twice"],
        SPLICED,
    ),
    (
        "We won't refund it, you should have returned it within 14 days.",
        ["We won't", "you should have returned"],
        ANEW,
    ),
    ("We can't authorize a refund to a different card.", ["can't"], SPLICED),
    ("Did you even try turning it off and on again?", ["Did you even"], SPLICED),
    ("Its not our fault the courier was late", ["Its not our fault"], ANEW),
    (
        "we're not responsible for lost parcels once they're signed for",
        ["we're not responsible for"],
        ANEW,  # "I'll follow up with lost parcels ... signed for" would not do
    ),
    ("No can do, sorry!", ["No can do"], SPLICED),
    (
        "I realise this is annoying but you'll just have to wait.",
        ["you'll just have to"],
        SPLICED,
    ),
    (
        "Per our policy, we don't accept returns on perishable items.",
        ["Per our policy", "we don't accept"],
        SPLICED,
    ),
    ("Thats on you, the address was wrong.", ["Thats on you"], SPLICED),
    ("I'm not able to see any refund on your account", ["not able to see"], ANEW),
]


@pytest.mark.parametrize(("text", "phrases", "anew"), REPLIES)
def test_each_phrase_gets_a_suggestion_that_reads_well_and_keeps_the_no_honest(
    rules, text, phrases, anew
):
    report = check_tone(text, rules)
    assert [flag.phrase for flag in report.flags] == phrases
    for flag in report.flags:
        assert problems_with(flag, flag.instead_of or text) == [], flag.rewrite
        assert flag.rewrite in report.rewritten
        # Said anew: the sentence as typed is named, and none of its words are spliced into
        # the one to say instead; or the phrase's words are swapped, the rest kept.
        assert bool(flag.instead_of) is anew, flag.rewrite
        if anew:
            assert flag.phrase in flag.instead_of and flag.instead_of in text
            assert flag.phrase.lower() not in flag.rewrite.lower()


def test_the_qa_findings_are_said_anew_and_never_turned_into_a_yes(rules):
    report = check_tone("that's impossible, policy really doesn't allow us to", rules)
    assert [(flag.phrase, flag.rewrite, flag.instead_of) for flag in report.flags] == [
        ("impossible", "Here's what I can do instead: [add: what you can do].",
         "that's impossible, policy really doesn't allow us to"),
        ("policy really doesn't allow us to",
         "Here's what I can do instead: [add: what you can do].",
         "that's impossible, policy really doesn't allow us to"),
    ]  # fmt: skip
    text = "It's not my job to sort this, someone else will have to look at it"
    report = check_tone(text, rules)
    assert report.rewritten == (
        "I'll take this up with [add: the right team] for you and update you by [add: when]."
    )
    assert report.flags[0].instead_of == text


def test_a_flat_no_stays_a_no_and_blame_and_deflection_are_rewritten_honestly(rules):
    """Found by a QA play: "That's not something we do." was rewritten "That's something I'll
    sort out with the right team for you." (a refusal made a promise), "it is your
    responsibility to" and "Someone else will have to" passed as clean, and "You should have
    read the email" became "It would have helped to have read the email" (blame still)."""

    def rewritten(text: str) -> str:
        return check_tone(text, rules).rewritten

    assert rewritten("That's not something we do.") == (
        "That's not something we do, but what I can do is [add: what you can do]."
    )
    assert rewritten("Sorry, that's not something we offer.") == (
        "Sorry, that's not something we offer, but what I can do is [add: what you can do]."
    )
    assert rewritten("Please note that it is your responsibility to check the address.") == (
        "Please note that the step we need from you is to check the address."
    )
    report = check_tone(
        "You should have read the email. That's not something we do. "
        "Someone else will have to look at it.",
        rules,
    )
    assert [flag.category for flag in report.flags] == ["blame", "can't-language", "deflection"]
    assert report.rewritten == (
        "Here's what we can do from here: [add: the next step]. That's not something we do, but"
        " what I can do is [add: what you can do]. I'll ask [add: who can help] to look at it."
    )
    assert "right team" not in report.rewritten and "would have helped" not in report.rewritten


@pytest.mark.parametrize(
    ("text", "rewritten"),
    [
        # what comes before a phrase does not change the rule that fits it: a mention (as typed
        # or decoded at the edge), a link, a greeting (QA got "I'll take this up with [add: the
        # right team] ...", a promise about the customer's bank)
        ("<!here> you'll have to ring Barclays yourself",
         "<!here> the one who can sort this is Barclays, so please ring them."),
        ("@Tom you'll have to ring Barclays yourself",
         "@Tom the one who can sort this is Barclays, so please ring them."),
        ("https://x.co/help you'll have to ring Barclays yourself",
         "https://x.co/help the one who can sort this is Barclays, so please ring them."),
        ("Hi Tom you'll have to ring Barclays yourself",
         "Hi Tom, the one who can sort this is Barclays, so please ring them."),
        # the bare imperative sends away as "you need to" does; "you can ..." is an offer
        ("contact the courier yourself, we can't chase them",
         "I'll get in touch with the courier for you."),
        ("you can contact the courier yourself if you prefer",
         "you can contact the courier yourself if you prefer"),
        # a polite, honest request to call their own bank is left as typed
        ("please call your bank to confirm the charge",
         "please call your bank to confirm the charge"),
        ("please call your bank, we can't do anything",
         "The one who can sort this is your bank, so please call them."),
        # a covered clause takes its joining "&" with it, and "we can't do anything" goes too
        ("you'll have to ring Barclays yourself & we can't chase them",
         "The one who can sort this is Barclays, so please ring them."),
        ("you'll have to contact your card issuer, we can't do anything",
         "The one who can sort this is your card issuer, so please contact them."),
        # two refusals of one thing are said once
        ("We don't do refunds on sale items, that's not something we offer.",
         "We can [add: what you can do] rather than do refunds on sale items."),
        ("That isn't an option we provide.",
         "That isn't an option we provide, but what I can do is [add: what you can do]."),
        # the full stop goes after the customer's bold, not inside it
        ("someone else will have to deal with <this> *today*",
         "I'll ask [add: who can help] to deal with <this> *today*."),
        # carriers the business ships with are listed by name among ours: an offer
        ("you need to contact DHL yourself, we can't chase them",
         "I'll get in touch with DHL for you."),
        ("you need to contact Acme Freight yourself",
         "The one who can sort this is Acme Freight, so please contact them."),
    ],
)  # fmt: skip
def test_the_fourth_qa_play_reads_honestly(rules, text, rewritten):
    assert check_tone(text, rules).rewritten == rewritten


def test_where_a_rewrite_fits_is_the_rules_to_say(tmp_path):
    (tmp_path / "tone.yaml").write_text(
        "instead:\n"
        '  hedging: "I\'ll confirm [what you expect] by [when]."\n'
        "rules:\n"
        "  - id: perhaps\n"
        "    category: hedging\n"
        "    patterns: [perhaps]\n"
        "    why: w\n"
        "    rewrite: I expect\n"
        "    fits: start\n"
        "    penalty: 5\n"
        "  - id: no-idea\n"
        "    category: hedging\n"
        "    patterns: [no idea]\n"
        "    why: w\n"
        "    fits: nowhere\n"
        "    instead: I'll find out by [when].\n"
        "    penalty: 5\n"
    )
    rules, problems = load_tone_rules(tmp_path)
    assert problems == []  # a rule that is never spliced in needs no rewrite

    def suggested(text: str) -> list[tuple[str, str]]:
        return [(flag.rewrite, flag.instead_of) for flag in check_tone(text, rules).flags]

    assert suggested("Perhaps it ships today.") == [("I expect it ships today.", "")]
    assert suggested("ok, perhaps it ships today") == [("Ok, I expect it ships today.", "")]
    assert suggested("It perhaps ships today.") == [
        ("I'll confirm [add: what you expect] by [add: when].", "It perhaps ships today.")
    ]
    assert suggested("No idea, sorry.") == [("I'll find out by [add: when].", "No idea, sorry.")]


def test_a_rule_with_no_sentence_to_say_instead_is_named_with_file_and_line(tmp_path):
    path = tmp_path / "tone.yaml"
    path.write_text(
        "rules:\n"
        "  - id: perhaps\n"
        "    category: hedging\n"
        "    patterns: [perhaps]\n"
        "    why: w\n"
        "    rewrite: I expect\n"
        "    fits: at the start\n"
        "    penalty: 5\n"
        "  - id: maybe\n"
        "    category: hedging\n"
        "    patterns: [maybe]\n"
        "    why: w\n"
        "    rewrite: likely\n"
        "    penalty: 5\n"
        "  - id: idk\n"
        "    category: hedging\n"
        "    patterns: [idk]\n"
        "    why: w\n"
        "    fits: nowhere\n"
        "    instead: I'll find out by {1}.\n"
        "    penalty: 5\n"
    )
    rules, problems = load_tone_rules(tmp_path)
    assert [str(problem) for problem in problems] == [
        f"{path}:7: error: perhaps: fits: 'at the start' is not one of 'anywhere', 'start', "
        "'after words', 'end', 'whole' or 'nowhere'",
        f"{path}:9: error: maybe: no instead sentence: give the rule one, or its category "
        "'hedging' one under instead at the top of the file",
        f"{path}:15: error: idk: instead is a whole sentence of its own: it cannot use {{1}}",
    ]
    assert rules.rules == ()


def test_kinds_of_party_and_named_parts_are_the_playbooks_to_say(tmp_path):
    # A lead who adds a kind to "ours" lets the rewrite offer to contact it; a part that
    # captures or a name no list has is named with file and line.
    path = tmp_path / "tone.yaml"
    path.write_text(
        "parties:\n"
        "  ours: [courier, dpd]\n"
        "parts:\n"
        "  ask: you need to\n"
        "  bad: (oops)\n"
        "rules:\n"
        "  - id: ours\n"
        "    category: deflection\n"
        "    label: you need to call\n"
        '    patterns: ["re:@ask call(?=\\\\s+(?:the\\\\s+)?@ours\\\\b)"]\n'
        "    covers: ['re:we can.t chase them']\n"
        "    why: w\n"
        "    rewrite: I'll get in touch with\n"
        "    penalty: 5\n"
        "  - id: typo\n"
        "    category: deflection\n"
        '    patterns: ["re:@theirs"]\n'
        "    why: w\n"
        "    rewrite: x\n"
        "    penalty: 5\n"
        "instead:\n"
        "  deflection: I'll take this up for you.\n"
    )
    rules, problems = load_tone_rules(tmp_path)
    assert [str(problem) for problem in problems] == [
        f"{path}:5: error: part bad: use (?:...), not (...): a part captures nothing",
        f"{path}:17: error: typo: pattern 're:@theirs': @theirs: no such list under parties, "
        "nor part under parts",
    ]
    report = check_tone("You need to call DPD, we can't chase them.", rules)
    assert report.rewritten == "I'll get in touch with DPD."
    assert check_tone("You need to call Evri.", rules).flags == []


@pytest.mark.parametrize(
    ("text", "rewritten"),
    [
        # the full stop goes before a closing emoji, as typed or as Slack sends the picker's,
        # and a smiley keeps its space (the rewrite read "... for you 🙂." and "for you:)")
        ("you'll have to contact the courier yourself 🙂",
         "I'll get in touch with the courier for you. 🙂"),
        ("you'll have to contact the courier yourself :slightly_smiling_face:",
         "I'll get in touch with the courier for you. :slightly_smiling_face:"),
        ("you'll have to contact the courier yourself :)",
         "I'll get in touch with the courier for you. :)"),
        ("you'll have to contact the courier yourself! 👍🏽",
         "I'll get in touch with the courier for you! 👍🏽"),
    ],
)  # fmt: skip
def test_a_closing_emoji_stays_after_the_full_stop(rules, text, rewritten):
    assert check_tone(text, rules).rewritten == rewritten


@pytest.mark.parametrize(
    ("text", "rewritten"),
    [
        # a greeting and its name get the comma "Hi Tom," typed has before the rewritten clause
        # (it read "Hi Tom I'll get in touch ..."); a name in lower case is no name to be sure of
        ("Hi Tom you'll have to contact the courier yourself",
         "Hi Tom, I'll get in touch with the courier for you."),
        ("Hi Tom, you'll have to contact the courier yourself",
         "Hi Tom, I'll get in touch with the courier for you."),
        ("Hi there you'll have to contact the courier yourself",
         "Hi there, I'll get in touch with the courier for you."),
        ("Dear Ms Patel unfortunately it's late",
         "Dear Ms Patel, it's late."),
        ("Hey you'll need to contact DHL yourself",
         "Hey, I'll get in touch with DHL for you."),
        # and whichever rule fires, also where the clause's subject comes before the phrase
        # (QA got "Hello Maria we can [add: ...] rather than refund that.")
        ("Hello Maria we can't refund that",
         "Hello Maria, we can [add: what you can do] rather than refund that."),
        ("Hi @Tom we won't refund that",
         "Hi @Tom, we will [add: what you will do] rather than refund that."),
        ("Hi Tom, we can't refund that",
         "Hi Tom, we can [add: what you can do] rather than refund that."),
        # a bare "Morning" or "Dear" before other words may be no greeting at all
        ("Morning deliveries unfortunately run late",
         "Morning deliveries run late."),
        ("Dear customer we can't refund that",
         "Dear customer we can [add: what you can do] rather than refund that."),
    ],
)  # fmt: skip
def test_a_greeting_with_its_name_gets_its_comma_before_a_rewritten_clause(rules, text, rewritten):
    assert check_tone(text, rules).rewritten == rewritten


@pytest.mark.parametrize(
    ("text", "rewritten"),
    [
        # a "we can't chase them" the rewrite answers goes, with its "&", even when a closing
        # word follows it, which keeps its comma (it read "... ring them & we can [add: ...]
        # rather than chase them *sorry*.", and a bare "sorry" was left out with the clause)
        ("you'll have to ring your bank yourself & we can't chase them *sorry*",
         "The one who can sort this is your bank, so please ring them, *sorry*."),
        ("you'll have to ring your bank yourself & we can't chase them sorry",
         "The one who can sort this is your bank, so please ring them, sorry."),
        ("you'll have to ring your bank yourself, we can't chase them, sorry!",
         "The one who can sort this is your bank, so please ring them, sorry!"),
        ("Hi Tom you'll have to contact the courier yourself & we can't chase them *sorry* 🙂",
         "Hi Tom, I'll get in touch with the courier for you, *sorry*. 🙂"),
        ("you'll have to ring your bank yourself & we can't chase them :pensive:",
         "The one who can sort this is your bank, so please ring them. :pensive:"),
    ],
)  # fmt: skip
def test_a_covered_clause_goes_before_a_closing_word_which_stays(rules, text, rewritten):
    assert check_tone(text, rules).rewritten == rewritten


@pytest.mark.parametrize(
    ("text", "rewritten"),
    [
        # "& never will" is the flat no said whole, kept honest with what we can do; the rep's
        # apology stays (it read "Here's what I can do instead: [add: what you can do].")
        ("Sorry, that's not a service we offer & never will",
         "Sorry, that's not a service we offer & never will, but what I can do is"
         " [add: what you can do]."),
        ("that's not a service we offer and never will be",
         "That's not a service we offer and never will be, but what I can do is"
         " [add: what you can do]."),
        ("Sorry, that's not a service we offer & never will, but I can refer you to a partner.",
         "Sorry, that's not a service we offer & never will, but I can refer you to a partner."),
        # a sentence said instead of the rep's keeps their greeting and apology in front
        ("sorry, that's not possible",
         "Sorry, here's what I can do instead: [add: what you can do]."),
        ("Hi Tom sorry that's not possible.",
         "Hi Tom, sorry, here's what I can do instead: [add: what you can do]."),
        ("Hello, I'm really sorry, we can't be sure",
         "Hello, I'm really sorry, here's what I can do instead: [add: what you can do]."),
    ],
)  # fmt: skip
def test_an_apology_stays_in_front_of_a_flat_no_and_a_sentence_said_instead(rules, text, rewritten):
    assert check_tone(text, rules).rewritten == rewritten


@pytest.mark.parametrize(
    ("text", "rewritten"),
    [
        # a "can't do anything" standing alone is said as what we can do (it read "We can [add:
        # what you can do] rather than do anything about it.", a refusal to help)
        ("we can't do anything about it 🙂",
         "Here's what I can do: [add: what you can do]. 🙂"),
        ("I can't do much more for you, sorry!",
         "Sorry, here's what I can do: [add: what you can do]!"),
        ("Hi Tom we cannot do anything more",
         "Hi Tom, here's what I can do: [add: what you can do]."),
        # in a longer clause, the sentence is said whole instead, never "rather than do anything"
        ("we can't do anything until the courier replies",
         "Here's what I can do: [add: what you can do]."),
    ],
)  # fmt: skip
def test_a_cant_do_anything_is_said_as_what_we_can_do(rules, text, rewritten):
    report = check_tone(text, rules)
    assert report.rewritten == rewritten
    assert "rather than do" not in " ".join(flag.rewrite for flag in report.flags)


@pytest.mark.parametrize(
    ("text", "rewritten", "flagged"),
    [
        # an angry face is flagged and left out of the text meant for the customer (it stayed:
        # "Dear Tom, that's something I'll sort out with the right team for you. 😡")
        ("Dear Tom unfortunately that is not our problem 😡",
         "Dear Tom, that's something I'll sort out with the right team for you.", "😡"),
        ("It's shipped :rage:", "It's shipped.", ":rage:"),
        ("Ok :face_with_rolling_eyes: I'll check again", "Ok I'll check again.",
         ":face_with_rolling_eyes:"),
        ("It's on its way🙄 thanks for waiting", "It's on its way thanks for waiting.", "🙄"),
        ("Thanks for waiting 🙂 it's on its way 🤬😤", "Thanks for waiting 🙂 it's on its way.",
         "🤬😤"),
        # a friendly one stays, unflagged
        ("We'll refund it today 😊", "We'll refund it today 😊", None),
        ("Done 👍 :slightly_smiling_face:", "Done 👍 :slightly_smiling_face:", None),
    ],
)  # fmt: skip
def test_an_angry_emoji_is_flagged_kindly_and_left_out(rules, text, rewritten, flagged):
    report = check_tone(text, rules)
    assert report.rewritten == rewritten
    emoji = [flag for flag in report.flags if flag.category == "hostility"]
    assert [flag.phrase for flag in emoji] == ([flagged] if flagged else [])
    assert all("anger" in flag.why for flag in emoji)

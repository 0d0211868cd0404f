"""The tone checker behind /tone: what it flags and what it leaves alone, the rewrites, the
score, odd input, and the rules file with its problems named by file and line."""

import csv
import re
import sys
from itertools import pairwise
from pathlib import Path

import pytest

from bot.coaching.tone import ToneRule, ToneRules, check_tone, compile_pattern, load_tone_rules

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
        "We can [add: what you can do] rather than refund you, the way it works is 30 days."
    )
    # Each flag suggests its whole sentence, rewritten; "unfortunately" is best left out.
    assert {flag.rewrite for flag in report.flags} == {report.rewritten}
    assert [flag.replacement for flag in report.flags] == [
        "", "can [add: what you can do] rather than", "the way it works is",
    ]  # fmt: skip


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
        "gap", "policy", ("rules ..2 don't allow",), "w", "rules {1} let us", 10, "", "rules"
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
        f"{path}:2: warning: not-ours: no label, and its patterns are all re: ones, so the "
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
DOUBLED = re.compile(r"\b(\w+(?:\s+\w+)?),?\s+\1\b", re.IGNORECASE)
BAD_SPACING = re.compile(r"\s[,.;:!?]|,,|\s\s|,\.")


def many_replies() -> list[str]:
    texts = list(OTHER_BUSINESSES)
    for name in ("tone_sentences.csv", "tone_holdout.csv", "tone_fresh.csv", "tone_fresh2.csv"):
        with (ROOT / "tests/data" / name).open(encoding="utf-8", newline="") as file:
            texts += [row["text"] for row in csv.DictReader(file)]
    return texts


def test_every_rewrite_is_a_sentence_with_the_parts_to_fill_in_marked(rules):
    sentences = 0
    for text in many_replies():
        report = check_tone(text, rules)
        for sentence in {flag.rewrite for flag in report.flags}:
            sentences += 1
            first = next(char for char in sentence if char.isalpha())
            assert first.isupper(), (text, sentence)
            assert re.search(r"[.!?:…][\"'”’)*_]*$", sentence), (text, sentence)
            assert not DANGLING.search(sentence), (text, sentence)
            assert not DOUBLED.search(sentence), (text, sentence)
            assert not BAD_SPACING.search(sentence), (text, sentence)
            assert not re.search(r"\[(?!add: )", sentence), (text, sentence)  # marked to fill in
            assert sentence in report.rewritten, (text, sentence)
    assert sentences > 400


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

"""`/draft`: every shipped situation drafts a can-do reply with a next step inside working
hours, for every emotion and style; emotions are read from realistic messages; bad input gets
a polite note for the rep."""

import csv
import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.coaching.closing import Closing, closing_of
from bot.coaching.drafts import CannotDraft, draft_reply, promise_text, topic
from bot.coaching.emotion import EMOTIONS, detect_emotion
from bot.coaching.playbooks import STYLES, Situation, load_playbooks
from bot.coaching.tone import check_tone, load_tone_rules
from bot.faq.knowledge import Entry, load_knowledge

ROOT = Path(__file__).parent.parent
PLAYBOOKS, _ = load_playbooks(ROOT / "playbooks")
SYNONYMS = load_knowledge(ROOT / "knowledge").synonyms
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
FRIDAY_4_30 = datetime(2025, 3, 7, 16, 30, tzinfo=LONDON)
# Can't-language: what we must never say ourselves.
CANT = re.compile(
    r"\b(can'?t|cannot|can not|won'?t|unable|impossible|unfortunately|policy|"
    r"not (be )?(able|allowed|possible))\b",
    re.IGNORECASE,
)
TIME = re.compile(r"^by (noon|\d{1,2}(:\d\d)? [ap]m) (today|tomorrow|on \w+day( \d+ \w+)?)$")

MESSAGES = {
    "angry": [
        "This is absolutely RIDICULOUS. Where is my box???",
        "WHERE IS MY ORDER. I PAID FOR IT A WEEK AGO",
        "You've charged me twice and I'm furious. Sort it out now!!",
        "This is unacceptable, the food arrived rotten and stinking",
        "Worst company ever. Cancel my account immediately",
        "Your customer service is a joke, nobody answers anything",
        "I am disgusted with how I've been treated",
        "Absolute rip off, you took money after I cancelled!!",
        "I want to make a formal complaint about your courier",
        "Useless. Completely useless. Refund me",
        "What the hell is this charge?!",
        "I will never order from you again after this",
    ],
    "frustrated": [
        "My box is late again",
        "It still hasn't arrived and I've been waiting all day",
        "This is the third time I've had to contact you about this",
        "I've already told your colleague this, why do I have to explain again",
        "Tracking hasn't updated for days",
        "The app keeps saying my password is wrong",
        "Every time I try to pay it fails",
        "I have emailed three times now with no reply",
        "Still no refund, it's been two weeks",
        "This is so frustrating, the code won't apply",
        "I'm fed up waiting for a callback",
        "Nobody has got back to me about my missing items",
    ],
    "anxious": [
        "I'm really worried, there's a charge I don't recognise, have I been hacked?",
        "Is this a scam? There's a debit from you I didn't make",
        "Please help, I need the box by Saturday for my daughter's party",
        "Urgent: my card details may have been stolen",
        "I'm concerned my personal data was shared",
        "My baby's formula was missing from the order, I need it asap",
        "Hopefully this can be fixed before the weekend",
        "I'm nervous about putting my card in again after what happened",
        "My son has a nut allergy and the wrong items came, is it safe?",
        "Will it arrive in time for Christmas?",
        "I'm scared I'll be charged again next month",
        "I hope my refund hasn't gone to my old closed account",
    ],
    "confused": [
        "I don't understand why I was charged on a Thursday",
        "I'm confused, the app says paused but the email says shipped",
        "This makes no sense, I skipped this box",
        "What does this charge mean?",
        "I'm not sure which plan I'm on",
        "How come my box says delivered when it isn't here?",
        "I thought the discount applied to every box",
        "Which button do I press to skip a week",
        "The invoice is confusing, what is the extra line for",
        "says no account found with my email??",
        "I have no idea where to find my invoices",
        "I didn't get why the price changed",
    ],
    "neutral": [
        "How do I reset my password?",
        "Can I change my delivery address?",
        "I'd like to pause my subscription for a month",
        "Do you deliver to the Highlands?",
        "Please send me a VAT invoice for my last order",
        "Can I pay with PayPal?",
        "How long do I have to return something?",
        "I want to switch to the smaller box",
        "Can the courier leave my box with a neighbour?",
        "BOXWELL LTD showing on my card statement, what's that for",
        "I'd like to buy a gift card for my mum",
        "Where do I get a return label?",
    ],
}


@pytest.mark.parametrize(
    ("emotion", "message"),
    [(emotion, message) for emotion, messages in MESSAGES.items() for message in messages],
)
def test_emotion_is_read_from_realistic_messages(emotion, message):
    reading = detect_emotion(message)
    assert reading.emotion == emotion, reading
    assert bool(reading.cues) == (emotion != "neutral")


def test_the_cues_say_what_decided_the_emotion():
    # the customer's own words, as typed, never a label they did not write
    reading = detect_emotion("It STILL hasn't come, third time I've asked!!")
    assert reading.emotion == "frustrated"
    assert reading.cues == ("STILL hasn't", "third time", "!!", "CAPS: STILL")


def entry_for(situation: Situation) -> Entry | None:
    if situation is PLAYBOOKS.fallback:
        return None
    if situation.faq:
        return Entry(situation.faq[0], "q", "a")
    return Entry("tagged", "q", "a", tags=situation.tags[:1])


def draft(message: str = "My parcel is late", **options):
    arguments = {"entry": None, "now": FRIDAY_4_30, "tz": LONDON, "synonyms": SYNONYMS}
    return draft_reply(PLAYBOOKS, message, **{**arguments, **options})


@pytest.mark.parametrize("situation", PLAYBOOKS.situations, ids=lambda s: s.id)
def test_every_situation_emotion_and_style_drafts_a_can_do_reply(situation):
    entry = entry_for(situation)
    assert PLAYBOOKS.situation_for(entry) is situation
    for emotion in EMOTIONS:
        for style in STYLES:
            for name, case_id, version in ((None, None, 0), ("Sam", "C-1042", 1)):
                message = MESSAGES[emotion][0]
                reply = draft(
                    message, entry=entry, style=style, version=version,
                    customer_name=name, case_id=case_id,
                )  # fmt: skip
                assert reply.emotion == emotion
                assert reply.situation == situation.id
                assert TIME.match(reply.promise), reply.promise
                assert f"{reply.promise}." in reply.text
                assert not CANT.search(reply.text), reply.text
                assert "{" not in reply.text and "None" not in reply.text
                if name:
                    assert name in reply.text and case_id in reply.text


def test_every_formal_opening_reads_as_a_letter_and_says_nothing_twice():
    """A formal "Another version" read "Happy to help with this. I note that you need a hand
    with this." (a new-user QA play); the first formal one, to a worried customer, "I
    understand this is worrying, ... I understand that ..."."""
    for situation in PLAYBOOKS.situations:
        for emotion in EMOTIONS:
            for version in range(4):  # four empathy lines an emotion, two phrasings a template
                reply = draft(MESSAGES[emotion][0], entry=entry_for(situation), style="formal",
                              version=version)  # fmt: skip
                opening = reply.text.split("\n\n")[1]
                for casual in ("I note that", "Happy to help", "a hand"):
                    assert casual not in opening, opening
                for said in ("understand", "I can see", "help with", "your message"):
                    assert opening.count(said) <= 1, opening


def test_every_short_draft_greets_on_a_line_of_its_own_before_its_empathy_line():
    """A short draft read "Hi Maria, Thank you for sticking with us…" on one line (a QA play):
    each empathy line is a sentence of its own, after the greeting."""
    for situation in PLAYBOOKS.situations:
        for emotion in EMOTIONS:
            lines = PLAYBOOKS.empathy_lines(situation, emotion)
            for version, empathy in enumerate(lines):  # every empathy line of the emotion
                for name in ("Maria", None):
                    reply = draft(MESSAGES[emotion][0], entry=entry_for(situation),
                                  style="short", version=version, customer_name=name)  # fmt: skip
                    said = reply.text.splitlines()
                    if name:
                        assert said.pop(0) == "Hi Maria,", reply.text
                    assert said[0].startswith(f"{empathy} "), reply.text


def test_every_draft_passes_the_tone_check():
    rules, problems = load_tone_rules(ROOT / "playbooks")
    if any(problem.severity == "error" for problem in problems):
        pytest.skip(f"playbooks/tone.yaml is not usable yet: {problems[0]}")
    for situation in PLAYBOOKS.situations:
        for emotion in EMOTIONS:
            for style in STYLES:
                for version in (0, 1):
                    reply = draft(
                        MESSAGES[emotion][1], entry=entry_for(situation), style=style,
                        version=version,
                    )  # fmt: skip
                    report = check_tone(reply.text, rules)
                    assert report.score >= 90, (reply.text, report.flags)


def test_the_reply_uses_the_customers_word_for_the_thing():
    entry = Entry("box_late", "q", "a")
    reply = draft("Where is my parcel? It was due yesterday", entry=entry)
    assert "parcel" in reply.text and "box" not in reply.text
    assert "box" in draft("Where is my box?", entry=entry).text
    # "pkg" is how they typed it, not a word to say back to them
    assert "pkg" not in draft("where's my pkg", entry=entry).text


def test_another_version_reads_differently_and_each_version_is_stable():
    entry = Entry("box_damaged", "q", "a")
    first = draft("The box arrived crushed", entry=entry, version=0)
    second = draft("The box arrived crushed", entry=entry, version=1)
    assert first.text != second.text
    assert first.text.splitlines()[2] != second.text.splitlines()[2]  # another empathy line
    assert first == draft("The box arrived crushed", entry=entry, version=0)
    assert (second.due, second.promise) == (first.due, first.promise)


def test_a_situation_can_use_its_own_template():
    reply = draft("I was charged twice", entry=Entry("double_charge", "q", "a"))
    assert "Here's how I can fix it:" in reply.text


def test_friday_afternoon_with_two_working_hours_is_monday_morning():
    reply = draft(entry=Entry("box_late", "q", "a"))  # 2 working hours
    assert reply.promise == "by 10:30 am on Monday"
    assert reply.due == datetime(2025, 3, 10, 10, 30, tzinfo=UTC)  # London is on GMT


def test_a_promise_follows_the_reps_time_zone():
    now = datetime(2025, 6, 4, 7, 0, tzinfo=UTC)  # Wednesday
    in_london = draft(entry=Entry("box_late", "q", "a"), now=now, tz=LONDON)
    in_tokyo = draft(entry=Entry("box_late", "q", "a"), now=now, tz=TOKYO)
    assert in_london.promise == "by 11 am today"  # opens at 9 am BST = 08:00 UTC
    assert in_london.due == datetime(2025, 6, 4, 10, 0, tzinfo=UTC)
    assert in_tokyo.promise == "by 10 am tomorrow"  # 4 pm in Tokyo: 1 hour today, 1 tomorrow
    assert in_tokyo.due == datetime(2025, 6, 5, 1, 0, tzinfo=UTC)


def test_daylight_saving_moves_the_utc_time_not_the_opening_hours():
    # New York moves its clocks on Sunday 9 March 2025: Monday 10:30 am is 14:30 UTC, not 15:30.
    friday = datetime(2025, 3, 7, 16, 30, tzinfo=NEW_YORK)
    reply = draft(entry=Entry("box_late", "q", "a"), now=friday, tz=NEW_YORK)
    assert reply.promise == "by 10:30 am on Monday"
    assert reply.due == datetime(2025, 3, 10, 14, 30, tzinfo=UTC)


def test_holidays_and_weekends_are_skipped():
    christmas_eve = datetime(2025, 12, 24, 16, 0, tzinfo=LONDON)
    reply = draft(entry=Entry("box_late", "q", "a"), now=christmas_eve)
    assert reply.promise == "by 10 am on Monday"  # 25, 26 December are holidays
    assert reply.due == datetime(2025, 12, 29, 10, 0, tzinfo=UTC)


def test_christmas_is_closed_every_year_not_only_in_the_year_it_was_written():
    christmas_eve = datetime(2031, 12, 24, 16, 0, tzinfo=LONDON)  # a Wednesday
    reply = draft(entry=Entry("box_late", "q", "a"), now=christmas_eve)
    assert reply.promise == "by 10 am on Monday"  # 25, 26 December, then the weekend
    assert reply.due == datetime(2031, 12, 29, 10, 0, tzinfo=UTC)


def test_a_promise_never_falls_outside_working_hours():
    start = datetime(2025, 3, 3, 0, 0, tzinfo=UTC)
    for tz in (LONDON, NEW_YORK, TOKYO):
        for hours in range(0, 7 * 24, 5):
            now = start + timedelta(hours=hours, minutes=17)
            for entry in (Entry("box_late", "q", "a"), None):
                due = draft(entry=entry, now=now, tz=tz).due.astimezone(tz)
                assert due.weekday() < 5
                assert time(9) <= due.time() <= time(17)
                assert due > now


def test_promise_wording():
    now = datetime(2025, 3, 3, 10, 0, tzinfo=LONDON)  # a Monday
    assert promise_text(now.replace(hour=15), now) == "by 3 pm today"
    assert promise_text(now.replace(day=4, hour=12), now) == "by noon tomorrow"
    assert promise_text(now.replace(day=7, hour=9, minute=30), now) == "by 9:30 am on Friday"
    assert promise_text(now.replace(day=12), now) == "by 10 am on Wednesday 12 March"


@pytest.mark.parametrize("message", ["😡😡😡", "👍", "!!! ???", "12345"])
def test_a_message_without_words_gets_a_note(message):
    with pytest.raises(CannotDraft, match="no words in that message"):
        draft(message)


@pytest.mark.parametrize(
    "message",
    [
        "Hola, mi paquete todavía no ha llegado y ya pagué",
        "Bonjour, je n'ai toujours pas reçu mon colis",
        "Hallo, ich habe mein Paket noch nicht bekommen",
        "Ciao, il mio pacco non è ancora arrivato, grazie",
        "Где моя посылка? Я жду уже неделю",
        "荷物がまだ届いていません",
        "طلبي لم يصل بعد",
        # few words of the lists of common foreign words: most of the words are not English
        "Lo siento, no podemos hacer eso",
        "A minha caixa chegou danificada",
        # the shortest Spanish: half its words are English words by chance
        "¡Mi caja llegó rota!",
        "Mi caja llegó rota",
        "¿Y mi pedido?",
    ],
)
def test_a_message_in_another_language_gets_a_note(message):
    with pytest.raises(CannotDraft, match="another language"):
        draft(message)


def test_english_with_a_foreign_word_or_two_is_english():
    assert draft("Hola! My box never came, gracias for checking").situation == "general"
    assert draft("The café sent the wrong crème brûlée").situation == "general"
    # names are not English words, nor typos and chat spellings: still English
    assert draft("Thandiwe Nkosi ordered Rooibos from Xolani and it never came").text
    assert draft("i cant beleive my box is late agian pls refund asap thx").text
    # a borrowed word or a customer's name with an accent keeps English English
    assert draft("José says his box never came").text
    assert draft("My résumé café order came broken").text
    assert draft("Señor Núñez got a naïve reply about the jalapeño box").text


def test_empty_text_and_unknown_styles_get_a_note():
    with pytest.raises(CannotDraft, match="Paste the customer's message"):
        draft("   ")
    with pytest.raises(CannotDraft, match="standard, short, formal"):
        draft("Where is my box?", style="casual")


def test_a_wall_of_text_is_named_in_a_few_words_never_quoted():
    message = "My box came late and the lettuce was wilted. " + "It was a bad week. " * 210
    assert len(message) > 4000
    reply = draft(message)
    assert "you'd like some help with your late box." in reply.text
    assert "lettuce" not in reply.text and "“" not in reply.text
    assert len(reply.text) < 1000
    assert "you'd like some help with this." in draft("word " * 800).text


def test_slack_markup_and_template_code_stay_plain_text():
    message = "<!here> <@U0BOB0001> see <https://evil.example|this> {{ 7*7 }} {thing} {% if %}"
    reply = draft(message)
    assert "49" not in reply.text and "<" not in reply.text and "{" not in reply.text
    named = draft("Where is my box?", customer_name="<!channel> {{ name }}", case_id="{% x %}")
    assert "Hi <!channel> {{ name }}," in named.text and "{% x %}" in named.text  # escaped in Slack


def test_the_customers_own_cant_is_never_quoted_back():
    reply = draft("I can't log in and I cannot reset it")
    assert not CANT.search(reply.text)
    assert "you'd like some help with this." in reply.text


# Issue 13: plain statements of feeling, from other businesses as well as ours.
@pytest.mark.parametrize(
    ("message", "emotion"),
    [
        ("I am very upset, my box never turned up", "angry"),
        ("I'm so angry about this", "angry"),
        ("this is unacceptable", "angry"),
        ("I'm worried", "anxious"),
        ("I'm really disappointed with the service", "frustrated"),
        ("I'm frustrated with your app", "frustrated"),
        ("this is ridiculous", "angry"),
        ("I'm scared my account will be closed", "anxious"),
        # a bank, a telco, a SaaS
        ("Im really worried, there's a payment on my statement I don't recognise", "anxious"),
        ("I'm absolutely furious, my broadband has been down all week", "angry"),
        ("Honestly I'm pretty annoyed that our dashboard export keeps timing out", "frustrated"),
        ("I AM SO UPSET!!! MY MORTGAGE PAYMENT BOUNCED", "angry"),
        ("I’m concerned my SIM was swapped without my permission", "anxious"),
        ("I'm not happy with how my complaint was handled", "frustrated"),
        ("I'm a bit confused by the new invoice layout", "confused"),
    ],
)
def test_plain_statements_of_feeling_are_heard(message, emotion):
    reading = detect_emotion(message)
    assert reading.emotion == emotion, reading
    assert reading.cues


@pytest.mark.parametrize(
    ("message", "emotion"),
    [
        ("I'm not upset, just asking", "neutral"),
        ("Not worried at all, just curious when my statement arrives", "neutral"),
        ("don't worry, there's no rush on the upgrade", "neutral"),
        ("I wasn't angry until now, but this is ridiculous", "angry"),
        ("Not angry, just confused about the roaming charge", "confused"),
        ("I'm not angry but I am disappointed", "frustrated"),
        ("This isn't acceptable", "angry"),
        # a reassurance says how the customer does not feel
        ("It's not urgent, just asking when my box ships", "neutral"),
        ("This isn't a complaint, just asking when my box ships", "neutral"),
        ("I’m not angry or anything, which days do you deliver?", "neutral"),
        # set phrases that hold a feeling word but say no feeling
        ("As far as I'm concerned the bill is fine, just checking the date", "neutral"),
        ("The meal gave me an upset stomach", "neutral"),
    ],
)
def test_a_feeling_that_is_negated_does_not_count(message, emotion):
    assert detect_emotion(message).emotion == emotion


@pytest.mark.parametrize(
    ("message", "cue"),
    [
        # a "never" about the box does not reach the feeling in the clause after it
        ("my box never came and I'm furious", "furious"),
        ("my delivery never arrived and I'm furious", "furious"),
        ("my box never came and I'm angry", "angry"),
        ("my box never came and I am furious", "furious"),
        ("I'm furious, my box never came", "furious"),
        ("the refund didn't come through so I'm livid", "livid"),
        ("it never turned up and now I'm fuming", "fuming"),
        ("we didn't get the box and we're outraged", "outraged"),
        # a comparison with every time before, not a denial
        ("I've never been so angry in my life", "angry"),
    ],
)
def test_a_negation_ends_with_its_clause(message, cue):
    reading = detect_emotion(message)
    assert reading.emotion == "angry", reading
    assert reading.cues[0] == cue


@pytest.mark.parametrize(
    ("message", "emotion"),
    [
        ("I'm not angry, just confused", "confused"),
        ("I'm not angry and not upset, just asking", "neutral"),
        ("I'm not so angry about it, which days do you deliver?", "neutral"),
        ("the box never came and I'm not upset, just asking when it will", "neutral"),
        ("my box never came but I'm not angry", "neutral"),
    ],
)
def test_a_negation_in_the_feelings_own_clause_still_negates(message, emotion):
    assert detect_emotion(message).emotion == emotion


@pytest.mark.parametrize(
    ("message", "emotion"),
    [
        ("Hi, I hope you're well. Which days do you deliver? Thanks, Sue", "neutral"),
        ("Good morning, I hope this email finds you well. Can I pause?", "neutral"),
        ("Hope you had a good weekend! Which days do you deliver?", "neutral"),
        ("Hi team, hope all is well. Can I change my address?", "neutral"),
        ("I hope you can help: my code won't apply", "neutral"),
        ("I hope you and the team are well. Can I pause?", "neutral"),
        # a hope about the order is a worry, and a courtesy beside it does not hide it
        ("I hope it arrives before the wedding!", "anxious"),
        ("Hope you're well. I hope my box comes before Friday", "anxious"),
    ],
)
def test_courtesies_are_no_feeling_and_a_real_hope_still_is(message, emotion):
    reading = detect_emotion(message)
    assert reading.emotion == emotion, reading
    assert reading.cues == (("I hope",) if emotion == "anxious" else ())


@pytest.mark.parametrize(
    ("message", "named"),
    [
        ("I am very upset, my box never turned up", "your missing box"),
        ("Hi, this is Priya. My parcel arrived damaged", "your damaged parcel"),
        ("I've been charged twice for my subscription this month", "the double charge"),
        ("Im really worried, there's a payment on my statement I don't recognise", "the payment"),
        ("I'm so angry, my broadband has been down all week", "your broadband"),
        ("Hello, my SIM card stopped working after the update", "your SIM card"),
        ("This is ridiculous, the dashboard export keeps timing out", "the dashboard export"),
        ("Please help, I need the box by Saturday for my daughter's party", "the box"),
        (
            "This is the third time I've asked and my refund still hasn't arrived",
            "your missing refund",
        ),
        # nothing to name: a neutral word, never a bad quote
        ("Worst company ever, sort it out", "this"),
        ("I can't log in and I cannot reset it", "this"),
        ("Could my daughter open an account?", "the account"),
        ("Why isn't my top up showing?", "your top-up"),
        # what the thing does is not part of its name
        ("I'm not upset, just asking when my box ships", "your box"),
        ("When does my new router arrive?", "your new router"),
        # letters beyond a to z are letters: never "the Caf Cr"
        ("The Café Crème pods never arrived", "the Café Crème pods"),
        # when it happened is not what happened; "&" joins two things
        ("This morning I got an email that the box was dispatched. Where is it?", "the box"),
        ("Maria: my box & bag never came", "your missing box"),
        # courtesies, greetings and sign-offs name nothing (a QA play got "the finds" and "the
        # good week Regards"), nor does when the customer needs it (it got "the wedding")
        ("Dear team, I hope this finds you well. Kind regards, Jo", "this"),
        ("Hi, hope you're having a good week. Regards", "this"),
        ("I hope it arrives before the wedding!", "this"),
        ("Hope you're having a good week! My parcel never came", "your missing parcel"),
        ("Can the order come in time for the christening? It's late", "the order"),
        ("After the update my app keeps crashing", "your app"),
    ],
)
def test_the_problem_is_named_in_a_few_words_not_quoted(message, named):
    assert topic(message) == named
    reply = draft(message)  # no FAQ entry: the fallback names the problem from the message
    assert f"you'd like some help with {named}." in reply.text
    words = message.split()
    quoted = [" ".join(words[i : i + 4]) for i in range(len(words) - 3)]
    assert not [piece for piece in quoted if piece in reply.text], reply.text


def test_a_matched_situation_names_the_problem_from_the_playbook():
    reply = draft("I am very upset, my box never turned up", entry=Entry("box_late", "q", "a"))
    assert reply.emotion == "angry"
    assert "you'd like to know where your box is." in reply.text
    assert "very upset" not in reply.text


# A customer who only thanks us or says it is settled (found playing the demo: "Thanks so much,
# that's sorted now!" was promised an answer by 11:30 am tomorrow).
CLOSINGS = [
    # (message, thanks us, says it is settled)
    ("Thanks so much, that's sorted now!", True, True),
    ("Great, all working, thank you", True, True),
    ("cheers that fixed it", True, True),
    ("Thank you!", True, False),
    ("ok thanks", True, False),
    ("Thanks Ana!", True, False),
    ("Brilliant, thanks for sorting that out so quickly", True, False),
    ("You've been a star, thank you so much", True, False),
    ("Amazing service, thanks guys", True, False),
    ("Thank you very much for your help. Best wishes, Tom", True, False),
    ("Hi Ana, thanks so much, that's sorted now! Kind regards, Sarah", True, True),
    ("My parcel arrived today, thanks for your help", True, True),
    ("Parcel received, thanks", True, True),
    ("It's working again, thanks a lot", True, True),
    ("I received my refund, thank you", True, True),
    ("The refund came through this morning, thank you", True, True),
    ("Cheers Ben, that fixed it", True, True),
    ("That's all I needed, thanks", True, True),
    ("Much appreciated, all good now", True, True),
    ("Yes that's done the trick, thanks!", True, True),
    ("I can log in now, thank you", True, True),
    ("Great news, the box has arrived. Thank you for your help!", True, True),
    ("thank you sooo much!!! it works now", True, True),
    ("got my money back, cheers", True, True),
    ("Thank you, the engineer came yesterday and fixed it", True, True),
    ("No worries, it's sorted now", False, True),
    ("Box arrived safe and sound 👍", False, True),
]
# Thanks with something still to answer, or a problem in words of settling: the can-do draft.
NOT_CLOSINGS = [
    "Thanks, but where is my refund?",
    "Thanks, but where is my refund",  # no question mark: "but" still says there is more
    "thanks, when will it arrive",
    "thanks, has my refund gone through",
    "is my iphone unlocked",
    "thanks, it still isn't working",
    "not sorted thanks",
    "Thanks. My box never arrived",
    "my box arrived damaged, thanks",
    "It arrived late again, thanks",
    "thanks the box came but it was empty",
    "Some arrived, thanks",
    "Thanks, Nothing has arrived",
    "Thanks, nothing else arrived",
    "thanks for nothing",
    "Thanks a lot for losing my parcel",
    "Sorted, no thanks to you",
    "thanks for the reply my box is lost",
    "Thanks for the update, please send the label",
    "Thank you. Can you also change my address",
    "Thanks for your reply. I would like to cancel my subscription",
    "Thank you for getting back to me, however the problem remains",
    "Thanks, I have another question",
    "thanks, you charged me twice",
    "Thanks in advance",
    "Any help would be appreciated",
    "Thanks, let me know when it ships",
    "Looking forward to hearing from you, thanks",
    "Thanks, waiting for the courier now",
    "I've updated my card, thanks",
    "ok",
]


@pytest.mark.parametrize(("message", "thanked", "settled"), CLOSINGS)
def test_a_message_that_only_thanks_us_or_says_it_is_sorted_gets_a_closing(
    message, thanked, settled
):
    assert closing_of(message) == Closing(thanked, settled)
    for style in STYLES:
        for version in (0, 1, 2):
            reply = draft(message, entry=Entry("box_late", "q", "a"), style=style,
                          version=version, customer_name="Sam", case_id="C-1042")  # fmt: skip
            assert reply.situation == "closing" and reply.closing == Closing(thanked, settled)
            assert (reply.due, reply.promise) == (None, None)
            assert not re.search(r"\b(by|until|within) \d|tomorrow|today|I'll", reply.text)
            assert reply.text.count("Sam") == 1 and "C-1042" not in reply.text
            glad_it_is_sorted = any(w in reply.text for w in ("sorted", "resolved", "in order"))
            assert glad_it_is_sorted is settled, reply.text


@pytest.mark.parametrize("message", NOT_CLOSINGS)
def test_thanks_with_something_left_to_answer_gets_the_can_do_draft(message):
    assert closing_of(message) is None
    reply = draft(message)
    assert reply.situation != "closing" and TIME.match(reply.promise or "")


def test_no_question_the_faq_knows_reads_as_a_closing():
    """Every phrasing of every FAQ entry, and the telecom benchmark's 520 questions: customers
    asking something, none of them done with us."""
    questions = [p for e in load_knowledge(ROOT / "knowledge").entries for p in e.phrasings]
    with (ROOT / "benchmarks" / "telecom" / "questions.csv").open() as rows:
        questions += [row["question"] for row in csv.DictReader(rows)]
    assert len(questions) > 800
    assert [q for q in questions if closing_of(q)] == []


def test_every_closing_passes_the_tone_check():
    rules, _ = load_tone_rules(ROOT / "playbooks")
    for message, _, _ in CLOSINGS[:5]:
        for style in STYLES:
            for version in (0, 1, 2):
                reply = draft(message, style=style, version=version)
                report = check_tone(reply.text, rules)
                assert report.score >= 90, (reply.text, report.flags)


@pytest.mark.parametrize(
    "message",
    [
        "my box never came and I'm furious",
        "my delivery never arrived and I'm furious",
        "my parcel hasn't even turned up",
        "I never got my box",
        "my box was never delivered",
    ],
)
@pytest.mark.parametrize("entry", ["box_damaged", "missing_items"])
def test_a_box_that_never_came_is_asked_after_not_put_right(message, entry):
    # the FAQ's words may lean to "damaged" ("furious"): a reply that says the box arrived
    # damaged tells the customer the opposite of what they said
    reply = draft(message, entry=Entry(entry, "q", "a"))
    assert reply.situation == "box_whereabouts"
    assert "arrived" not in reply.text


@pytest.mark.parametrize(
    "message",
    [
        "my box arrived damaged and I'm furious",
        "my box came but the cheese never arrived",
        "the yoghurt never came in my box",
        "half my order never came",
    ],
)
def test_items_missing_from_a_box_that_came_are_still_put_right(message):
    assert draft(message, entry=Entry("missing_items", "q", "a")).situation == "box_problem"

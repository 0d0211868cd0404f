"""Cases: customers found or created, repeat contacts and the senior callback, notes, closing
with a root cause, promises on the card, and the CRM import."""

import threading
from datetime import date, timedelta

import pytest
from conftest import shipped_matcher

from bot.cases import queries as cases_db
from bot.cases.card import case_card
from bot.cases.customers import (
    MAX_NAME,
    MAX_TOPIC,
    CaseRequest,
    How,
    find_customer,
    read_case_request,
)
from bot.cases.personal import find_customer as find_for_data
from bot.cases.service import (
    CALLBACK_AT,
    RETYPED_WITHIN,
    CaseChoice,
    CaseError,
    Contact,
    CustomerChoice,
    add_note,
    close_case,
    get_case,
    import_customers,
    move_contact,
    open_case_for,
    open_or_find_case,
    parse_case_ref,
)
from bot.shared.db import Store
from bot.shared.refusal import Refusal

FAQ = shipped_matcher()  # /case reads topics as the FAQ does


@pytest.fixture
def store(tmp_path) -> Store:
    store = Store(tmp_path / "r.db")
    cases_db.save_customer(store,
        {"id": "BX-1", "name": "Margaret Holloway", "email": "m.holloway@example.co.uk",
         "customer_since": "2014-03-02", "tier": "premium"}
    )  # fmt: skip
    return store


def contact(store: Store, topic: str | None = "box arrived damaged", key: str | None = None):
    return open_or_find_case(
        store, customer_text="BX-1", topic=topic, user_id="U0ANA0001", request_key=key, matcher=FAQ
    )


def later(store: Store) -> None:
    """Time for another contact, not the rep typing the same /case again at once."""
    store.clock.advance(RETYPED_WITHIN + timedelta(minutes=1))


def test_case_references_are_typed_many_ways():
    assert parse_case_ref("C-1042") == 1042
    assert parse_case_ref(" c-1042 ") == 1042
    assert parse_case_ref("1042") == 1042
    assert parse_case_ref("C1042") == 1042
    assert parse_case_ref("case 1042") is None
    assert parse_case_ref("") is None


def test_a_customer_is_found_by_id_email_or_name_ignoring_case(store):
    for text in ("bx-1", "M.HOLLOWAY@example.co.uk", "margaret holloway"):
        found = open_or_find_case(store, customer_text=text, topic="late box", user_id="U1",
                                  request_key=None, matcher=FAQ)  # fmt: skip
        assert found.case.customer.id == "BX-1"
        assert found.case.customer.tier == "premium"
        assert found.case.customer.tenure_years(date(2024, 3, 2)) == pytest.approx(10, abs=0.01)


def count(store: Store, table: str) -> int:
    return store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_an_unknown_customer_is_made_only_once_the_rep_confirms(store):
    asked = open_or_find_case(store, customer_text="jo@example.com", topic="refund",
                              user_id="U1", request_key="K1", matcher=FAQ)  # fmt: skip
    assert isinstance(asked, CustomerChoice) and asked.candidates == []
    assert (count(store, "customers"), count(store, "cases")) == (1, 0)
    by_email = open_case_for(store, customer_id=None, request=asked.request, user_id="U1",
                             request_key="K1", matcher=FAQ)  # fmt: skip
    assert by_email.case.customer.email == "jo@example.com" and by_email.found == How.NEW
    assert by_email.case.customer.customer_since is None
    assert by_email.case.customer.tenure_years(date.today()) is None
    request = CaseRequest.checked("  Jo   Bloggs ", "refund")
    by_name = open_case_for(store, customer_id=None, request=request, user_id="U1",
                            request_key="K2", matcher=FAQ)  # fmt: skip
    assert (by_name.case.customer.name, by_name.case.customer.email) == ("Jo Bloggs", None)
    assert by_name.case.customer.id != by_email.case.customer.id
    # Create pressed twice (or after another button of the same question): one customer
    again = open_case_for(store, customer_id=None, request=request, user_id="U1",
                          request_key="K2", matcher=FAQ)  # fmt: skip
    assert again == by_name and count(store, "customers") == 3
    with pytest.raises(CaseError, match="Who is the customer"):
        open_or_find_case(
            store, customer_text=" ", topic="x", user_id="U1", request_key=None, matcher=FAQ
        )


def test_two_customers_with_one_name_are_put_to_the_rep(store):
    cases_db.save_customer(store, {"id": "BX-2", "name": "Margaret Holloway", "email": None,
                         "customer_since": None, "tier": None})  # fmt: skip
    asked = open_or_find_case(store, customer_text="Margaret Holloway", topic="x", user_id="U1",
                              request_key="K", matcher=FAQ)  # fmt: skip
    assert isinstance(asked, CustomerChoice)
    assert [c.customer.id for c in asked.candidates] == ["BX-1", "BX-2"]
    assert count(store, "cases") == 0
    chosen = open_case_for(store, customer_id="BX-2", request=asked.request, user_id="U1",
                           request_key="K", matcher=FAQ)  # fmt: skip
    assert chosen.case.customer.id == "BX-2" and chosen.found == How.CHOSEN
    # another button of the same question: still the one contact of that /case
    other = open_case_for(store, customer_id="BX-1", request=asked.request, user_id="U1",
                          request_key="K", matcher=FAQ)  # fmt: skip
    assert other == chosen and count(store, "contacts") == 1


@pytest.mark.parametrize(
    ("typed", "how"),
    [
        ("bx-1", How.ID),
        ("M.Holloway@Example.co.uk", How.EMAIL),
        ("margaret  HOLLOWAY", How.NAME),
        ("Holloway Margaret", How.NAME),
        ("margaret", How.PARTIAL),
        ("Holloway", How.PARTIAL),
        ("marg", How.PARTIAL),
        ("m holloway", How.PARTIAL),
        ("Margret Holloway", How.TYPO),
        ("margaret hollowey", How.TYPO),
        ("margret", How.TYPO),
    ],
)
def test_a_customer_is_found_by_part_of_the_name_or_a_typo(store, typed, how):
    cases_db.save_customer(store, {"id": "BX-2", "name": "Tom Okafor", "email": None,
                                   "customer_since": None, "tier": None})  # fmt: skip
    lookup = find_customer(store, typed)
    assert lookup.clear is not None, lookup
    assert (lookup.clear.customer.id, lookup.clear.how) == ("BX-1", how)


def test_unrelated_names_find_nobody_and_a_near_one_is_only_offered(store):
    for row in (("BX-2", "Mario Lopez"), ("BX-3", "Tom Okafor"), ("BX-4", "Grace Adeyemi")):
        cases_db.save_customer(store, {"id": row[0], "name": row[1], "email": None,
                                       "customer_since": None, "tier": None})  # fmt: skip
    for typed in ("Maria Holmes", "Tim", "Margaret Smith", "Gareth", "ma", "m", "BX-99"):
        assert find_customer(store, typed).matches == [], typed
    near = find_customer(store, "Maria Lopez")  # one letter from someone else: ask, not take
    assert [m.customer.id for m in near.matches] == ["BX-2"] and near.clear is None


def test_several_plausible_customers_are_offered_best_first_and_the_rest_counted(store):
    for n in range(2, 9):
        cases_db.save_customer(
            store,
            {
                "id": f"BX-{n}",
                "name": f"Margaret Smith{'e' * n}",
                "email": None,
                "customer_since": None,
                "tier": None,
            },
        )
    lookup = find_customer(store, "margaret")
    assert lookup.clear is None and len(lookup.matches) == 5 and lookup.more == 3
    assert lookup.matches[0].customer.id == "BX-1"  # "Holloway" sorts first among equals


def test_the_customer_and_topic_are_read_with_or_without_a_comma(store):
    cases = {
        "Margaret Holloway, parcel late": ("Margaret Holloway", "parcel late"),
        "BX-1 double charge": ("BX-1", "double charge"),
        "bx-1, double charge": ("bx-1", "double charge"),
        "BX-1,double charge, again": ("BX-1", "double charge, again"),
        "maria@example.com refund please": ("maria@example.com", "refund please"),
        "CUS-77 refund": ("CUS-77", "refund"),  # looks like an id, though nobody has it
        "margaret charged twice": ("margaret charged twice", ""),
        "Margaret Holloway": ("Margaret Holloway", ""),
    }
    for text, expected in cases.items():
        request = read_case_request(store, text)
        assert (request.customer, request.topic) == expected, text


@pytest.mark.parametrize(
    ("typed", "what"),
    [("<!channel>, box damaged", "a Slack mention"), ("@channel, box damaged", "a Slack mention"),
     ("<@U0BEN0001>, box damaged", "a Slack mention"), ("@ben, box damaged", "a Slack mention"),
     ("@U0BEN0001 box damaged", "a Slack mention"),
     ("Maria <@U0BEN0001|ben>, late", "a Slack mention"),
     ("<!subteam^S1|@leads>, late", "a Slack mention"),
     ("#support, box damaged", "a Slack channel"),
     ("<#C0SUPPORT1|support>, late", "a Slack channel"), ("<https://x.example|x>, late", "a link"),
     ("https://x.example/jo, late", "a link"), ("www.example.com, late", "a link")],
)  # fmt: skip
def test_a_slack_mention_channel_or_link_is_never_taken_for_a_customer(store, typed, what):
    """As typed in the demo ("<!channel>") or as the edge decodes what Slack sends ("@channel"):
    a customer made of it would be a junk record named like a ping."""
    with pytest.raises(CaseError, match=f"^That is {what}, not a customer. Type the customer's "
                                        "name, email or customer id, then a comma"):  # fmt: skip
        read_case_request(store, typed)
    with pytest.raises(CaseError, match=f"That is {what}"):
        open_or_find_case(store, customer_text=typed.partition(",")[0], topic="late",
                          user_id="U1", request_key=None, matcher=FAQ)  # fmt: skip
    assert count(store, "customers") == 1


def test_an_address_is_no_mention(store):
    for typed in ("jo@example.com, late", "Jo Smith <jo@example.com>, late", "<jo@example.com>"):
        assert read_case_request(store, typed).customer


def test_names_and_topics_have_limits_that_the_refusal_names(store):
    with pytest.raises(CaseError, match=f"at most {MAX_NAME} characters.*has 4,000"):
        read_case_request(store, "x" * 4000)
    with pytest.raises(CaseError, match=f"at most {MAX_TOPIC} characters.*/note"):
        read_case_request(store, "BX-1 " + "late " * 100)
    with pytest.raises(CaseError, match=f"at most {MAX_NAME}"):
        open_or_find_case(store, customer_text="y" * 101, topic="x", user_id="U1",
                          request_key=None, matcher=FAQ)  # fmt: skip
    assert count(store, "customers") == 1


def test_an_unknown_id_or_a_missing_topic_is_explained(store):
    with pytest.raises(CaseError, match="No customer has the id BX-99"):
        open_or_find_case(store, customer_text="BX-99", topic="refund", user_id="U1",
                          request_key=None, matcher=FAQ)  # fmt: skip
    with pytest.raises(CaseError, match="No customer is called Jo Bloggs parcel late. Type "
                       "the customer, then a comma"):  # fmt: skip
        open_or_find_case(store, customer_text="Jo Bloggs parcel late", topic="", user_id="U1",
                          request_key=None, matcher=FAQ)  # fmt: skip
    with pytest.raises(CaseError, match="No customer has the email jo@example.com. Type "):
        open_or_find_case(store, customer_text="jo@example.com", topic="", user_id="U1",
                          request_key=None, matcher=FAQ)  # fmt: skip
    with pytest.raises(CaseError, match="Margaret Holloway has no open case. What is it about"):
        open_or_find_case(store, customer_text="BX-1", topic=None, user_id="U1",
                          request_key=None, matcher=FAQ)  # fmt: skip
    assert (count(store, "customers"), count(store, "cases")) == (1, 0)


def test_a_new_case_is_owned_by_the_rep_and_numbered_for_typing(store):
    first = contact(store)
    assert first.is_new_case and first.contact_number == 1 and not first.callback_due
    case = first.case
    assert (case.ref, case.owner_id, case.status, case.contact_count) == (
        "C-1001", "U0ANA0001", "open", 1,
    )  # fmt: skip
    assert contact(store, "password reset").case.ref == "C-1002"  # another matter


def test_the_third_contact_on_a_matter_raises_the_callback_exactly_once(store):
    results = []
    for topic in ("box arrived damaged", "Box arrived DAMAGED", "damaged box arrived again",
                  "box damaged"):  # fmt: skip
        results.append(contact(store, topic))
        later(store)
    assert {r.case.id for r in results} == {results[0].case.id}
    assert [r.contact_number for r in results] == [1, 2, 3, 4]
    assert [r.callback_due for r in results] == [False, False, True, False]
    assert CALLBACK_AT == 3


def test_a_retried_request_counts_no_contact_twice(store):
    contact(store, key="A")
    later(store)
    second = contact(store, key="B")
    assert contact(store, key="B") == second
    later(store)
    assert contact(store, key="C").callback_due
    assert contact(store, key="C").contact_number == 3
    assert store.db.execute("SELECT count(*) FROM contacts").fetchone()[0] == 3


def test_the_same_case_typed_again_at_once_by_the_same_rep_is_the_same_contact(store):
    # The bot died before Slack heard its answer: the rep saw an error and typed it again.
    first = contact(store, "box arrived damaged", key="A")
    store.clock.advance(RETYPED_WITHIN - timedelta(minutes=1))
    again = contact(store, "Box arrived damaged", key="B")
    assert (again.case, again.contact_number, again.is_new_case) == (first.case, 1, True)
    assert again.earlier is not None and again.earlier >= timedelta(minutes=4)
    assert count(store, "cases") == 1 and count(store, "contacts") == 1
    # another topic, another rep, or the window over: another contact
    assert contact(store, "damaged box arrived again").contact_number == 2
    other = open_or_find_case(store, customer_text="BX-1", topic="box arrived damaged",
                              user_id="U0BEN0001", request_key=None, matcher=FAQ)  # fmt: skip
    assert other.contact_number == 3
    later(store)
    assert contact(store, "damaged box arrived again").contact_number == 4


def test_back_about_a_closed_matter_within_30_days_opens_a_case_that_follows_it(store):
    first = contact(store, "refund for damaged box")
    close_case(store, first.case.id, "U0ANA0001", "product")
    store.clock.advance(timedelta(days=29))
    again = contact(store, "refund")
    assert again.is_new_case and again.case.follows == first.case.id
    assert again.case.status == "open" and again.contact_number == 2  # the matter's second
    closed = get_case(store, first.case.id)
    assert closed is not None and (closed.status, closed.root_cause) == ("closed", "product")
    third = contact(store, "refund still not here")
    assert third.case.id == again.case.id and third.contact_number == 3 and third.callback_due


def test_after_30_days_a_closed_matter_is_a_new_case(store):
    first = contact(store)
    close_case(store, first.case.id, "U0ANA0001", "process")
    store.clock.advance(timedelta(days=31))
    later = contact(store)
    assert later.is_new_case and later.case.id != first.case.id and later.contact_number == 1


def test_without_a_topic_the_open_case_counts(store):
    first = contact(store, "late box")
    later(store)
    again = contact(store, None)
    assert (again.case.id, again.contact_number) == (first.case.id, 2)


def test_without_a_topic_and_several_open_cases_the_rep_is_asked_which(store):
    late = contact(store, "late box", key="A")
    later(store)
    charged = contact(store, "charged twice", key="B")
    later(store)
    for topic in (None, ""):
        asked = contact(store, topic, key="C")
        assert isinstance(asked, CaseChoice)  # nothing counted on a guess
        assert [case.id for case in asked.cases] == [charged.case.id, late.case.id]
        assert (asked.customer.id, asked.request.customer) == ("BX-1", "BX-1")
    assert count(store, "contacts") == 2
    # the rep chooses the older one: counted there, once, whichever button and however often
    chosen = open_case_for(store, customer_id="BX-1", request=CaseRequest("BX-1", "late box"),
                           user_id="U0ANA0001", request_key="C", case_id=late.case.id,
                           matcher=FAQ)  # fmt: skip
    assert isinstance(chosen, Contact) and chosen.case.id == late.case.id
    assert (chosen.contact_number, chosen.is_new_case, chosen.earlier) == (2, False, None)
    other = CaseRequest("BX-1", "charged twice")  # the other button of the same question
    again = open_case_for(store, customer_id="BX-1", request=other, user_id="U0ANA0001",
                          request_key="C", case_id=charged.case.id, matcher=FAQ)  # fmt: skip
    assert again == chosen and count(store, "contacts") == 3


def test_a_case_without_a_topic_typed_again_at_once_by_the_same_rep_is_the_same_contact(store):
    """Found by a QA play: without a topic, each retyped /case counted another contact."""
    contact(store, "box arrived damaged", key="A")
    later(store)
    second = contact(store, None, key="B")
    store.clock.advance(RETYPED_WITHIN - timedelta(minutes=1))
    again = contact(store, None, key="C")
    assert (again.case, again.contact_number, again.callback_due) == (second.case, 2, False)
    assert again.earlier is not None and again.earlier >= timedelta(minutes=4)
    assert count(store, "contacts") == 2
    later(store)  # the window over: another contact, the third
    assert contact(store, None, key="D").callback_due


def test_a_case_chosen_again_at_once_by_the_same_rep_counts_nothing_more(store):
    """Found by a QA play: the same one of several open cases chosen three times in a minute
    counted 1, then 2, 3 (a senior callback nobody needed) and 4 contacts. A choice of the
    case is the case named, as a /case without a topic names the one open case."""
    contact(store, "late box", key="A")
    wrong = contact(store, "wrong item", key="B")

    def choose(key: str, user_id: str = "U0ANA0001"):
        return open_case_for(store, customer_id="BX-1", user_id=user_id, request_key=key,
                             request=CaseRequest("BX-1", "wrong item"), case_id=wrong.case.id,
                             matcher=FAQ)  # fmt: skip

    opened = choose("C")  # the rep opened it seconds ago: that contact
    assert isinstance(opened, Contact) and opened.case.id == wrong.case.id
    assert (opened.contact_number, opened.is_new_case, opened.callback_due) == (1, True, False)
    assert opened.earlier is not None and opened.others == ()  # chosen: not asked about again
    later(store)
    counted = choose("D")
    assert isinstance(counted, Contact) and (counted.contact_number, counted.earlier) == (2, None)
    store.clock.advance(RETYPED_WITHIN - timedelta(minutes=1))
    again = choose("E")
    assert isinstance(again, Contact) and (again.contact_number, again.callback_due) == (2, False)
    assert again.earlier is not None and again.earlier >= timedelta(minutes=4)
    assert count(store, "contacts") == 3
    other_rep = choose("F", "U0BEN0001")  # another rep's is another contact: the third
    assert isinstance(other_rep, Contact)
    assert (other_rep.contact_number, other_rep.callback_due) == (3, True)


def test_a_case_chosen_but_closed_meanwhile_is_its_topic_typed(store):
    late = contact(store, "late box")
    contact(store, "charged twice")
    close_case(store, late.case.id, "U1", "process")
    later(store)
    chosen = open_case_for(store, customer_id="BX-1", request=CaseRequest("BX-1", "late box"),
                           user_id="U0ANA0001", request_key="K", case_id=late.case.id,
                           matcher=FAQ)  # fmt: skip
    assert isinstance(chosen, Contact) and chosen.is_new_case
    assert (chosen.case.follows, chosen.contact_number) == (late.case.id, 2)


def test_a_case_that_follows_a_closed_one_counts_the_matters_contacts(store):
    first = contact(store, "box arrived damaged", key="A")
    add_note(store, first.case.id, "U0ANA0001", "sent photos", None)
    close_case(store, first.case.id, "U0ANA0001", "product")
    later(store)
    second = contact(store, "box arrived damaged", key="B")
    later(store)
    third = contact(store, "box arrived damaged", key="C")
    assert third.callback_due and third.contact_number == 3
    case = third.case
    assert (case.contact_count, case.earlier_contacts, case.matter_contacts) == (2, 1, 3)
    card = case_card(store, case.id)
    assert card is not None and [e.case.id for e in card.earlier] == [first.case.id]
    assert [text for _, text, _ in card.earlier[0].notes] == ["sent photos"]
    # a retried request says what it counted, on the matter
    assert contact(store, "box arrived damaged", key="C") == third
    assert contact(store, "box arrived damaged", key="B").contact_number == 2
    assert second.contact_number == 2


def test_notes_go_on_open_cases_only(store):
    case = contact(store).case
    add_note(store, case.id, "U0ANA0001", "  Customer sent photos. ", "N1")
    add_note(store, case.id, "U0ANA0001", "Customer sent photos.", "N1")  # a Slack retry
    card = case_card(store, case.id)
    assert [(user, text) for user, text, _ in card.notes] == [
        ("U0ANA0001", "Customer sent photos.")
    ]
    with pytest.raises(CaseError, match="empty"):
        add_note(store, case.id, "U1", "   ", None)
    with pytest.raises(CaseError, match="no case C-9999"):
        add_note(store, 9999, "U1", "hello", None)
    close_case(store, case.id, "U1", "Product")
    with pytest.raises(CaseError, match="closed"):
        add_note(store, case.id, "U1", "hello", None)


def test_the_same_note_typed_again_at_once_is_kept_once_and_later_is_a_new_note(store):
    """A double Enter: two requests, two trigger ids, one note."""
    case = contact(store).case
    assert add_note(store, case.id, "U0ANA0001", "Customer sent photos.", "N1").earlier is None
    store.clock.advance(RETYPED_WITHIN - timedelta(minutes=1))
    again = add_note(store, case.id, "U0ANA0001", " Customer sent photos.", "N2")
    assert again.case == case and again.earlier is not None
    assert again.earlier >= RETYPED_WITHIN - timedelta(minutes=1)
    assert count(store, "case_notes") == 1
    # other words, or another rep's own note, are notes of their own
    add_note(store, case.id, "U0ANA0001", "Customer sent more photos.", "N3")
    add_note(store, case.id, "U0BEN0001", "Customer sent photos.", "N4")
    assert count(store, "case_notes") == 3
    later(store)  # the same words after the window: it happened again
    assert add_note(store, case.id, "U0ANA0001", "Customer sent photos.", "N5").earlier is None
    assert count(store, "case_notes") == 4


def test_the_same_note_sent_twice_at_once_is_added_once(store, tmp_path):
    case = contact(store).case
    barrier = threading.Barrier(2)
    earlier = {}

    def note(key: str) -> None:
        own = Store(tmp_path / "r.db", store.clock)  # each request on its own connection
        barrier.wait()
        earlier[key] = add_note(own, case.id, "U0ANA0001", "Customer sent photos.", key).earlier

    threads = [threading.Thread(target=note, args=(key,)) for key in ("N1", "N2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(when is None for when in earlier.values()) == [False, True]  # one added
    assert count(store, "case_notes") == 1


def test_closing_needs_a_root_cause_an_open_case_and_leaves_an_audit_row(store):
    case = contact(store).case
    with pytest.raises(CaseError, match="root cause"):
        close_case(store, case.id, "U1", "bad luck")
    with pytest.raises(CaseError, match="no case"):
        close_case(store, 4242, "U1", "product")
    closed = close_case(store, case.id, "U1", "marketing")
    assert (closed.status, closed.root_cause) == ("closed", "marketing")
    assert closed.closed_at is not None
    with pytest.raises(CaseError, match="closed"):
        close_case(store, case.id, "U1", "marketing")
    rows = list(cases_db.audit_rows(store))
    assert [(r["action"], r["subject"]) for r in rows] == [("case.closed", case.ref)]


def test_the_card_is_its_case_with_its_solutions_and_none_for_no_case(store):
    case = contact(store).case
    card = case_card(store, case.id)
    assert card.case == case and card.solutions == []
    assert case_card(store, 9999) is None


def test_import_adds_updates_and_names_bad_lines(store, tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text(
        "\ufeffID,Name,Email,Customer since,Tier\n"  # Excel's BOM and its own header spelling
        "BX-1,Margaret Holloway-Smith,m.holloway@example.co.uk,2014-03-02,Premium\n"
        "BX-2,Tom Okafor,tom@example.com,2016-09-18,plus\n"
        ",No Id,x@example.com,2020-01-01,standard\n"
        "BX-3,Bad Date,b@example.com,31/02/2020,standard\n"
        "\n"
        "BX-4,Bad Mail,not-an-email,2020-01-01,standard\n"
        "BX-2,Tom Again,tom@example.com,2016-09-18,plus\n"
        "BX-5,Future,f@example.com,2999-01-01,standard\n",
        encoding="utf-8",
    )
    result = import_customers(store, path)
    assert (result.added, result.updated) == (1, 1)
    lines = [problem.split(":")[1] for problem in result.problems]
    assert lines == ["4", "5", "7", "8", "9"]
    assert "31/02/2020" in result.problems[1]
    assert cases_db.customer(store, "BX-1")["name"] == "Margaret Holloway-Smith"
    assert cases_db.customer(store, "BX-1")["tier"] == "premium"
    assert "also on line 3" in result.problems[3]
    assert cases_db.customer(store, "BX-3") is None


def test_a_big_crm_export_is_written_in_parts_that_leave_the_write_lock_to_reps(store, tmp_path):
    # A night's export in one transaction held the write lock for seconds: every rep's /faq
    # (which records the question before Slack hears back) waited past Slack's 3 seconds.
    path = tmp_path / "crm.csv"
    rows = [f"NEW-{n},Customer {n},c{n}@example.com,2020-01-01,standard" for n in range(1, 1202)]
    path.write_text("id,name,email,customer_since,tier\n" + "\n".join(rows) + "\n")
    before = store.commits
    result = import_customers(store, path)
    assert (result.added, result.problems) == (1201, [])
    assert store.commits - before == 3  # 500, 500 and 201 lines: others write in between
    again = import_customers(store, path)  # run again (after a crash): nothing twice
    assert (again.added, again.updated, again.problems) == (0, 0, [])  # nothing changed
    assert store.db.execute("SELECT count(*) FROM customers").fetchone() == (1202,)


def test_import_refuses_a_file_without_the_columns(store, tmp_path):
    path = tmp_path / "crm.csv"
    path.write_text("id,name\nBX-9,Someone\n")
    result = import_customers(store, path)
    assert (result.added, result.updated) == (0, 0)
    assert "crm.csv:1:" in result.problems[0] and "email" in result.problems[0]
    with pytest.raises(OSError):
        import_customers(store, tmp_path / "missing.csv")


def test_the_sample_customers_import_cleanly(store):
    from pathlib import Path

    sample = Path(__file__).parent.parent / "data" / "sample_customers.csv"
    result = import_customers(store, sample)
    assert result.problems == [] and result.added >= 15


def test_the_same_matter_worded_otherwise_is_one_case_and_its_third_contact_calls_back(store):
    first = contact(store, "billed twice for one box")
    later(store)
    second = contact(store, "duplicate payment on my card")
    later(store)
    third = contact(store, "charged me two times")
    assert {second.case.id, third.case.id} == {first.case.id}
    assert (third.contact_number, third.callback_due) == (3, True)


@pytest.mark.parametrize(
    "topic, other",
    [("promo code rejected", "voucher won't apply"), ("can't sign in", "login not working"),
     ("parcel never turned up", "box hasn't come"), ("refund", "refund for my damaged box")],
)  # fmt: skip
def test_topics_the_faq_reads_as_one_need_are_one_matter(store, topic, other):
    first = contact(store, topic)
    later(store)
    assert contact(store, other).case.id == first.case.id


@pytest.mark.parametrize(
    "topic, other",
    [("billed twice for one box", "charged after I cancelled"),
     ("parcel never turned up", "box arrived damaged"), ("box arrived damaged", "missing items"),
     ("wrong item in my box", "missing item"), ("cancel my plan", "pause my plan")],
)  # fmt: skip
def test_other_matters_sharing_words_stay_cases_of_their_own(store, topic, other):
    first = contact(store, topic)
    later(store)
    assert contact(store, other).case.id != first.case.id


def test_a_new_case_beside_open_ones_names_them_and_the_contact_moves_to_one_once(store):
    charged = contact(store, "billed twice for one box")
    later(store)
    contact(store, "duplicate payment on my card")
    later(store)
    late = contact(store, "parcel never turned up")
    assert late.is_new_case and [case.id for case in late.others] == [charged.case.id]
    later(store)
    new = contact(store, "my card was charged wrongly", key="K4")
    assert [case.id for case in new.others] == [late.case.id, charged.case.id]  # latest first
    moved = move_contact(
        store, opened=new.case.id, to=charged.case.id, user_id="U0ANA0001", request_key="K4"
    )
    assert (moved.case.id, moved.contact_number, moved.callback_due) == (charged.case.id, 3, True)
    assert moved.moved_from == new.case.id and get_case(store, new.case.id) is None
    store.clock.advance(timedelta(seconds=5))
    again = move_contact(  # a double click, or the button pressed again later
        store, opened=new.case.id, to=charged.case.id, user_id="U0ANA0001", request_key="K4"
    )
    assert (again.contact_number, again.callback_due) == (3, False)
    assert again.earlier is not None and again.earlier >= timedelta(seconds=5)  # said, not done
    with pytest.raises(CaseError, match=f"no longer on C-{new.case.id}"):  # the other button
        move_contact(store, opened=new.case.id, to=late.case.id, user_id="U0ANA0001",
                     request_key="K4")  # fmt: skip
    assert count(store, "contacts") == 4 and count(store, "cases") == 2
    # a data request naming the case it opened finds the customer through the case it went to
    assert find_for_data(store, f"C-{new.case.id}")["id"] == charged.case.customer.id


def test_a_new_case_with_a_note_on_it_is_not_moved_away(store):
    charged = contact(store, "billed twice for one box")
    later(store)
    new = contact(store, "parcel never turned up", key="K2")
    add_note(store, new.case.id, "U0ANA0001", "photo of the label sent", None)
    with pytest.raises(CaseError, match=f"C-{new.case.id} has more on it now"):
        move_contact(store, opened=new.case.id, to=charged.case.id, user_id="U0ANA0001",
                     request_key="K2")  # fmt: skip
    assert get_case(store, new.case.id).contact_count == 1
    assert get_case(store, charged.case.id).contact_count == 1


@pytest.mark.parametrize("typed", ["margaret,   ,", "BX-1,,,,", "margaret, ?!", "BX-1 --"])
def test_a_topic_without_words_is_refused_with_what_to_type(store, typed):
    with pytest.raises(CaseError, match="says nothing of what it is about. Type the customer, a "
                                        "comma and the topic in a few words"):  # fmt: skip
        read_case_request(store, typed)
    assert count(store, "contacts") == 0


@pytest.mark.parametrize(
    "typed, what",
    [("<!channel>", "a Slack mention"), ("<!here>", "a Slack mention"),
     ("<!everyone>", "a Slack mention"), ("<@U0ANA0001>", "a Slack mention"),
     ("@ana", "a Slack mention"), ("<#C0SUPPORT1|support>", "a Slack channel"),
     ("#support", "a Slack channel"), ("<https://x.example|x>", "a link"),
     ("www.example.com", "a link")],
)  # fmt: skip
def test_a_data_request_refuses_a_mention_as_case_does(store, typed, what):
    with pytest.raises(Refusal, match=f"^That is {what}, not a customer. Give a CRM id, an email"):
        find_for_data(store, typed)
    with pytest.raises(CaseError, match=f"^That is {what}, not a customer. Type the customer's"):
        read_case_request(store, f"{typed}, parcel late")

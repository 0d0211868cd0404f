"""Authorized solutions: the policy file and its mistakes, amounts, options for loyal and new
customers, authority at once or by approval, retries, races and forged clicks."""

import threading
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import shipped_matcher

from bot.cases import queries as cases_db
from bot.cases.service import CaseError, Customer, close_case, open_or_find_case
from bot.cases.solutions import (
    SolutionError,
    SolutionPolicy,
    SolutionRecord,
    SolutionType,
    decide,
    describe,
    load_solution_policy,
    options_for,
    parse_amount,
    propose,
)
from bot.shared.db import Store
from bot.shared.roles import Roles

SHIPPED = Path(__file__).parent.parent / "playbooks"
SITUATIONS = {"box_problem", "wrong_charge", "cancellation", "general"}
ROLES = Roles({"U0SAM0001": "senior", "U0LEE0001": "lead", "U0LEO0001": "lead",
               "U0MIA0001": "manager"})  # fmt: skip
REP, SENIOR, LEAD, LEAD2, MANAGER = "U0ANA0001", "U0SAM0001", "U0LEE0001", "U0LEO0001", "U0MIA0001"
POLICY_YAML = """\
currency: GBP
max_amount: 500
new_customer_days: 90
messages:
  pending: "I've asked for {what} for you."
  denied: "What I can do is {alternatives}."
types:
  - id: refund
    label: Refund
    unit: GBP
    situations: [box_problem, wrong_charge]
    limits:
      rep: [30, 60]
      senior: [75, 150]
      lead: [200, 400]
      manager: [500, 1000]
    offer: "a refund of {amount}"
    message: "I've refunded {amount}."
  - id: replacement
    label: Replacement box
    situations: [box_problem]
    limits: {rep: 1, lead: 2}
    offer: "a replacement box"
    message: "I've sent a replacement box."
  - id: welcome_half_price
    label: 50% off (new customers)
    new_customers_only: true
    loyalty_equivalent: loyalty_half_price
    situations: [box_problem]
    limits: {rep: 1}
    offer: "50% off"
    message: "I've taken 50% off."
  - id: loyalty_half_price
    label: 50% off (loyal customers)
    situations: [box_problem]
    limits: {rep: 1}
    offer: "50% off"
    message: "I've taken 50% off, with thanks."
"""

FAQ = shipped_matcher()  # /case reads topics as the FAQ does


@pytest.fixture
def policy(tmp_path):
    (tmp_path / "solutions.yaml").write_text(POLICY_YAML)
    policy, problems = load_solution_policy(tmp_path, SITUATIONS)
    assert problems == []
    return policy


@pytest.fixture
def store(tmp_path) -> Store:
    store = Store(tmp_path / "r.db")
    cases_db.save_customer(store, {"id": "BX-1", "name": "Margaret", "email": None,
                         "customer_since": "2014-03-02", "tier": "premium"})  # fmt: skip
    return store


def new_case(store: Store, topic: str = "damaged box") -> int:
    contact = open_or_find_case(store, customer_text="BX-1", topic=topic, user_id=REP,
                                request_key=None, matcher=FAQ)  # fmt: skip
    return contact.case.id


def solve(store, policy, case_id, amount="20", user=REP, key=None, type_id="refund", **kw):
    return propose(
        store, policy, ROLES, case_id=case_id, situation_id=kw.get("situation", "box_problem"),
        user_id=user, type_id=type_id, amount_text=amount, reason=kw.get("reason", "box crushed"),
        request_key=key, today=date.today(),
    )  # fmt: skip


def count(store: Store, table: str) -> int:
    return store.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_the_shipped_policy_loads_against_the_shipped_situations():
    from bot.guide import load_guide

    guide, problems = load_guide(SHIPPED)
    assert [p for p in problems if p.file.endswith("solutions.yaml")] == []
    policy = guide.solutions
    assert policy.currency == "GBP"
    ids = {t.id for t in policy.types}
    assert {"refund", "account_credit", "replacement", "expedited_shipping", "fee_waiver",
            "plan_extension"} <= ids  # fmt: skip
    assert any(t.new_customers_only and t.loyalty_equivalent for t in policy.types)


def test_policy_mistakes_are_named_with_file_and_line(tmp_path):
    bad = (
        POLICY_YAML.replace("[box_problem, wrong_charge]", "[box_problem, box_exploded]")
        .replace("senior: [75, 150]", "senior: [lots, 150]")
        .replace("rep: 1, lead: 2", "rep: 1, boss: 2")
        .replace("loyalty_equivalent: loyalty_half_price", "loyalty_equivalent: free_hug")
        .replace("manager: [500, 1000]", "manager: [100, 1000]")
        .replace('message: "I\'ve refunded {amount}."', 'message: "I\'ve refunded {amout}."')
    )
    (tmp_path / "solutions.yaml").write_text(bad)
    _, problems = load_solution_policy(tmp_path, SITUATIONS)
    found = {(p.line, p.message.split(": ", 1)[1]) for p in problems}
    assert found == {
        (11, "unknown situation 'box_exploded' (see situations.yaml)"),
        (14, "senior: expected [most per solution, most per customer], two positive numbers"),
        (16, "manager may grant less than lead"),
        (18, "message: unknown {amout} ({amount})"),
        (22, "limits: unknown role 'boss' (expected rep, senior, lead, manager)"),
        (25, "loyalty_equivalent 'free_hug' is not a type here"),
    }
    assert all(p.file.endswith("solutions.yaml") and p.severity == "error" for p in problems)


def test_a_missing_or_broken_policy_is_a_problem_not_a_crash(tmp_path):
    assert load_solution_policy(tmp_path)[1][0].message == "file not found"
    (tmp_path / "solutions.yaml").write_text("currency: [GBP\n")
    assert "bad YAML" in load_solution_policy(tmp_path)[1][0].message
    (tmp_path / "solutions.yaml").write_text("currency: pounds\nmax_amount: -1\ntypes: []\n")
    messages = [p.message for p in load_solution_policy(tmp_path)[1]]
    assert any("currency" in m for m in messages) and any("max_amount" in m for m in messages)


@pytest.mark.parametrize(
    "text,amount",
    [("20", "20.00"), ("£20", "20.00"), ("20.50", "20.50"), ("20 GBP", "20.00"),
     ("gbp 20", "20.00"), ("£ 1,250.5", "1250.50"), ("+7", "7.00"),
     # a decimal comma, as reps in Lisbon or Berlin type it: one comma, exactly two digits
     ("12,50", "12.50"), ("£12,50", "12.50"), ("12,50 GBP", "12.50"), ("1,00", "1.00"),
     ("1,000", "1000.00"), ("120,000", "120000.00")],
)  # fmt: skip
def test_amounts_in_the_policy_currency_are_accepted(policy, text, amount):
    if Decimal(amount) > policy.max_amount:
        with pytest.raises(SolutionError, match="At most 500.00 GBP in one solution, whoever"):
            parse_amount(policy, text)
        return
    assert parse_amount(policy, text) == Decimal(amount)


@pytest.mark.parametrize(
    "text,message",
    [("-20", "more than zero"), ("£-5", "more than zero"), ("0", "more than zero"),
     ("0.00", "more than zero"), ("twenty", "as a number"), ("", "Type the amount in GBP"),
     ("NaN", "as a number"), ("1e5", "as a number"), ("20.555", "two decimal places"),
     ("5000", "At most .*500.00.* whoever grants it"), ("$20", "USD is another currency"),
     ("20 EUR", "EUR is another currency"), ("€20", "EUR"), ("20 quid", "amounts are in GBP"),
     ("1,5", "two decimals, like 1.50 or 1,50"), ("1.000,50", "as a number"),
     ("1,234,56", "as a number"), ("12,50.5", "as a number")],
)  # fmt: skip
def test_bad_amounts_are_refused_with_a_clear_message(policy, store, text, message):
    with pytest.raises(SolutionError, match=message):
        parse_amount(policy, text)
    with pytest.raises(SolutionError, match=message):
        solve(store, policy, new_case(store), amount=text)
    assert count(store, "solutions") == 0 and count(store, "audit_log") == 0


def test_amounts_in_months_are_whole_months_under_the_types_max():
    policy, _ = load_solution_policy(SHIPPED, None)
    assert parse_amount(policy, "2 months", "plan_extension") == 2
    assert parse_amount(policy, "1", "plan_extension") == 1
    with pytest.raises(SolutionError, match="whole months"):
        parse_amount(policy, "1.5", "plan_extension")
    with pytest.raises(SolutionError, match="At most 6 months at once, whoever grants it"):
        parse_amount(policy, "24", "plan_extension")
    with pytest.raises(SolutionError, match="in months"):
        parse_amount(policy, "£2", "plan_extension")
    assert str(parse_amount(policy, "2,00", "plan_extension")) == "2"  # stored and shown as 2
    assert str(parse_amount(policy, "3.0", "plan_extension")) == "3"
    with pytest.raises(SolutionError, match=r"^How many months\? Type a number, like 2\.$"):
        parse_amount(policy, "", "plan_extension")
    with pytest.raises(SolutionError, match=r"^Type the number of months, like 2\.$"):
        parse_amount(policy, "two", "plan_extension")


def test_a_solution_in_months_reads_with_its_count_first():
    """Found playing the demo: "Free months on the plan 5 months", on the card and in the
    notification alike."""
    policy, _ = load_solution_policy(SHIPPED, None)

    def said(type_id: str, amount: str | None) -> str:
        record = SolutionRecord(1, 1001, type_id, None if amount is None else Decimal(amount),
                                "r", "U1", "pending", None, None, None, "")  # fmt: skip
        return describe(policy, record)

    assert said("plan_extension", "5") == "5 free months on the plan"
    assert said("plan_extension", "1") == "1 free month on the plan"
    assert said("account_credit", "15.00") == "Account credit £15.00"
    assert said("replacement", None) == "Replacement box"
    # a label that does not name its unit: the count after it
    extension = SolutionType("extension", "Plan extension", True, "months", False, None, ())
    other = SolutionPolicy(policy.currency, (extension,))
    record = SolutionRecord(1, 1001, "extension", Decimal(2), "r", "U1", "pending", None, None,
                            None, "")  # fmt: skip
    assert describe(other, record) == "Plan extension: 2 months"


def test_loyal_customers_see_the_loyalty_equivalent_of_a_new_customer_offer(policy):
    today = date(2026, 11, 22)
    loyal = Customer("BX-1", "Margaret", None, date(2014, 3, 2), "premium")
    new = Customer("BX-2", "Hannah", None, today - timedelta(weeks=3), "standard")
    unknown = Customer("NEW-1", "Jo", None, None, None)
    ids = {name: [t.id for t in options_for(policy, "box_problem", c, today)]
           for name, c in (("loyal", loyal), ("new", new), ("unknown", unknown))}  # fmt: skip
    assert ids["loyal"] == ["refund", "replacement", "loyalty_half_price"]
    assert ids["new"] == ["refund", "replacement", "welcome_half_price"]
    assert ids["unknown"] == ["refund", "replacement", "welcome_half_price", "loyalty_half_price"]
    assert [t.id for t in options_for(policy, "wrong_charge", loyal, today)] == ["refund"]
    assert options_for(policy, "general", loyal, today) == []


def test_inside_the_reps_limit_a_solution_is_authorized_at_once(policy, store):
    proposal = solve(store, policy, new_case(store), amount="£25")
    assert proposal.authorized_now and proposal.needs_role is None
    assert proposal.solution.status == "authorized"
    assert proposal.solution.amount == Decimal("25.00")
    assert proposal.customer_message == "I've refunded £25.00."
    rows = list(cases_db.audit_rows(store))
    assert [(r["action"], r["subject"], r["actor"]) for r in rows] == [
        ("solution.authorized", proposal.solution.ref, REP)
    ]


def test_above_the_limit_it_waits_for_the_lowest_role_that_may_decide(policy, store):
    case_id = new_case(store)
    proposal = solve(store, policy, case_id, amount="100")
    assert not proposal.authorized_now and proposal.needs_role == "lead"
    assert proposal.customer_message == "I've asked for a refund of £100.00 for you."
    # The per-customer limit counts what was granted in 30 days: £30 + £30 is a rep's most.
    assert solve(store, policy, case_id, amount="30").authorized_now
    assert solve(store, policy, case_id, amount="30", reason="crushed again").authorized_now
    assert solve(store, policy, case_id, amount="1").needs_role == "senior"
    store.clock.advance(timedelta(days=31))
    # (not £1 again: that request still waits for a senior, and asking again changes nothing)
    assert solve(store, policy, case_id, amount="2").authorized_now
    for reason in ("crushed", "crushed again"):  # each a grant of its own, not a repeat
        assert solve(
            store, policy, case_id, amount="499", user=MANAGER, reason=reason
        ).authorized_now
    # £1,000 granted in 30 days: the most anyone may; the rep reads it, and cannot open the file
    with pytest.raises(SolutionError) as beyond:
        solve(store, policy, case_id, amount="3", user=MANAGER)
    assert str(beyond.value) == (
        "At most £1,000.00 per customer in 30 days, whoever grants it, and this customer has had "
        "£1,000.00 in the last 30 days. Choose another solution."
    )


def test_counted_solutions_are_limited_per_customer(policy, store):
    case_id = new_case(store)
    first = solve(store, policy, case_id, amount="", type_id="replacement")
    assert first.authorized_now and first.solution.amount is None
    second = solve(store, policy, case_id, amount="", type_id="replacement", reason="again")
    assert second.needs_role == "lead"


def test_unknown_closed_or_not_allowed_is_a_clear_message(policy, store):
    case_id = new_case(store)
    with pytest.raises(CaseError, match="no case C-9999"):
        solve(store, policy, 9999)
    with pytest.raises(SolutionError, match="not a solution for this situation") as error:
        solve(store, policy, case_id, type_id="replacement", situation="wrong_charge")
    assert error.value.field == "type"
    with pytest.raises(SolutionError, match="for new customers; Margaret has been with us"):
        solve(store, policy, case_id, type_id="welcome_half_price", amount="")
    with pytest.raises(SolutionError, match="Say why") as error:
        solve(store, policy, case_id, reason="  ")
    assert error.value.field == "reason"
    close_case(store, case_id, REP, "product")
    with pytest.raises(CaseError, match="closed"):
        solve(store, policy, case_id)
    assert count(store, "solutions") == 0


def test_a_retried_proposal_and_decision_are_written_once(policy, store):
    case_id = new_case(store)
    first = solve(store, policy, case_id, amount="100", key="view1")
    assert solve(store, policy, case_id, amount="100", key="view1") == first
    decisions = [
        decide(store, policy, ROLES, solution_id=first.solution.id, user_id=LEAD, approve=True,
               reason=None, request_key="click1")
        for _ in range(2)
    ]  # fmt: skip
    assert [d.outcome for d in decisions] == ["approved", "approved"]
    assert decisions[0] == decisions[1]
    assert decisions[0].customer_message == "I've refunded £100.00."
    assert count(store, "solutions") == 1
    actions = [row["action"] for row in cases_db.audit_rows(store)]
    assert actions == ["solution.requested", "solution.approved"]


def test_the_same_solution_asked_for_while_it_waits_is_that_request(policy, store):
    """Asked again by the same rep (a second /solve), or by someone else, even one who could
    grant it at once: approving both would grant it twice."""
    case_id = new_case(store)
    first = solve(store, policy, case_id, amount="50", key="view1")
    assert first.needs_role == "senior" and not first.already_asked
    again = solve(store, policy, case_id, amount="£50.00", key="view2", reason="asked twice")
    senior = solve(store, policy, case_id, amount="50", user=SENIOR, key="view3")
    for proposal in (again, senior):
        assert proposal.already_asked and proposal.solution == first.solution
        assert proposal.needs_role == "senior" and not proposal.authorized_now
    assert count(store, "solutions") == 1
    assert [row["action"] for row in cases_db.audit_rows(store)] == ["solution.requested"]
    # another amount, or the same once the first is decided, is a request of its own
    assert not solve(store, policy, case_id, amount="45", key="view4").already_asked
    decide(store, policy, ROLES, solution_id=first.solution.id, user_id=LEAD, approve=False,
           reason="credit instead", request_key="click1")  # fmt: skip
    assert not solve(store, policy, case_id, amount="50", key="view5").already_asked
    assert count(store, "solutions") == 3


def test_the_same_solution_just_authorized_for_the_rep_is_that_grant(policy, store):
    """The same rep, solution, amount and reason again within 5 minutes (a resubmitted modal,
    a double click): granted once. A reason of its own, another rep's, or later is another."""
    case_id = new_case(store)
    first = solve(store, policy, case_id, amount="10", reason="box crushed")
    assert first.authorized_now and not first.already_asked
    store.clock.advance(timedelta(minutes=4))
    again = solve(store, policy, case_id, amount="£10.00", reason="Box  crushed!")
    assert again.already_asked and again.solution == first.solution
    assert count(store, "solutions") == 1
    assert [row["action"] for row in cases_db.audit_rows(store)] == ["solution.authorized"]
    for other in (
        solve(store, policy, case_id, amount="10", reason="a second box crushed"),
        solve(store, policy, case_id, amount="10", reason="box crushed", user=SENIOR),
    ):
        assert other.authorized_now and not other.already_asked
    assert count(store, "solutions") == 3
    store.clock.advance(timedelta(minutes=2))  # 6 minutes after the first: it happened again
    later = solve(store, policy, case_id, amount="10", reason="box crushed")
    assert not later.already_asked
    assert [grant.id for grant in later.granted_before] == [first.solution.id, 2, 3]  # each


def test_the_same_solution_asked_for_twice_at_once_is_stored_once(policy, store, tmp_path):
    case_id = new_case(store)
    barrier = threading.Barrier(2)
    waiting = {}

    def ask(key: str) -> None:
        own = Store(tmp_path / "r.db")  # each request on its own connection
        barrier.wait()
        waiting[key] = solve(own, policy, case_id, amount="50", key=key).already_asked

    threads = [threading.Thread(target=ask, args=(key,)) for key in ("view1", "view2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waiting.values()) == [False, True]
    assert count(store, "solutions") == 1


def test_a_second_click_changes_nothing_and_says_who_decided(policy, store):
    pending = solve(store, policy, new_case(store), amount="100").solution
    decide(store, policy, ROLES, solution_id=pending.id, user_id=LEAD, approve=False,
           reason="already refunded by bank", request_key="a")  # fmt: skip
    again = decide(store, policy, ROLES, solution_id=pending.id, user_id=LEAD2, approve=True,
                   reason=None, request_key="b")  # fmt: skip
    assert again.outcome == "already_decided" and again.decided_by == LEAD
    assert f"already denied by {LEAD}" in again.message
    assert again.solution.decision_reason == "already refunded by bank"


def test_deny_needs_a_reason_and_gives_the_rep_can_do_words(policy, store):
    pending = solve(store, policy, new_case(store), amount="100").solution
    with pytest.raises(SolutionError, match="Say why"):
        decide(store, policy, ROLES, solution_id=pending.id, user_id=LEAD, approve=False,
               reason=" ", request_key=None)  # fmt: skip
    denied = decide(store, policy, ROLES, solution_id=pending.id, user_id=LEAD, approve=False,
                    reason="goodwill used up", request_key=None)  # fmt: skip
    assert denied.outcome == "denied"
    # the alternatives in the customer's words (each type's offer), never the reps' labels
    assert denied.customer_message == "What I can do is a replacement box or 50% off."


def test_after_a_denial_nothing_the_rep_may_not_grant_is_offered(policy, store):
    """Nothing left inside the rep's authority: a can-do line for the rep to complete, naming
    who decided as it was (a senior here), instead of offers that need approval too."""
    case_id = new_case(store)
    assert solve(store, policy, case_id, amount="", type_id="replacement").authorized_now
    assert solve(store, policy, case_id, amount="", type_id="loyalty_half_price").authorized_now
    pending = solve(store, policy, case_id, amount="50").solution  # a senior's
    denied = decide(store, policy, ROLES, solution_id=pending.id, user_id=SENIOR, approve=False,
                    reason="refunded by the bank", request_key=None)  # fmt: skip
    assert denied.customer_message == (
        "I've gone through this with a senior colleague, and what I can do for you now is "
        "[what you can do]."
    )


def test_a_count_beyond_everyones_limit_says_how_many(policy, store):
    case_id = new_case(store)
    for user in (REP, LEAD):
        assert solve(
            store, policy, case_id, amount="", type_id="replacement", user=user
        ).authorized_now
    with pytest.raises(SolutionError) as beyond:
        solve(store, policy, case_id, amount="", type_id="replacement", user=MANAGER)
    assert str(beyond.value) == (
        "At most 2 per customer in 30 days, whoever grants it, and this customer has had 2 in "
        "the last 30 days. Choose another solution."
    )
    assert beyond.value.field == "type"


@pytest.mark.parametrize(
    "user,why",
    [("U0BEN0001", "Only a senior, lead or manager"), ("U0XYZ0001", "Only a senior"),
     (SENIOR, "above your limit as senior (at most £75.00 in one refund): a lead or above")],
)  # fmt: skip
def test_a_click_without_authority_is_refused_and_logged(policy, store, user, why):
    pending = solve(store, policy, new_case(store), amount="100", user=REP).solution
    forged = decide(store, policy, ROLES, solution_id=pending.id, user_id=user,
                    approve=True, reason=None, request_key="forged")  # fmt: skip
    assert forged.outcome == "refused" and why in forged.message
    assert cases_db.solution_row(store, pending.id)["status"] == "pending"
    rows = list(cases_db.audit_rows(store))
    assert (rows[-1]["action"], rows[-1]["actor"]) == ("solution.refused", user)


def test_nobody_decides_their_own_request(policy, store):
    pending = solve(store, policy, new_case(store), amount="300", user=LEAD).solution
    assert pending.needs_role == "manager"
    own = decide(store, policy, ROLES, solution_id=pending.id, user_id=LEAD, approve=True,
                 reason=None, request_key=None)  # fmt: skip
    assert own.outcome == "refused" and "own request" in own.message
    assert decide(store, policy, ROLES, solution_id=pending.id, user_id=MANAGER, approve=True,
                  reason=None, request_key=None).outcome == "approved"  # fmt: skip


def test_two_leads_clicking_at_once_leave_exactly_one_decision(policy, store, tmp_path):
    pending = solve(store, policy, new_case(store), amount="100").solution
    barrier = threading.Barrier(2)
    outcomes = {}

    def click(user: str, approve: bool) -> None:
        own = Store(tmp_path / "r.db")  # each lead's request on its own connection
        barrier.wait()
        outcomes[user] = decide(own, policy, ROLES, solution_id=pending.id, user_id=user,
                                approve=approve, reason="no", request_key=user).outcome  # fmt: skip

    threads = [threading.Thread(target=click, args=(LEAD, True)),
               threading.Thread(target=click, args=(LEAD2, False))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) in (["already_decided", "approved"],
                                         ["already_decided", "denied"])  # fmt: skip
    row = cases_db.solution_row(store, pending.id)
    winner = next(user for user, outcome in outcomes.items() if outcome != "already_decided")
    assert row["decided_by"] == winner
    decisions = [
        r["action"] for r in cases_db.audit_rows(store) if r["action"] != "solution.requested"
    ]
    assert len(decisions) == 1


def test_the_words_for_the_customer_read_as_english_with_the_shipped_playbook(store):
    """Pasted to paying customers: a QA play found "I've asked for waiving the £25.00 fee"."""
    policy, _ = load_solution_policy(SHIPPED, None)
    waiting = solve(store, policy, new_case(store), amount="25", type_id="fee_waiver",
                    situation="wrong_charge")  # fmt: skip
    assert not waiting.authorized_now
    assert waiting.customer_message.startswith("I've asked for a waiver of the £25.00 fee for you")

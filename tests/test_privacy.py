"""A customer's data on request: the export holds all of it, an erasure leaves none of it in
the database file while every count stays, and the audit chain still verifies (and still
catches tampering) after it."""

import json
import sqlite3
from datetime import timedelta

import pytest
from sqlite_utils import Database

from bot.cases import audit
from bot.cases import queries as cases_db
from bot.cases.service import close_case, import_customers
from bot.demo import LocalSlack
from bot.emulator.team import member
from bot.faq import queries as faq_db
from bot.privacy.naming import partly_named
from bot.privacy.service import erase, export
from bot.shared import chain
from bot.shared.db import Store
from bot.shared.migrations import MIGRATIONS
from bot.shared.refusal import Refusal
from tests.test_cases_slack import customers, shown

NAME, EMAIL = "Margaret Holloway", "mh.private@example.com"


def seed(local: LocalSlack, tmp_path) -> Store:
    """A customer's week on the floor, through Slack: a case with a note, two solutions (one a
    lead approves), a promise, a redirect, a draft, a question naming her, a DM; then closed."""
    store = local.services.store
    today = store.clock.now().date()
    csv = tmp_path / "crm.csv"
    csv.write_text(
        "id,name,email,customer_since,tier\n"
        f"BX-1,{NAME},{EMAIL},{today - timedelta(days=4000)},premium\n"
        f"BX-2,Grace Adeyemi,ga@example.com,{today - timedelta(days=6)},standard\n"
        f"BX-3,Tom Okafor,{EMAIL.upper()},{today - timedelta(days=60)},standard\n"
    )
    import_customers(store, csv)
    ws = local.workspace
    ws.command("ana", "/case", "BX-1, box arrived damaged")
    ws.command("ana", "/note", "C-1001 Margaret Holloway prefers a call after 5pm")
    for solution, amount, reason in (("Account credit", "15", "Damaged twice"),
                                     ("Refund", "45", "Whole box unusable")):  # fmt: skip
        ws.command("ana", "/solve", "C-1001")
        ws.fill("Solution", solution, "ana")
        ws.fill("Amount (GBP or months), where it applies", amount, "ana")
        ws.fill("Reason", reason, "ana")
        ws.submit("ana")
    ws.click("lee", "Approve")
    ws.command(
        "ana", "/followup", "tomorrow 9am Dublin time call Margaret back about her refund C-1001"
    )
    ws.command("ana", "/followup", f"in 2h email {NAME} the returns label")  # no case
    ws.command("ana", "/redirect", "billing C-1001 she saw two charges on the 3rd")
    ws.command("ana", "/draft", "C-1001 I am upset, my box from you arrived crushed")
    ws.command("ana", "/faq", f"{NAME} asks where is my box")
    ws.direct_message("ana", f"{EMAIL} was charged twice")
    local.settle()
    close_case(store, 1001, "U0ANA0001", "product")
    return store


def test_an_export_holds_everything_repbot_keeps_about_the_customer(local, tmp_path):
    store = seed(local, tmp_path)
    for asked in ("BX-1", "bx-1", "C-1001"):
        document = export(store, asked)
        assert document["customer"]["name"] == NAME
    (case,) = document["cases"]
    assert case["topic"] == "box arrived damaged" and case["root_cause"] == "product"
    assert "prefers a call after 5pm" in case["notes"][0]["text"]
    assert [s["reason"] for s in case["solutions"]] == ["Damaged twice", "Whole box unusable"]
    assert case["solutions"][1]["decided_by"] == "U0LEE0001"
    assert case["promises"][0]["what"] == "call Margaret back about her refund"
    # the time agreed with her, on her clock as the rep named it
    assert case["promises"][0]["zone"] == "Europe/Dublin"
    assert case["promises"][0]["zone_said"] == "Dublin time"
    assert case["redirects"][0]["note"] == "she saw two charges on the 3rd"
    assert "arrived crushed" in case["drafts"][0]["message"]
    personal = [row["personal"] for row in document["audit"] if row["personal"]]
    assert {"reason": "Whole box unusable"} in personal
    json.dumps(document)  # plain data


def test_an_export_holds_the_records_outside_her_cases_that_name_her(local, tmp_path, repbot):
    store = seed(local, tmp_path)
    ws = local.workspace
    ws.command("ben", "/tone", f"Sorry {NAME}, unfortunately we can't refund you")
    ws.command("ben", "/tone", "unfortunately we can't do that")  # names no one
    ws.command("ben", "/faq", "where is my box")  # names no one
    ws.command("ben", "/draft", f"{NAME}: my box came crushed")  # on no case
    ws.command("ben", "/followup", "in 3h ring the courier depot")  # names no one
    output = tmp_path / "bx-1.json"
    done = repbot("customers", "export", "BX-1", "--output", str(output), "--db", str(store.path))
    assert done.returncode == 0, done.stderr
    document = json.loads(output.read_text())
    mentions = document["mentions"]
    # as an erasure finds her: by her name, email or CRM id, whatever the case
    assert [q["text"] for q in mentions["faq_questions"]] == [
        f"{NAME} asks where is my box",
        f"{EMAIL} was charged twice",  # a direct message
    ]
    assert [t["text"] for t in mentions["tone_checks"]] == [
        f"Sorry {NAME}, unfortunately we can't refund you"
    ]
    # the promise on her case is listed with the case, not again here
    assert [p["what"] for p in mentions["promises"]] == [f"email {NAME} the returns label"]
    assert [d["customer_name"] for d in mentions["drafts"]] == [NAME]
    (promised,) = mentions["audit"]  # the audit entry of the promise with no case
    assert promised["action"] == "followup.added"
    assert promised["personal"] == {"what": f"email {NAME} the returns label"}
    # every section says what it is; the keys an export had keep their meaning
    assert set(document["about"]) == set(document) - {"format", "about", "exported_at"}
    assert "name, email or CRM id" in document["about"]["mentions"]
    assert document["format"] == "repbot customer data 1"
    assert document["customer"]["name"] == NAME and document["cases"][0]["case"] == "C-1001"
    assert all(row["details"]["customer"] == document["audit"][0]["details"]["customer"]
               for row in document["audit"])  # fmt: skip
    # once erased, what named her reads what she is called from then on, with her reference,
    # and the export finds it by that
    erasure = erase(store, "BX-1", actor="U0MIA0001", reason="DSR-3")
    assert erasure.name == f"Erased customer {erasure.ref}"
    (question, _) = export(store, erasure.ref)["mentions"]["faq_questions"]
    assert question["text"] == f"{erasure.name} asks where is my box"


def test_an_export_that_cannot_be_written_says_why_and_records_nothing(local, tmp_path, repbot):
    store = seed(local, tmp_path)
    exported = "SELECT count(*) FROM audit_log WHERE action = 'customer.exported'"
    missing = tmp_path / "nonexistent" / "dir" / "x.json"
    args = ("customers", "export", "BX-1", "--db", str(store.path), "--output")
    done = repbot(*args, str(missing))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"repbot: cannot write {missing}: there is no folder {missing.parent}; create it, or "
        "give a file in a folder that exists\n"
    )
    folder = repbot(*args, str(tmp_path))
    assert folder.returncode == 2
    assert folder.stderr == (
        f"repbot: cannot write {tmp_path}: it is a folder; give a file in it, such as "
        f"{tmp_path / 'bx-1.json'}\n"
    )
    assert store.db.execute(exported).fetchone()[0] == 0  # no export happened
    assert list(tmp_path.glob("*.json*")) == []  # not even a part of one
    written = repbot(*args, str(tmp_path / "bx-1.json"))
    assert (written.returncode, written.stderr) == (0, f"wrote {tmp_path / 'bx-1.json'}\n")
    assert json.loads((tmp_path / "bx-1.json").read_text())["customer"]["name"] == NAME
    assert store.db.execute(exported).fetchone()[0] == 1


def test_a_database_with_no_customers_says_so_and_how_they_come_in(tmp_path, repbot):
    store = Store(tmp_path / "new.db")  # a new install: nobody imported, no case opened
    said = (
        "repbot: There are no customers in the database yet: they come from your CRM with "
        "repbot customers import FILE.csv (columns id,name,email,customer_since,tier), or one at "
        "a time as reps open cases with /case.\n"
    )
    erase = ("erase", "BX-1", "--reason", "DSR-1", "--yes")
    for args in (("export", "BX-1"), ("export", "C-1001"), erase):
        done = repbot("customers", *args, "--db", str(store.path))
        assert (done.returncode, done.stdout, done.stderr) == (2, "", said), args
    assert list(cases_db.audit_rows(store)) == []  # no export recorded, nothing erased


def test_unknown_and_ambiguous_customers_and_open_cases_get_a_clear_answer(local, tmp_path):
    store = seed(local, tmp_path)
    with pytest.raises(Refusal, match="No customer has the CRM id BX-9"):
        export(store, "BX-9")
    with pytest.raises(Refusal, match="There is no case C-9999"):
        export(store, "c-9999")
    # by name, as /case finds them: the one it is sure of, else the CRM ids to choose from
    assert export(store, NAME.lower())["customer"]["id"] == "BX-1"
    with pytest.raises(Refusal, match=r"No customer has a name like Zebedee Quux; give a CRM id"):
        export(store, "Zebedee Quux")
    with pytest.raises(Refusal, match=r"That is a Slack mention, not a customer. Give a CRM id"):
        export(store, "@U0ANA0001")
    with pytest.raises(Refusal, match=r"2 customers have the email .*BX-1 .*BX-3"):
        erase(store, EMAIL, actor="U0MIA0001", reason="DSR-1")
    local.workspace.command("ana", "/case", "BX-2, parcel late")
    with pytest.raises(Refusal, match=r"has 1 open case \(C-1002\): close it first"):
        erase(store, "BX-2", actor="U0MIA0001", reason="DSR-2")
    with pytest.raises(Refusal, match="Say why"):
        erase(store, "BX-1", actor="U0MIA0001", reason="  ")
    actions = [row["action"] for row in cases_db.audit_rows(store)]
    assert "customer.erased" not in actions  # nothing was erased


def test_after_an_erase_the_name_and_email_are_nowhere_in_the_file(local, tmp_path, repbot):
    store = seed(local, tmp_path)
    counts = {t: n for t, n in store.db.execute(
        "SELECT 'cases', count(*) FROM cases UNION ALL SELECT 'solutions', count(*) FROM solutions"
        " UNION ALL SELECT 'contacts', count(*) FROM contacts")}  # fmt: skip
    hashed = "SELECT count(*) FROM contacts WHERE words_digest IS NOT NULL"  # a retype's check
    assert store.db.execute(hashed).fetchone()[0] == 1
    path = str(store.path)
    knowledge = tmp_path / "kb"
    knowledge.mkdir()
    (knowledge / "gaps.yaml").write_text(f"- id: late\n  variants:\n    - {NAME} box late\n")
    done = repbot("customers", "erase", "BX-1", "--reason", "DSR-2026-014", "--yes", "--db", path,
                  "--knowledge", str(knowledge))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"{knowledge / 'gaps.yaml'}:3: names the customer" in done.stdout
    assert "Erased BX-1: from now on Erased customer P-" in done.stdout
    assert "the personal details of 5 entries in the audit log.\n" in done.stdout
    assert done.stdout.endswith("\nThe audit log is intact: 8 entries.\n")
    raw = b"".join(
        (tmp_path / name).read_bytes()
        for name in ("repbot.db", "repbot.db-wal")
        if (tmp_path / name).exists()
    ).lower()
    for secret in (NAME, "Holloway", "prefers a call after 5pm", "arrived crushed",
                   "Whole box unusable", "two charges on the 3rd"):  # fmt: skip
        assert secret.lower().encode() not in raw, secret
    assert store.db.execute(hashed).fetchone()[0] == 0  # her words, not even as a hash
    # her email is Tom's too (BX-3, in capitals): his own record keeps it, nothing else has it
    assert rows_with(store, EMAIL) == [("customers", "BX-3")]
    # every figure a summary reads stays
    assert counts == {t: n for t, n in store.db.execute(
        "SELECT 'cases', count(*) FROM cases UNION ALL SELECT 'solutions', count(*) FROM solutions"
        " UNION ALL SELECT 'contacts', count(*) FROM contacts")}  # fmt: skip
    again = repbot("customers", "erase", "BX-1", "--reason", "again", "--yes", "--db", path)
    assert again.returncode == 2 and "They were erased on " in again.stderr
    ref, _ = cases_db.erased_as(store, "BX-1") or ("", "")
    by_ref = repbot("customers", "erase", ref, "--reason", "again", "--yes", "--db", path)
    assert f"There is nothing more to erase: Erased customer {ref} was already erased on " in (
        by_ref.stderr
    )
    # the CRM's next export does not bring her back
    csv = tmp_path / "again.csv"
    csv.write_text(f"id,name,email,customer_since,tier\nBX-1,{NAME},{EMAIL},2015-01-01,premium\n")
    assert "BX-1 was erased on" in repbot("customers", "import", str(csv), "--db", path).stderr
    assert "Holloway" not in json.dumps(cases_db.customer_names(store))


def test_a_reason_that_names_the_customer_or_says_nothing_is_refused_before_any_erasure(
    local, tmp_path, repbot
):
    """The reason is kept in the audit log, which an erasure never changes: naming her there
    would keep her name for good."""
    store = seed(local, tmp_path)
    path = str(store.path)
    for reason, naming in (
        (f"{NAME} asked by phone", NAME),
        ("holloway asked by phone", "holloway"),  # a word of her name alone
        (f"mail from {EMAIL.upper()}", EMAIL.upper()),
        ("request about BX-1", "BX-1"),
    ):
        refused = repbot("customers", "erase", "BX-1", "--reason", reason, "--yes", "--db", path)
        assert refused.returncode == 2 and refused.stdout == ""
        assert refused.stderr == (
            f"repbot: The reason names the customer (“{naming}”), and the audit log keeps it "
            "for good, even after the erasure: write it without their name, email or CRM id, "
            "such as the request's ticket number (“request DSR-2026-014”).\n"
        )
    assert "customer.erased" not in [row["action"] for row in cases_db.audit_rows(store)]
    # nor is a reason of no words kept for good: an emoji says nothing to whoever checks it
    for reason in ("🙂", ":slightly_smiling_face: !!", "-- ?"):
        refused = repbot("customers", "erase", "BX-1", "--reason", reason, "--yes", "--db", path)
        assert refused.returncode == 2 and refused.stdout == ""
        assert refused.stderr == (
            f"repbot: “{reason}” says nothing in words, and the audit log keeps the reason for "
            "good: write why, such as the request's ticket number (“request DSR-2026-014”).\n"
        )
    assert "customer.erased" not in [row["action"] for row in cases_db.audit_rows(store)]
    # words that only hold a part of her name are no mention of her
    erase(store, "BX-1", actor="U0MIA0001", reason="DSR-9, sent by the Hollowayfield office")
    assert "customer.erased" in [row["action"] for row in cases_db.audit_rows(store)]


def test_erasing_one_customer_leaves_the_same_words_of_another_customer_as_they_are(
    local, tmp_path, repbot
):
    # Notes, promises and topics are often the same words for many customers: erasing one
    # customer must not erase another's, only copies that belong to no other customer.
    customers(local, tmp_path)
    ws = local.workspace
    for customer, case in (("BX-1", "C-1001"), ("BX-2", "C-1002")):
        ws.command("ana", "/case", f"{customer}, box arrived damaged")
        ws.command("ana", "/note", f"{case} Customer sent photos of the box")
        ws.command("ana", "/followup", f"tomorrow 10am Call back with an update {case}")
    ws.command("ben", "/followup", "tomorrow 11am Call back with an update")  # no case: nobody's
    ws.command("ben", "/tone", "Customer sent photos of the box")
    store = local.services.store
    close_case(store, 1001, "U0ANA0001", "product")
    done = repbot("customers", "erase", "BX-1", "--reason", "DSR-1", "--yes", "--db",
                  str(store.path))  # fmt: skip
    assert done.returncode == 0, done.stderr
    card = shown(ws.command("ana", "/case", "C-1002"))
    assert "Topic: box arrived damaged" in card and "• Customer sent photos of the box" in card
    (home,) = local.open_home(member("ana"))
    desk = home.render().text
    assert "· [erased]" in desk  # her promise, on C-1001
    assert "Call back with an update" in desk and "C-1002 · Grace Adeyemi · box arrived" in desk
    kept = export(store, "BX-2")["cases"][0]
    assert kept["topic"] == "box arrived damaged"
    assert [note["text"] for note in kept["notes"]] == ["Customer sent photos of the box"]
    assert [promise["what"] for promise in kept["promises"]] == ["Call back with an update"]
    # where no other customer owns them, her words go
    (ben,) = local.open_home(member("ben"))
    assert "Call back with an update" not in ben.render().text
    (tone,) = store.db.execute("SELECT text FROM tone_checks").fetchone()
    assert tone == "[erased]"


def test_erasing_a_customer_leaves_a_namesakes_record_and_cases_as_they_are(
    local, tmp_path, repbot
):
    store = local.services.store
    crm(store, tmp_path, f"BX-4,{NAME},other.margaret@example.com,2024-05-01,standard")
    ws = local.workspace
    ws.command("ana", "/case", "BX-1, box arrived damaged")
    ws.command("ana", "/case", f"BX-4, {NAME} wants vegan meals")
    ws.command("ana", "/note", f"C-1002 {NAME} asked for a call after 5pm")
    close_case(store, 1001, "U0ANA0001", "product")
    done = repbot("customers", "erase", "BX-1", "--reason", "DSR-3", "--yes", "--db",
                  str(store.path))  # fmt: skip
    assert done.returncode == 0, done.stderr
    kept = export(store, "BX-4")
    assert kept["customer"]["name"] == NAME  # her own name, not the other one's reference
    assert kept["cases"][0]["topic"] == f"{NAME} wants vegan meals"
    assert [note["text"] for note in kept["cases"][0]["notes"]] == [
        f"{NAME} asked for a call after 5pm"
    ]
    assert rows_with(store, EMAIL) == []


def crm(store: Store, tmp_path, *others: str) -> None:
    """Her (BX-1) and the `others` ("BX-2,Tom Okafor,tom@example.com,2020-01-01,standard") in
    the CRM."""
    csv = tmp_path / "crm.csv"
    rows = [f"BX-1,{NAME},{EMAIL},2015-01-01,premium", *others]
    csv.write_text("id,name,email,customer_since,tier\n" + "".join(f"{row}\n" for row in rows))
    import_customers(store, csv)


def test_erasing_her_takes_the_words_that_name_her_by_part_of_her_name_and_no_one_elses(
    local, tmp_path
):
    store = local.services.store
    crm(store, tmp_path, "BX-2,Tom Okafor,tom@example.com,2020-01-01,standard",
        "BX-5,Margaret Smith,msmith@example.com,2021-01-01,standard")  # fmt: skip
    ws = local.workspace
    ws.command("ana", "/case", "BX-1, box arrived damaged")
    ws.command("ana", "/note", "C-1001 Mrs Holloway prefers a call after 5pm")
    ws.command("ana", "/draft", "C-1001 Margaret here, my box arrived crushed")
    ws.command("ana", "/case", "BX-2, parcel late")
    ws.command("ana", "/note", "C-1002 Margaret from billing says the refund is on its way")
    ws.command("ana", "/note", "C-1002 Mrs Holloway next door took his parcel in")
    ws.command("ana", "/followup", "in 3h ask Mrs Holloway next door for it C-1002")
    ws.command("ana", "/case", "BX-5, wants vegan meals")
    ws.command("ana", "/note", "C-1003 Margaret Smith asked for the Green box")
    ws.command("ben", "/followup", "in 2h ring Mrs Holloway back about her new box")  # no case
    ws.command("ben", "/followup", "in 2h Tom called: ring him about the courier")
    ws.command("ben", "/faq", "Margaret H. asks where is my box")
    ws.command("ben", "/faq", "Margaret here, where is my box?")  # a first name alone: anyone's
    ws.command("ben", "/tone", "Mr. Holloway, unfortunately we can't refund you")
    close_case(store, 1001, "U0ANA0001", "product")

    # the export lists what names her by part of her name, as the erasure will find it, and
    # nothing of another customer's
    mentions = export(store, "BX-1")["mentions"]
    assert [q["text"] for q in mentions["faq_questions"]] == ["Margaret H. asks where is my box"]
    assert [t["text"] for t in mentions["tone_checks"]] == [
        "Mr. Holloway, unfortunately we can't refund you"
    ]
    assert [p["what"] for p in mentions["promises"]] == ["ring Mrs Holloway back about her new box"]
    assert [a["personal"] for a in mentions["audit"]] == [
        {"what": "ring Mrs Holloway back about her new box"}
    ]

    erasure = erase(store, "BX-1", actor="U0MIA0001", reason="DSR-4")
    assert erasure.records["partial mention"] == 3
    # in every table, the audit log's personal parts too, but on Tom's case, which is his
    assert sorted(table for table, _ in rows_with(store, "Holloway")) == [
        "audit_personal", "case_notes", "followups"]  # fmt: skip
    assert rows_with(store, "Margaret here, my box") == []  # her draft
    everywhere = (
        "SELECT what FROM followups UNION ALL SELECT text FROM faq_queries"
        " UNION ALL SELECT text FROM tone_checks UNION ALL SELECT text FROM case_notes"
    )
    texts = {text for (text,) in store.db.execute(everywhere)}
    assert {
        f"ring {erasure.name} back about her new box",
        f"{erasure.name} asks where is my box",
        f"{erasure.name}, unfortunately we can't refund you",
        "Tom called: ring him about the courier",
        "Margaret here, where is my box?",
        "Margaret from billing says the refund is on its way",
        "Mrs Holloway next door took his parcel in",
        "ask Mrs Holloway next door for it",
        "Margaret Smith asked for the Green box",
    } <= texts
    assert export(store, "BX-5")["customer"]["name"] == "Margaret Smith"


@pytest.mark.parametrize(
    ("name", "others", "named", "not_named"),
    [
        # a surname no one else has, and no everyday word: alone too
        (NAME, ["Tom Okafor"], ["holloway called", "Dr Holloway", "Margaret H. asks"],
         ["Margaret asks", "the Hollowayfield office", "Margaret Hughes asks"]),
        # another Holloway: a title or a surname could mean either; her initial could not
        (NAME, ["Ian Holloway"], ["Margaret H. asks"], ["Mrs Holloway", "Holloway called"]),
        # another Margaret H.: not by her initial
        (NAME, ["Margaret Hughes"], ["Mrs Holloway"], ["Margaret H. asks"]),
        # someone else repbot knows (a rep, say) has her surname
        ("Tom Okafor", ["Ana Okafor"], ["Tom O. called"], ["Mr Okafor called"]),
        # a surname that is an everyday word: only with a title
        ("Rose Green", [], ["Mrs Green called", "Mrs. Green called"], ["a green box", "Rose here"]),
    ],
)  # fmt: skip
def test_part_of_a_name_names_her_only_where_no_one_else_could_be_meant(
    name, others, named, not_named
):
    found = partly_named(name, others)
    assert found is not None
    assert [text for text in named if found(text)] == named
    assert [text for text in not_named if found(text)] == []


def rows_with(store: Store, text: str) -> list[tuple[str, str]]:
    """(table, the row's first column) of every row with a text column holding `text`, in any
    case: where the database still has it."""
    found = []
    for table in store.db.table_names():
        columns = [c.name for c in store.db[table].columns if c.type.upper() == "TEXT"]
        if not columns:
            continue
        where = " OR ".join(f'lower("{c}") LIKE ?' for c in columns)
        first = store.db[table].columns[0].name
        rows = store.db.execute(
            f'SELECT "{first}" FROM "{table}" WHERE {where}', [f"%{text.lower()}%"] * len(columns)
        ).fetchall()
        found += [(table, str(value)) for (value,) in rows]
    return found


def test_erasing_asks_first_unless_told_yes(local, tmp_path, repbot):
    store = seed(local, tmp_path)
    args = ("customers", "erase", "BX-1", "--reason", "DSR-1", "--db", str(store.path))
    refused = repbot(*args)  # standard input is not a terminal
    assert refused.returncode == 2 and "add --yes" in refused.stderr
    assert export(store, "BX-1")["customer"]["name"] == NAME


def test_the_chain_verifies_after_an_erase_and_still_names_a_tampered_row(local, tmp_path):
    store = seed(local, tmp_path)
    local.workspace.command("ben", "/followup", "in 3h ring the courier depot")  # not hers
    before = audit.head(store)
    learned_from = faq_db.evidence_mark(store)
    erasure = erase(store, "BX-1", actor="U0MIA0001", reason="DSR-2026-014")
    # her question named her: the FAQ learns again from what is left of it
    assert faq_db.evidence_mark(store) != learned_from
    assert erasure.audit_rows == 5  # 2 solution reasons, 2 promises, a redirect note
    check = audit.verify(store, before)
    assert check.ok, check.reason
    last = list(cases_db.audit_rows(store))[-1]
    assert (last["action"], last["actor"]) == ("customer.erased", "U0MIA0001")
    assert json.loads(last["details"])["reason"] == "DSR-2026-014"
    db = store.db
    (ben,) = db.execute("SELECT audit_id FROM audit_personal WHERE data IS NOT NULL")
    db.execute('UPDATE audit_personal SET data = \'{"what":"x"}\' WHERE audit_id = ?', ben)
    check = audit.verify(store)
    assert check.first_broken == ben[0] and "were changed" in check.reason
    db.execute("DELETE FROM audit_personal WHERE audit_id = ?", ben)
    assert "removed without an erasure" in audit.verify(store).reason


def test_a_part_marked_erased_without_an_erasure_is_caught(tmp_path):
    store = Store(tmp_path / "r.db")
    with store.transaction() as db:
        for what in ("call back", "send label"):
            audit.append(db, actor="U1", action="followup.added", subject="F-1", details={},
                         at=store.now(), personal={"what": what})  # fmt: skip
        audit.append(db, actor="U1", action="case.closed", subject="C-1", details={},
                     at=store.now())  # fmt: skip
    assert audit.verify(store).ok
    store.db.execute("UPDATE audit_personal SET data = NULL, salt = NULL, erased_by = 3")
    check = audit.verify(store)  # row 3 is no erasure
    assert not check.ok and "not in the chain or erased none" in check.reason
    with store.transaction():
        audit.append_erasure(store, actor="U1", action="customer.erased", subject="P-1",
                             details={}, at=store.now(), erased=[1])  # fmt: skip
    store.db.execute("UPDATE audit_personal SET erased_by = 4")  # claims 1, marks 2
    check = audit.verify(store)
    assert (check.ok, check.first_broken) == (False, 4) and "2 are marked" in check.reason


def test_an_older_chain_is_resealed_once_and_its_published_head_still_proves_it(tmp_path):
    path = tmp_path / "old.db"
    connection = sqlite3.connect(path, isolation_level=None)
    old = Database(connection)
    old.execute("BEGIN")  # one commit, not one per statement
    for version, step in enumerate(MIGRATIONS[:11], start=1):
        step(old)
        old.execute(f"PRAGMA user_version = {version}")
    old.execute("INSERT INTO customers (id, name, email, created_at, updated_at)"
                f" VALUES ('BX-1', '{NAME}', '{EMAIL}', 'now', 'now')")  # fmt: skip
    prev = chain.GENESIS
    rows = [("solution.authorized", {"customer": "BX-1", "reason": "Damaged twice"}),
            ("case.closed", {"root_cause": "product"})]  # fmt: skip
    for row_id, (action, details) in enumerate(rows, start=1):
        this = chain.row_hash(prev, row_id, "t", "U1", action, "S-1", details, None)
        old.execute(
            "INSERT INTO audit_log (id, at, actor, action, subject, details, prev_hash, hash)"
            " VALUES (?, 't', 'U1', ?, 'S-1', ?, ?, ?)",
            [row_id, action, chain.canonical(details), prev, this],
        )
        prev = this
    published = audit.Head(2, prev)
    old.execute("COMMIT")
    connection.close()
    store = Store(path)  # brings it to the newest schema
    first = next(iter(cases_db.audit_rows(store)))
    assert "BX-1" not in first["details"] and "Damaged" not in first["details"]
    check = audit.verify(store, audit.parse_head(str(published)))
    assert check.ok and "resealed" in check.reason
    assert not audit.verify(store, audit.Head(2, "ab" * 16)).ok
    assert export(store, "BX-1")["audit"][0]["personal"] == {"reason": "Damaged twice"}


def test_a_name_only_like_the_customers_is_never_erased_without_asking(local, tmp_path, repbot):
    """/customer says "Check it is them" of a guess (a QA play); the command line must too."""
    store = seed(local, tmp_path)
    path = str(store.path)
    guessed = repbot(
        "customers", "erase", "margret holoway", "--reason", "DSR-7", "--yes", "--db", path
    )
    assert guessed.returncode == 2 and guessed.stdout == ""
    assert "“margret holoway” only looks like Margaret Holloway (BX-1)'s name: give their CRM " in (
        guessed.stderr
    )
    exact = repbot("customers", "erase", "margaret holloway", "--reason", "DSR-7", "--db", path)
    assert "add --yes" in exact.stderr  # no terminal to ask on: nothing is erased either
    assert store.db.execute("SELECT name FROM customers WHERE id = 'BX-1'").fetchone() == (NAME,)

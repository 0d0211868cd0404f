"""`repbot check` and `repbot match`, as a team lead runs them.

The commands run in this process (the `repbot` fixture in conftest.py), with their own
environment, standard input and output; two tests run the installed `repbot` console script
itself, in a process of its own."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from bot.emulator.server import FakeSlack
from bot.shared.db import Store

ROOT = Path(__file__).parent.parent
KNOWLEDGE = ROOT / "knowledge"
PLAYBOOKS = ROOT / "playbooks"
CONSOLE_SCRIPT = Path(sys.executable).parent / "repbot"  # what `pip install` put beside python


def console_script(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """The installed `repbot` command, as a shell runs it."""
    assert CONSOLE_SCRIPT.is_file(), f"no console script at {CONSOLE_SCRIPT}: run ./scripts/setup"
    return subprocess.run(
        [str(CONSOLE_SCRIPT), *args], capture_output=True, text=True, timeout=60, env=env
    )


def playbooks_copy(tmp_path: Path) -> Path:
    """The shipped playbooks in a directory a test may edit."""
    playbooks = tmp_path / "playbooks"
    shutil.copytree(PLAYBOOKS, playbooks)
    return playbooks


def edit(path: Path, old: str, new: str) -> int:
    """Replace `old` by `new` in the file; the line it was on."""
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return text[: text.index(old)].count("\n") + 1


def test_check_passes_the_shipped_knowledge_base():
    # The installed console script itself: the entry point, its arguments and exit code.
    done = console_script("check", "--knowledge", str(KNOWLEDGE), "--playbooks", str(PLAYBOOKS))
    assert done.returncode == 0
    assert "0 errors" in done.stdout


def test_check_prints_every_problem_with_file_and_line_and_exits_1(repbot, tmp_path):
    bad = tmp_path / "faq.yaml"
    bad.write_text("- id: a\n  question: Q?\n  answer: ''\n- question: R?\n  answer: S\n")
    done = repbot("check", "--knowledge", str(tmp_path), "--playbooks", str(PLAYBOOKS))
    assert done.returncode == 1
    assert f"{bad}:3: error: entry 'a': empty answer" in done.stderr
    assert f"{bad}:4: error: missing id" in done.stderr
    assert "2 errors" in done.stdout


def test_check_says_which_key_a_misspelt_one_meant_and_how_to_write_a_list(repbot, tmp_path):
    faq = tmp_path / "faq.yaml"
    faq.write_text(
        "- id: reset\n  question: How do I reset my password?\n  phrasing: [forgot pw]\n"
        "  answr: Tap Forgot password.\n"
        "- id: track\n  question: Where is my box?\n  answer: Track it.\n"
        "- id: late\n  question: My box is late\n  variants: ['  where is MY box?']\n"
        "  answer: Wait.\n"
        "- id: gift\n  question: Can I gift a box?\n  variants: a box for my mum\n  answer: Yes.\n"
    )
    done = repbot("check", "--knowledge", str(tmp_path), "--playbooks", str(PLAYBOOKS))
    assert done.returncode == 1
    keys = "(expected id, question, variants, answer, tags)"
    assert done.stderr.splitlines() == [
        f"{faq}:3: error: entry 'reset': unknown key 'phrasing': did you mean 'variants'? {keys}",
        f"{faq}:4: error: entry 'reset': unknown key 'answr': did you mean 'answer'? {keys}",
        f"{faq}:14: error: entry 'gift': variants must be a list of non-empty texts, not one "
        'text: write variants: ["a box for my mum"], or each on a line of its own under it, '
        'after "- "',
        # the same words but for case and spaces: the entry that says them, and the other
        f"{faq}:8: warning: entry 'late': phrasing 'where is MY box?' is also one of entry "
        f"'track' ({faq}:5); keep it in the entry it belongs to",
    ]
    assert "3 errors, 1 warning" in done.stdout


def test_check_names_every_playbook_it_read(repbot):
    # A lead who had just edited teams.yaml read "playbooks: roles, situations, templates, tone
    # rules; 0 errors" and could not tell whether their teams were checked at all.
    done = repbot("check", "--knowledge", str(KNOWLEDGE), "--playbooks", str(PLAYBOOKS))
    assert done.returncode == 0, done.stderr
    assert (
        f"{PLAYBOOKS}: roles, situations, templates, tone rules, solutions, teams, goals, "
        "retention; 0 errors, 0 warnings"
    ) in done.stdout


def test_match_writes_one_json_object_per_question(repbot):
    questions = "my box never turned up\n\nI was charged twice this month\nhow do I bake bread\n"
    done = repbot("match", "--knowledge", str(KNOWLEDGE), "--top", "3", "--json", stdin=questions)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["query"] for r in records] == [
        "my box never turned up",
        "I was charged twice this month",
        "how do I bake bread",
    ]
    for record in records:
        assert record["verdict"] in ("answer", "suggest", "none")
        assert len(record["matches"]) <= 3
        assert (
            set(record["matches"][0]) == {"id", "question", "score"} if record["matches"] else True
        )
    assert records[1]["matches"][0]["id"] == "double_charge"
    assert records[2]["verdict"] == "none"


def test_match_refuses_a_broken_knowledge_base(repbot, tmp_path):
    (tmp_path / "faq.yaml").write_text("- id: a\n  question: [\n")
    done = repbot("match", "--knowledge", str(tmp_path), "--json", stdin="hello\n")
    assert done.returncode == 1
    assert "faq.yaml:" in done.stderr


def run_env(tmp_path: Path, **settings: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    return {**env, "DATABASE_PATH": str(tmp_path / "r.db"), **settings}


def test_the_bot_refuses_to_start_on_a_broken_knowledge_base_and_says_why(repbot, tmp_path):
    (tmp_path / "faq.yaml").write_text("- id: a\n  question: Q?\n  answer: ''\n")
    env = run_env(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-test",
        SLACK_SIGNING_SECRET="secret",
        KNOWLEDGE_DIR=str(tmp_path),
        SLACK_API_URL="http://127.0.0.1:9/api/",  # never reached: content is checked first
    )
    done = repbot("run", "--env-file", os.devnull, env=env)
    assert done.returncode == 1
    assert "not starting, the content has errors" in done.stderr
    assert f"{tmp_path / 'faq.yaml'}:3: error: entry 'a': empty answer" in done.stderr


def test_a_missing_setting_stops_start_up_with_one_line_naming_it(tmp_path):
    # The console script again: a refusal reaches the shell as exit code 2 and one line.
    done = console_script("run", "--env-file", os.devnull, env=run_env(tmp_path))
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "repbot: SLACK_BOT_TOKEN is not set; copy the Bot User OAuth Token (xoxb-...) from your "
        "app's OAuth & Permissions page at https://api.slack.com/apps, and put it in .env (see "
        ".env.example) or the environment"
    ]


def test_demo_script_plays_lines_and_prints_the_transcript(repbot, tmp_path):
    script = tmp_path / "demo.txt"
    script.write_text('# try it\n/faq where is my box\nclick "Helpful"\nas lee\n/faq\nnonsense\n'
                      "/faq <@U0ANA0001> where is my box\n")  # fmt: skip
    done = repbot(
        "demo",
        "--knowledge",
        str(KNOWLEDGE),
        "--playbooks",
        str(PLAYBOOKS),
        "--script",
        str(script),
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "# try it" in out
    assert "ana> /faq where is my box" in out
    assert "[1 Helpful] [2 Not helpful]" in out
    # a mention someone typed is their text, shown as typed; only the bot's mentions are names
    assert "> <@U0ANA0001> where is my box" in out
    assert "Marked helpful" in out
    assert "lee> /faq" in out and "Usage: `/faq <customer's question>`" in out
    assert "Traceback" not in out + done.stderr


@pytest.mark.parametrize("command", [(), ("run",), ("demo",), ("check",), ("customers", "erase")])
def test_help_says_what_the_command_does(repbot, command):
    done = repbot(*command, "--help")
    assert done.returncode == 0
    usage, description = done.stdout.split("\n\n")[:2]
    assert usage.startswith("usage: repbot") and not description.startswith("options:")


@pytest.mark.parametrize("command", ["export", "erase"])
def test_the_help_of_a_customers_command_says_a_name_finds_them_too(repbot, command):
    done = repbot("customers", command, "--help")
    described = " ".join(done.stdout.split("positional arguments:")[1].split())
    assert described.startswith("customer a CRM id, an email, a name (or a part of it: a surname)")


def test_a_command_run_outside_the_clone_says_where_it_looked_and_what_to_do(
    repbot, tmp_path, monkeypatch
):
    env = {**run_env(tmp_path), "KNOWLEDGE_DIR": "knowledge", "PLAYBOOKS_DIR": "playbooks"}
    monkeypatch.chdir(tmp_path)
    for command in ("check", "demo", "match"):
        done = repbot(command, env=env)
        assert done.returncode == 2
        assert done.stderr.splitlines() == [
            f"repbot: KNOWLEDGE_DIR knowledge is not a folder in {tmp_path}; run repbot in the "
            "folder that has knowledge/, or set KNOWLEDGE_DIR to the folder of the FAQ's YAML "
            "files"
        ]
    done = repbot("check", "--knowledge", str(KNOWLEDGE), "--playbooks", "nowhere", env=env)
    assert done.stderr.startswith("repbot: --playbooks nowhere is not a folder in ")
    for command in (("summary",), ("retention", "apply", "--dry-run")):  # they load them too
        done = repbot(*command, env=env)
        assert done.returncode == 2, command
        assert done.stderr.startswith("repbot: PLAYBOOKS_DIR playbooks is not a folder in ")


def test_run_against_slack_warns_that_roles_yaml_still_names_the_sample_team(repbot, tmp_path):
    # Slack's own URL (the default), stopped before it is reached by a knowledge folder that
    # is not there: the warning comes first.
    env = run_env(tmp_path, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="secret",
                  KNOWLEDGE_DIR=str(tmp_path / "none"), PLAYBOOKS_DIR=str(PLAYBOOKS))  # fmt: skip
    done = repbot("run", "--env-file", os.devnull, env=env)
    warning, refusal = done.stderr.splitlines()
    assert warning.startswith(f"{PLAYBOOKS / 'roles.yaml'} still names the demo's sample team")
    assert "U0ANA0001" in warning and "C0LEADS001" in warning and "step 4" in warning
    assert refusal.startswith("repbot: KNOWLEDGE_DIR")


def test_wait_takes_the_time_in_words_too_and_says_when_nothing_came(repbot, tmp_path):
    script = tmp_path / "demo.txt"
    script.write_text("wait 2 hours\nwait 30 mins\nwait 1w\nwait 2 weeks\nwait soon\nwait 400d")
    done = repbot("demo", "--start", "2026-11-30T22:30", "--script", str(script))
    out = done.stdout
    # a new install: the week before it ran is not posted, the first week it ran is
    assert "ana> wait 2 hours\n    (2 hours passed; the bot sent nothing meanwhile)\n" in out
    assert "ana> wait 30 mins\n    (30 mins passed; the bot sent nothing meanwhile)\n" in out
    assert "ana> wait 1w\n    #management:\n      == Weekly summary 2026-W49" in out  # a week
    assert "ana> wait 2 weeks\n    ? the demo waits up to 7 days at a time (wait 7d, or " in out
    assert "ana> wait soon\n    ? wait how long? For example: wait 30m, wait 2h, wait 1d, " in out
    # The bot runs all through a wait: a year at once would report its weeks' summaries as
    # not posted "while repbot was stopped", which it never was.
    assert "ana> wait 400d\n    ? the demo waits up to 7 days at a time (wait 7d, or wait" in out
    assert "stopped" not in out


def test_an_env_file_that_is_not_there_is_named(repbot, tmp_path):
    done = repbot("run", "--env-file", str(tmp_path / "prod.env"), env=run_env(tmp_path))
    assert done.returncode == 2
    assert done.stderr == f"repbot: --env-file {tmp_path / 'prod.env'}: there is no such file\n"


def test_the_demo_shows_what_a_phone_notification_of_each_message_says_when_asked(repbot, tmp_path):
    script = tmp_path / "demo.txt"
    script.write_text("/faq any news about my delivery\n/followup in 2h call Maria back\n")
    args = ["demo", "--knowledge", str(KNOWLEDGE), "--playbooks", str(PLAYBOOKS)]
    done = repbot(*args, "--start", "2026-12-02T10:00", "--script", str(script), "--notifications")
    assert done.returncode == 0, done.stderr
    # the blocks say "Did you mean one of these?"; the phone, which question and for what
    assert (
        "[notification] Did you mean “Where is my box? How can I track my order?” for “any n"
        in (done.stdout)
    )
    assert "[notification] Follow-up F-1 saved: call Maria back, due Dec 2, 2026 at 12:00 PM" in (
        done.stdout
    )
    plain = repbot(*args, "--script", str(script))
    assert "[notification]" not in plain.stdout


def test_a_demo_script_that_is_not_there_is_named(repbot, tmp_path):
    done = repbot("demo", "--script", str(tmp_path / "demo.txt"))
    assert done.returncode == 1
    assert done.stderr == (
        f"repbot: cannot read the script {tmp_path / 'demo.txt'}: No such file or directory\n"
    )


def test_the_demo_prompt_says_who_you_are_what_to_type_and_how_to_leave(repbot):
    done = repbot("demo", stdin="/faq where is my box\nexit\n/faq never reached\n")
    assert done.returncode == 0, done.stderr
    first = done.stdout.splitlines()[:3]
    assert "nothing reaches a real Slack" in first[0]
    assert first[1] == "You are Ana Alves (ana, a rep) in #support. Try: /faq forgot my password"
    assert "help (what each does)" in first[2] and "quit (or Ctrl-D) to leave" in first[2]
    assert "FAQ `where_is_my_box`" in done.stdout
    assert "never reached" not in done.stdout  # exit left the demo


def test_the_demo_of_another_business_suggests_a_question_its_own_faq_answers(repbot, tmp_path):
    # Found on a first day with a gym's FAQ: the prompt said "Try: /faq where is my box", and
    # the rep who tried it got "No good match".
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / "membership.yaml").write_text(
        '- id: freeze_membership\n  question: "Can I freeze my membership?"\n'
        '  variants: ["pause my gym membership", "freeze my plan while I travel"]\n'
        '  answer: "Yes, for up to 3 months a year, under Account > Membership > Freeze."\n'
    )
    done = repbot("demo", "--knowledge", str(knowledge), stdin="quit\n")
    assert done.returncode == 0, done.stderr
    said = done.stdout.splitlines()[1:3]
    assert said[0].endswith("Try: /faq pause my gym membership")
    assert said[1].startswith("Lines: /faq pause my gym membership | dm pause my gym membership |")
    assert "box" not in "".join(said)


def test_a_demo_of_playbooks_naming_a_teams_own_channel_delivers_the_redirect_there(
    repbot, tmp_path
):
    # A new customer puts their own channel ids in teams.yaml, as its comments ask, and tries
    # it in the demo: the packet went to a channel the local Slack did not have
    # (channel_not_found), and the leads read that the channel "no longer exists".
    playbooks = playbooks_copy(tmp_path)
    teams = playbooks / "teams.yaml"
    teams.write_text(teams.read_text().replace("C0DELIVER1", "C0COURIER7"))
    script = tmp_path / "demo.txt"
    script.write_text("/case BX-10002 box late\n/redirect deliveries C-1001 late again\n")
    done = repbot("demo", "--playbooks", str(playbooks), "--script", str(script))
    assert done.returncode == 0, done.stderr
    packet = done.stdout.split("#deliveries:\n")[1]
    assert "for Deliveries, from @ana" in packet and "[1 Take it]" in packet
    assert "could not deliver" not in done.stdout
    assert "channel_not_found" not in done.stdout + done.stderr


def test_what_repbot_writes_beside_its_database_stays_out_of_git_status(tmp_path):
    # Found on a first day: the README's `repbot summary` in a fresh clone left
    # `repbot.db-lock` as an untracked file, one `git add -A` away from a commit.
    store = Store(tmp_path / "repbot.db")
    beside = sorted(path.name for path in tmp_path.iterdir()) + [store.lock_path.name]
    assert "repbot.db-lock" in beside
    for name in beside:
        ignored = subprocess.run(["git", "check-ignore", "--no-index", "-q", name], cwd=ROOT)
        assert ignored.returncode == 0, f"{name} would show in git status"


def test_the_shipped_demo_script_plays_every_step(repbot, tier):
    # at the time the README's transcripts were played: the sample customers' dates are real
    # ones, and the new customer's id counts them
    done = repbot(
        "demo", "--start", "2026-11-30T22:30", "--script", str(ROOT / "scripts" / "demo.txt")
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    failed = [line for line in out.splitlines() if line.lstrip().startswith(("! ", "? "))]
    assert failed == []
    assert "Traceback" not in out + done.stderr
    for step in (
        "Marked helpful",  # /faq
        "*Did you mean one of these?*\n      > any news about my delivery",  # a vaguer question
        "    DM:\n      *I've been charged twice",  # a direct message, answered in the DM
        "Added the entry `do_you_have_vegan_meals`",  # /kb gaps
        "*Draft reply*",  # /draft
        "*Approved* by",  # /solve above the rep's authority
        "Follow-up F-1 saved",  # /followup
        "[1 Take it]",  # /redirect
        "*Your desk*",  # the Home tab
        "Noted on C-1001",  # /note
        "• FAQ queries: *",  # /summary this week, with the demo's own figures
        "owner @ana",  # a mention as Slack shows it: the member's name, not their id
    ):
        assert step in out, step
    assert "@U0ANA0001" not in out


def test_tone_writes_one_json_object_per_text(repbot):
    texts = "unfortunately we cant do that, as i said before\n\nhappy to help, it ships today\n"
    done = repbot("tone", "--playbooks", str(PLAYBOOKS), "--json", stdin=texts)
    assert done.returncode == 0, done.stderr
    flagged, clean = (json.loads(line) for line in done.stdout.splitlines())
    assert set(flagged) == {"text", "score", "flags", "rewritten"}
    assert flagged["score"] < 100 and len(flagged["flags"]) >= 3
    assert all(set(f) == {"phrase", "why", "rewrite", "instead_of"} for f in flagged["flags"])
    assert (clean["score"], clean["flags"]) == (100, [])
    # read by a person: each phrase once with its count, as /tone's bullets name it
    plain = repbot("tone", "--playbooks", str(PLAYBOOKS), stdin="As per policy we cannot. " * 3)
    assert plain.stdout.startswith(" 10  'As per policy' (3 times), 'cannot' (3 times)  <- ")


def test_tone_scores_only_what_the_slack_command_would(repbot):
    texts = "¡Mi caja llegó rota!\n🙂👍\nMy résumé is attached, sorry we can't help\n"
    done = repbot("tone", "--playbooks", str(PLAYBOOKS), "--json", stdin=texts)
    assert done.returncode == 0, done.stderr
    spanish, emoji, english = (json.loads(line) for line in done.stdout.splitlines())
    assert spanish["score"] is None and "another language" in spanish["not_scored"]
    assert emoji["score"] is None and "no words to check" in emoji["not_scored"]
    assert english["score"] < 100
    plain = repbot("tone", "--playbooks", str(PLAYBOOKS), stdin="¡Mi caja llegó rota!\n")
    assert "nothing was scored" in plain.stdout and "100" not in plain.stdout


def test_check_names_a_broken_template_by_file_and_line(repbot, tmp_path):
    playbooks = playbooks_copy(tmp_path)
    template = playbooks / "templates" / "short.j2"
    template.write_text(template.read_text() + "{{ customer_nmae }}\n")
    done = repbot("check", "--knowledge", str(KNOWLEDGE), "--playbooks", str(playbooks))
    assert done.returncode == 1
    assert f"{template}:" in done.stderr and "customer_nmae" in done.stderr


def test_customers_import_and_audit_verify(repbot, tmp_path):
    csv = tmp_path / "crm.csv"
    csv.write_text(
        "id,name,email,customer_since,tier\n"
        "BX-1,Margaret Holloway,mh@example.com,2014-03-02,premium\n"
        "BX-2,Tom Okafor,tom@example.com,31/02/2020,plus\n"
    )
    db = str(tmp_path / "r.db")
    done = repbot("customers", "import", str(csv), "--db", db)
    assert done.returncode == 1  # one bad line, named
    assert done.stdout == "1 customer added, 0 updated\n" and "crm.csv:3" in done.stderr
    done = repbot("audit", "verify", "--db", db)
    assert (done.returncode, done.stdout) == (0, "The audit log is intact: 0 entries.\n")
    for mention in ("<@U0ANA0001>", "<!channel>", "@here"):  # never looked up, nor audited
        done = repbot("customers", "export", mention, "--db", db)
        assert (done.returncode, done.stdout) == (2, "")  # the usage's mistake, as an unknown id
        assert "That is a Slack mention, not a customer. Give a CRM id" in done.stderr
    repbot("customers", "export", "BX-1", "--db", db)  # an export is an audit entry
    done = repbot("audit", "verify", "--db", db)
    assert (done.returncode, done.stdout) == (0, "The audit log is intact: 1 entry.\n")


def test_summary_prints_a_week_as_markdown_or_csv_and_refuses_a_bad_week(repbot, tmp_path):
    db = str(tmp_path / "r.db")
    Store(db).close()  # the bot's database, with nothing in it yet
    done = repbot("summary", "--db", db, "--playbooks", str(PLAYBOOKS))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("# Weekly summary 20") and "Nothing happened" in done.stdout
    done = repbot("summary", "--db", db, "--playbooks", str(PLAYBOOKS), "--format", "csv")
    assert done.stdout.splitlines()[0] == "section,name,value,previous,change,unit,label,target,met"
    done = repbot("summary", "--db", db, "--playbooks", str(PLAYBOOKS), "--week", "2026-W99")
    assert done.returncode == 2 and "not 99" in done.stderr
    done = repbot("summary", "--db", db, "--playbooks", str(PLAYBOOKS), "--week", "2099-W01")
    assert done.returncode == 2 and "2099-W01 has not started yet" in done.stderr


def test_check_refuses_roles_without_a_sound_management_channel_by_file_and_line(repbot, tmp_path):
    playbooks = playbooks_copy(tmp_path)
    roles = playbooks / "roles.yaml"
    line = edit(roles, "management: C0MGMT0001", "management: '#management'")
    done = repbot("check", "--knowledge", str(KNOWLEDGE), "--playbooks", str(playbooks))
    assert done.returncode == 1
    assert (
        f"{roles}:{line}: error: management: '#management' is not a Slack channel id" in done.stderr
    )
    edit(roles, "  management: '#management'", "")
    line = roles.read_text().splitlines().index("channels:") + 1
    done = repbot("check", "--knowledge", str(KNOWLEDGE), "--playbooks", str(playbooks))
    assert done.returncode == 1
    assert f"{roles}:{line}: error: channels: missing management" in done.stderr
    assert "1 error," in done.stdout


def test_check_warns_of_a_channel_left_in_goals_yaml_and_passes(repbot, tmp_path):
    playbooks = playbooks_copy(tmp_path)
    goals = playbooks / "goals.yaml"
    line = edit(goals, '  time: "09:00"\n', '  time: "09:00"\n  channel: C0MGMT0001\n') + 1
    done = repbot("check", "--knowledge", str(KNOWLEDGE), "--playbooks", str(playbooks))
    assert done.returncode == 0, done.stderr
    assert done.stderr == (
        f"{goals}:{line}: warning: summary: unknown key 'channel' (expected day, time, "
        "timezone); the management channel is in roles.yaml now (channels: management)\n"
    )


def test_summary_post_goes_to_the_management_channel_of_roles_yaml(repbot, tmp_path):
    playbooks = playbooks_copy(tmp_path)
    edit(playbooks / "roles.yaml", "management: C0MGMT0001", "management: C0RETAIN01")
    Store(tmp_path / "r.db").close()
    with FakeSlack() as fake:
        env = run_env(tmp_path, SLACK_BOT_TOKEN=fake.token, SLACK_SIGNING_SECRET="secret",
                      SLACK_API_URL=fake.api_url)  # fmt: skip
        done = repbot("summary", "--post", "--playbooks", str(playbooks), env=env)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("posted the summary of 20")
        assert done.stdout.rstrip().endswith(" to C0RETAIN01")
        (post,) = fake.calls_to("chat.postMessage")
        assert post.body["channel"] == "C0RETAIN01"
        assert [f["channel"] for f in fake.files.values()] == ["C0RETAIN01"]


def test_check_warns_of_an_answer_slack_would_show_in_parts(repbot, tmp_path):
    faq = tmp_path / "faq.yaml"
    answer = " ".join(["Fish & chips <hot>"] * 200)  # 3,600 characters, more once escaped
    faq.write_text(f"- id: short\n  question: Q?\n  answer: A.\n- id: long\n  question: R?\n"
                   f"  answer: '{answer}'\n")  # fmt: skip
    done = repbot("check", "--knowledge", str(tmp_path), "--playbooks", str(PLAYBOOKS))
    assert done.returncode == 0, done.stderr
    assert (
        f"{faq}:4: warning: entry 'long': the answer is longer than one Slack section holds "
        "(3,000 characters once escaped): Slack would show it in 2 parts\n"
    ) in done.stderr
    assert "'short': the answer" not in done.stderr


def test_commands_that_read_a_database_refuse_a_missing_or_foreign_file_in_one_line(
    repbot, tmp_path
):
    missing = tmp_path / "missing.db"
    for args in (("audit", "verify"), ("summary", "--playbooks", str(PLAYBOOKS))):
        done = repbot(*args, "--db", str(missing))
        assert done.returncode == 2 and done.stdout == ""
        assert (
            done.stderr
            == f"repbot: there is no database at {missing} (set DATABASE_PATH, or give --db)\n"
        )
    assert not missing.exists()  # nothing made on the spot
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database")
    done = repbot("audit", "verify", "--db", str(notes))
    assert (done.returncode, done.stderr) == (
        2,
        f"repbot: {notes} is not a repbot database (not SQLite)\n",
    )
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    done = repbot("summary", "--db", str(other), "--playbooks", str(PLAYBOOKS))
    assert done.stderr == f"repbot: {other} is not a repbot database (another program's tables)\n"


def test_the_demo_names_errors_in_the_leads_own_folder_not_its_copy(repbot, tmp_path):
    knowledge = tmp_path / "faq"
    shutil.copytree(ROOT / "knowledge", knowledge)
    (knowledge / "bad.yaml").write_text("- id: x\n  question: Q?\n  answer: ''\n")
    done = repbot("demo", "--knowledge", str(knowledge), "--script", os.devnull)
    assert done.returncode == 1
    assert f"{knowledge / 'bad.yaml'}:3: error: entry 'x': empty answer" in done.stderr


def test_the_demo_starts_at_a_given_time_or_says_what_a_time_looks_like(repbot, tmp_path):
    script = tmp_path / "demo.txt"
    script.write_text("/followup tomorrow 10am call Maria back\n")
    done = repbot("demo", "--start", "2026-11-30T22:30", "--script", str(script))
    assert "due tomorrow at 10:00 AM" in done.stdout  # Ana's tomorrow, whatever day it is run
    refused = repbot("demo", "--start", "tomorrow", "--script", str(script))
    assert refused.returncode == 2
    assert "'tomorrow' is not a time: write it like 2026-11-30T22:30" in refused.stderr


def test_version_prints_the_installed_package_version(repbot):
    done = repbot("--version")
    assert (done.returncode, done.stdout) == (0, f"repbot {version('repbot')}\n")


@pytest.mark.parametrize(
    "args, usage",
    [
        (("match", "--bogus"), "usage: repbot match "),
        (("knowledge", "test", "questions.csv", "--bogus"), "usage: repbot knowledge test "),
        (("audit", "verify", "--bogus"), "usage: repbot audit verify "),
        (("customers", "export", "BX-1", "--bogus"), "usage: repbot customers export "),
    ],
)
def test_an_unknown_option_is_answered_with_the_usage_of_its_own_command(repbot, args, usage):
    done = repbot(*args)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(usage)
    assert done.stderr.endswith(": error: unrecognized arguments: --bogus\n")


@pytest.mark.parametrize("command", ["knowledge", "customers", "audit", "retention"])
def test_a_command_without_its_subcommand_asks_for_one_by_what_it_is(repbot, command):
    done = repbot(command)
    assert done.returncode == 2
    assert done.stderr.endswith(
        f"repbot {command}: error: the following arguments are required: COMMAND\n"
    )


def test_knowledge_test_says_in_words_what_it_could_not_read_and_what_it_expects(repbot, tmp_path):
    expects = "give a CSV of real questions with the columns question,expected_id"
    for given, wrong in ((tmp_path / "nosuch.csv", "there is no file"),
                         (tmp_path, "is a folder, not a file")):  # fmt: skip
        done = repbot("knowledge", "test", str(given), "--knowledge", str(KNOWLEDGE))
        assert done.returncode == 1
        said = f"{wrong} {given}" if wrong.startswith("there") else f"{given} {wrong}"
        assert done.stderr == f"repbot: {said}; {expects}\n"


def test_customers_import_says_in_words_what_it_could_not_read(repbot, tmp_path):
    db = str(tmp_path / "r.db")
    latin = tmp_path / "crm.csv"
    latin.write_bytes("id,name,email,customer_since,tier\nBX-1,Zoë,z@e.com,,\n".encode("latin-1"))
    expects = "give the CRM's CSV (UTF-8) with the columns id,name,email,customer_since,tier"
    for given, said in ((tmp_path / "nosuch.csv", f"there is no file {tmp_path / 'nosuch.csv'}"),
                        (latin, f"{latin} is not UTF-8 text")):  # fmt: skip
        done = repbot("customers", "import", str(given), "--db", db)
        assert (done.returncode, done.stdout) == (1, "")
        assert done.stderr == f"repbot: {said}; {expects}\n"

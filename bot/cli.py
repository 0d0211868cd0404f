"""`repbot run | demo | check | ...`: the command line; each command says what it does in its
`--help`."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import (
    SLACK_API_DEFAULT,
    Environment,
    SettingError,
    load_env_file,
    read_settings,
    require_content,
    setting_named,
)
from bot.faq.evaluate import COLUMNS, evaluate, format_report, read_questions
from bot.faq.knowledge import Knowledge, load_knowledge
from bot.faq.matching import Matcher
from bot.shared.content import Problem
from bot.shared.refusal import Refusal

# Each command imports what only it needs, where it runs: `repbot match` is ready in half the
# time without the database, the playbooks, the reports and Slack's blocks.
if TYPE_CHECKING:
    from bot.guide import Guide
    from bot.shared.db import Store


DESCRIPTION = (
    "repbot, a Slack assistant for customer-support reps. New here? `repbot demo` tries it in a "
    "local Slack of its own, nothing to set up; `repbot check` checks knowledge/ and "
    "playbooks/ after an edit; `repbot run` serves a real Slack workspace, with the settings in "
    ".env (see .env.example and the README's 'Connecting to a real Slack workspace')."
)
# The customer of `customers export | erase`, as they find them (bot/cases/personal.py).
CUSTOMER_HELP = "a CRM id, an email, a name (or a part of it: a surname) or a case id (C-1001)"
QUESTIONS_CSV = f"a CSV of real questions with the columns {','.join(COLUMNS)}"


class _Parser(argparse.ArgumentParser):
    """A parser that answers an argument it does not know with its own usage: argparse leaves
    a subcommand's unknown arguments to the top-level parser, whose usage does not help."""

    def parse_known_args(  # type: ignore[override]
        self, args: list[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, unknown = super().parse_known_args(args, namespace)
        if unknown:
            self.error(f"unrecognized arguments: {' '.join(unknown)}")
        return parsed, unknown


def _command(commands: argparse._SubParsersAction[_Parser], name: str, help: str) -> _Parser:
    """A subcommand whose one line in the list of commands is also what its --help says."""
    return commands.add_parser(name, help=help, description=help[:1].upper() + help[1:] + ".")


def main(argv: list[str] | None = None) -> int:
    parser = _Parser(prog="repbot", description=DESCRIPTION)  # its subcommands' too
    parser.add_argument("--version", action="version", version=f"repbot {version('repbot')}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = _command(
        commands,
        "run",
        help="connect to Slack and serve: over Socket Mode when SLACK_APP_TOKEN is set, else "
        "HTTP on PORT",
    )
    run.add_argument("--env-file", type=Path, help="settings file (default: .env, if there is one)")
    run.set_defaults(handler=cmd_run)

    demo = _command(commands, "demo", help="a local Slack and the bot, driven from the terminal")
    demo.add_argument("--script", type=Path, help="play the lines of FILE and print a transcript")
    demo.add_argument("--db", type=Path, help="database to use (default: a fresh temporary one)")
    demo.add_argument(
        "--start",
        type=_instant,
        help="the time the demo starts at, such as 2026-11-30T22:30 (UTC unless an offset is "
        "given; default: now), so that a script prints the same transcript on any day",
    )
    demo.add_argument(
        "--notifications",
        action="store_true",
        help="under each message, what a phone's notification of it shows (its plain text)",
    )
    content_options(demo)
    demo.set_defaults(handler=cmd_demo)

    check = _command(
        commands, "check", help="validate knowledge/ and playbooks/ and print every problem"
    )
    content_options(check)
    check.set_defaults(handler=cmd_check)

    match = _command(
        commands, "match", help="match questions from standard input, one per line, against the FAQ"
    )
    content_options(match, playbooks=False)
    match.add_argument("--top", type=int, default=3, help="matches per question (default: 3)")
    match.add_argument("--json", action="store_true", help="one JSON object per line")
    match.set_defaults(handler=cmd_match)

    tone = _command(
        commands, "tone", help="check texts from standard input, one per line, for can't-language"
    )
    content_options(tone, knowledge=False)
    tone.add_argument("--json", action="store_true", help="one JSON object per line")
    tone.set_defaults(handler=cmd_tone)

    knowledge = _command(commands, "knowledge", help="work on the knowledge base")
    knowledge_commands = knowledge.add_subparsers(
        dest="knowledge_command", required=True, metavar="COMMAND"
    )
    test = _command(
        knowledge_commands, "test", help="measure the FAQ on real questions before changing it"
    )
    test.add_argument("questions", type=Path, help=QUESTIONS_CSV)
    content_options(test, playbooks=False)
    test.set_defaults(handler=cmd_knowledge_test)

    customers = _command(commands, "customers", help="customers, as the CRM exports them")
    customer_commands = customers.add_subparsers(
        dest="customers_command", required=True, metavar="COMMAND"
    )
    importing = _command(
        customer_commands,
        "import",
        help="add or update customers from a CSV: id,name,email,customer_since,tier",
    )
    importing.add_argument("csv", type=Path)
    importing.add_argument("--db", type=Path, help="database (default: DATABASE_PATH)")
    importing.set_defaults(handler=cmd_customers_import)
    exporting = _command(
        customer_commands,
        "export",
        help="everything repbot holds about a customer, as one JSON document",
    )
    exporting.add_argument("customer", help=CUSTOMER_HELP)
    exporting.add_argument("--output", type=Path, help="write it to FILE (default: print it)")
    exporting.add_argument("--db", type=Path, help="database (default: DATABASE_PATH)")
    exporting.set_defaults(handler=cmd_customers_export)
    erasing = _command(
        customer_commands,
        "erase",
        help="erase a customer's personal data (their cases' counts stay)",
    )
    erasing.add_argument("customer", help=CUSTOMER_HELP)
    erasing.add_argument(
        "--reason", required=True, help="why, such as the request's reference (no names)"
    )
    erasing.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erasing.add_argument("--db", type=Path, help="database (default: DATABASE_PATH)")
    content_options(erasing, playbooks=False)
    erasing.set_defaults(handler=cmd_customers_erase)

    audit = _command(commands, "audit", help="the tamper-evident log of solutions and decisions")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True, metavar="COMMAND")
    verify = _command(audit_commands, "verify", help="check the hash chain of the audit log")
    verify.add_argument("--db", type=Path, help="database (default: DATABASE_PATH)")
    verify.add_argument(
        "--head",
        metavar="COUNT:HASH",
        help="also prove the log still extends this head, as the weekly post or the log gave it",
    )
    verify.set_defaults(handler=cmd_audit_verify)

    summary = _command(commands, "summary", help="the weekly summary for management")
    summary.add_argument(
        "--week", help='2026-W47, "this week" or "last week" (default: the last complete week)'
    )
    summary.add_argument("--format", choices=("markdown", "csv"), default="markdown")
    summary.add_argument("--post", action="store_true", help="post it to the management channel")
    summary.add_argument("--db", type=Path, help="database (default: DATABASE_PATH)")
    content_options(summary, knowledge=False)
    summary.set_defaults(handler=cmd_summary)

    retention = _command(commands, "retention", help="remove texts past their retention period")
    retention_commands = retention.add_subparsers(
        dest="retention_command", required=True, metavar="COMMAND"
    )
    apply = _command(
        retention_commands,
        "apply",
        help="empty the texts older than playbooks/retention.yaml allows",
    )
    apply.add_argument("--dry-run", action="store_true", help="only count what would go")
    apply.add_argument("--db", type=Path, help="database (default: DATABASE_PATH)")
    content_options(apply)
    apply.set_defaults(handler=cmd_retention_apply)

    purge = _command(commands, "purge", help="delete every row of the database")
    purge.add_argument("--all", action="store_true", required=True, help="all data (required)")
    purge.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    purge.add_argument("--db", type=Path, help="database (default: DATABASE_PATH)")
    purge.set_defaults(handler=cmd_purge)

    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except (SettingError, Refusal) as error:  # said in the person's words, in one line
        print(f"repbot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader stopped early (`repbot match ... | head`); Python must not complain
        # again when it flushes standard output at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def content_options(
    parser: argparse.ArgumentParser, playbooks: bool = True, knowledge: bool = True
) -> None:
    if knowledge:
        parser.add_argument(
            "--knowledge", type=Path, help="knowledge directory (default: KNOWLEDGE_DIR)"
        )
    if playbooks:
        parser.add_argument(
            "--playbooks", type=Path, help="playbooks directory (default: PLAYBOOKS_DIR)"
        )


def _instant(text: str) -> datetime:
    """A time given on the command line, in UTC unless it says its offset."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a time: write it like 2026-11-30T22:30"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _content_dirs(args: argparse.Namespace, required: tuple[str, ...] = ()) -> tuple[Path, Path]:
    """The knowledge and playbooks directories: the options, else the settings. Those named in
    `required` ("knowledge", "playbooks") must be folders: SettingError names the option or
    setting that gave one that is not."""
    load_env_file()
    read = Environment()  # a setting is read only where no option stands in for it
    knowledge = getattr(args, "knowledge", None) or read.knowledge_dir()
    playbooks = getattr(args, "playbooks", None) or read.playbooks_dir()
    for kind, folder in (("knowledge", knowledge), ("playbooks", playbooks)):
        if kind in required:
            require_content(kind, folder, f"--{kind}" if getattr(args, kind, None) else None)
    return knowledge, playbooks


def _input_lines() -> Iterator[str]:
    """Standard input a line at a time, as typed, skipping blank lines."""
    for line in sys.stdin:
        if line.strip():
            yield line.rstrip("\n")


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def _valid_knowledge(args: argparse.Namespace) -> Knowledge | None:
    """The knowledge base, or None after printing why it cannot be used."""
    knowledge = load_knowledge(_content_dirs(args, ("knowledge",))[0])
    if knowledge.errors:
        _report(knowledge.problems)
        print("repbot: the knowledge base has errors (run `repbot check`)", file=sys.stderr)
        return None
    return knowledge


def cmd_check(args: argparse.Namespace) -> int:
    from bot.coaching.playbooks import check_coverage
    from bot.guide import load_guide
    from bot.slack.blocks.base import counted
    from bot.slack.blocks.faq import long_answers

    knowledge_dir, playbooks_dir = _content_dirs(args, ("knowledge", "playbooks"))
    knowledge = load_knowledge(knowledge_dir)
    guide, guide_problems = load_guide(playbooks_dir)
    # how Slack would show each answer: the FAQ files know nothing of Slack's limits
    problems = knowledge.problems + long_answers(knowledge.entries) + guide_problems
    if guide is not None and not knowledge.errors:
        problems += check_coverage(guide.playbooks, knowledge.entries)
    _report(problems)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    print(
        f"{knowledge_dir}: {counted(len(knowledge.entries), 'entry')} in "
        f"{counted(len(knowledge.files), 'file')}; "
        f"{playbooks_dir}: roles, situations, templates, tone rules, solutions, teams, goals, "
        f"retention; {counted(errors, 'error')}, {counted(warnings, 'warning')}"
    )
    return 1 if errors else 0


def cmd_tone(args: argparse.Namespace) -> int:
    from bot.coaching.service import NothingToCheck, check_scorable
    from bot.coaching.tone import check_tone, load_tone_rules

    rules, problems = load_tone_rules(_content_dirs(args, ("playbooks",))[1])
    if any(p.severity == "error" for p in problems):
        _report(problems)
        print("repbot: the tone rules have errors (run `repbot check`)", file=sys.stderr)
        return 1
    for text in _input_lines():
        try:
            check_scorable(text)  # what /tone would not score, this does not either
        except NothingToCheck as unscored:
            if args.json:
                said = {"text": text, "score": None, "not_scored": unscored.words}
                print(json.dumps(said, ensure_ascii=False), flush=True)
            else:
                print(f"  -  {unscored}  <- {text}", flush=True)
            continue
        report = check_tone(text, rules)
        if args.json:
            flags = [
                {"phrase": f.phrase, "why": f.why, "rewrite": f.rewrite, "instead_of": f.instead_of}
                for f in report.flags
            ]
            record = {"text": text, "score": report.score, "flags": flags,
                      "rewritten": report.rewritten}  # fmt: skip
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            phrases = (
                ", ".join(
                    repr(flag.phrase) + (f" ({times} times)" if times > 1 else "")
                    for flag, times in report.phrases()
                )
                or "clean"
            )
            print(f"{report.score:3}  {phrases}  <- {text}", flush=True)
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    knowledge = _valid_knowledge(args)
    if knowledge is None:
        return 1
    if args.top < 1:
        print("repbot: --top must be at least 1", file=sys.stderr)
        return 2
    matcher = Matcher.for_knowledge(knowledge)
    for query in _input_lines():
        result = matcher.match(query, top=args.top)
        matches = [
            {"id": s.entry.id, "question": s.entry.question, "score": round(s.score, 2)}
            for s in result.matches
        ]
        if args.json:
            record = {"query": query, "verdict": result.verdict, "matches": matches}
            print(json.dumps(record, ensure_ascii=False), flush=True)
        else:
            best = ", ".join(f"{m['id']} ({m['score']:.0f})" for m in matches) or "-"
            print(f"{result.verdict:7}  {best}  <- {query}", flush=True)
    return 0


def cmd_knowledge_test(args: argparse.Namespace) -> int:
    knowledge = _valid_knowledge(args)
    if knowledge is None:
        return 1
    try:
        rows = read_questions(args.questions)
    except OSError as error:
        why = _unreadable(args.questions, error)
        print(f"repbot: {why}; give {QUESTIONS_CSV}", file=sys.stderr)
        return 1
    except ValueError as error:  # what is wrong inside the file, by line
        print(f"repbot: {error}", file=sys.stderr)
        return 1
    print(format_report(evaluate(Matcher.for_knowledge(knowledge), rows)))
    return 0


def _store(args: argparse.Namespace, *, may_create: bool = False) -> Store:
    """The database a command works on; Refusal for one it cannot use (said in one line)."""
    from bot.shared.db import open_existing

    if args.db:
        return open_existing(args.db, may_create=may_create)
    load_env_file()
    with setting_named("DATABASE_PATH"):
        return open_existing(Environment().database_path(), may_create=may_create)


def _unreadable(path: Path, error: OSError | UnicodeDecodeError) -> str:
    """Why a file named on the command line cannot be read, in words (not "[Errno 2] ...")."""
    if isinstance(error, UnicodeDecodeError):
        return f"{path} is not UTF-8 text"
    if isinstance(error, FileNotFoundError):
        return f"there is no file {path}"
    if isinstance(error, IsADirectoryError):
        return f"{path} is a folder, not a file"
    if isinstance(error, PermissionError):
        return f"{path} cannot be read by this user"
    return f"cannot read {path}: {error.strerror or error}"


def cmd_customers_import(args: argparse.Namespace) -> int:
    from bot.cases.customers import CSV_COLUMNS
    from bot.cases.service import import_customers

    store = _store(args, may_create=True)
    try:
        result = import_customers(store, args.csv)
    except (OSError, UnicodeDecodeError) as error:  # a bad byte anywhere: nothing imported
        expects = f"give the CRM's CSV (UTF-8) with the columns {','.join(CSV_COLUMNS)}"
        print(f"repbot: {_unreadable(args.csv, error)}; {expects}", file=sys.stderr)
        return 1
    for problem in result.problems:
        print(problem, file=sys.stderr)
    added = f"{result.added} customer{'' if result.added == 1 else 's'}"
    print(f"{added} added, {result.updated} updated")
    return 1 if result.problems else 0


def cmd_customers_export(args: argparse.Namespace) -> int:
    from bot.privacy.service import export, record_export

    store = _store(args)
    exported = export(store, args.customer)
    document = json.dumps(exported, ensure_ascii=False, indent=2) + "\n"
    # Handed over first, recorded after: an output that cannot be written (or a reader gone)
    # is no export, and leaves no audit entry.
    if args.output is None:
        print(document, end="", flush=True)
    else:
        _write_whole(args.output, document, f"{exported['customer']['id'].lower()}.json")
    record_export(store, args.customer, actor=f"cli:{os.environ.get('USER') or 'cli'}")
    if args.output is not None:
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def _write_whole(path: Path, text: str, example_name: str) -> None:
    """`text` into the file `path`, all of it or nothing (a part of a customer's data must not
    be left behind); Refusal saying in words why it cannot be written."""
    temporary = path.with_name(f".{path.name}.partial")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        if not path.parent.is_dir():
            why = f"there is no folder {path.parent}; create it, or give a file in a folder "
            why += "that exists"
        elif path.is_dir():
            why = f"it is a folder; give a file in it, such as {path / example_name}"
        elif isinstance(error, PermissionError):
            why = f"this user may not write in {path.parent}"
        else:
            why = error.strerror or str(error)
        raise Refusal(f"cannot write {path}: {why}") from None


def cmd_customers_erase(args: argparse.Namespace) -> int:
    from bot.cases.audit import verify
    from bot.cases.personal import look_up
    from bot.privacy.service import (
        check_erasable,
        check_reason,
        describe,
        erasure_reason,
        finish_erasure,
    )
    from bot.slack.blocks.privacy import erasure_report
    from bot.slack.erasure import erase_everywhere
    from bot.slack.outbox import Outbox

    reason = erasure_reason(args.reason)
    # A --knowledge that is no folder is said before anything is erased, not passed over after.
    knowledge = _content_dirs(args, ("knowledge",) if args.knowledge else ())[0]
    store = _store(args)
    customer, how = look_up(store, args.customer)
    check_erasable(store, customer)
    check_reason(customer, reason)  # before asking: a yes would be wasted on it
    question = f"Erase {describe(customer)}?"
    if how.guessed:  # a name like the one typed: an erasure cannot wait on a guess being right
        if args.yes:
            raise Refusal(
                f"“{args.customer}” only looks like {describe(customer)}'s name: give their CRM "
                "id or email to erase without being asked"
            )
        question = (
            f"“{args.customer}” looks like {describe(customer)}. Check it is them. {question}"
        )
    if not args.yes and not _confirmed(question, "erase"):
        print("Nothing was erased.")
        return 1
    actor = f"cli:{os.environ.get('USER') or 'cli'}"
    # The updates of the bot's messages about them are queued for repbot's sender (no sender
    # here): a running repbot sends them within seconds, a stopped one when it starts.
    outbox = Outbox(store, None, "erasure")
    erasure, slack = erase_everywhere(outbox, args.customer, actor=actor, reason=args.reason)
    vectors, emptied = finish_erasure(store, erasure, compact=True)
    also = (f"{vectors} cached phrasing vector{'' if vectors == 1 else 's'}",) if vectors else ()
    for file, line in _mentions_in(knowledge, erasure.mentions):
        print(f"{file}:{line}: names the customer; a lead should edit it (repbot never edits it)")
    sending = "A running repbot sends the updates, a stopped one when it starts."
    print("\n".join(erasure_report(erasure, slack, also, sending)))
    if not emptied:
        print(
            "A running repbot kept the write-ahead log busy: it is emptied at its next checkpoint."
        )
    check = verify(store)
    print(check)
    return 0 if check.ok else 1


def _confirmed(question: str, verb: str) -> bool:
    """A yes typed on the terminal; Refusal when there is no terminal to ask on."""
    if not sys.stdin.isatty():
        raise Refusal(f"{verb} cannot be undone: add --yes to {verb} without being asked")
    return input(f"{question} This cannot be undone. Type yes: ").strip().lower() == "yes"


def _mentions_in(folder: Path, mentions: Callable[[str], bool]) -> Iterator[tuple[Path, int]]:
    """Lines of the knowledge files that name someone: a phrasing a lead added from a gap may
    be a customer's question word for word."""
    for path in sorted(folder.rglob("*.yaml")) if folder.is_dir() else []:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if mentions(line):
                yield path, number


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from bot.cases.audit import parse_head, verify

    head = parse_head(args.head) if args.head is not None else None
    check = verify(_store(args), head)
    print(check, file=sys.stdout if check.ok else sys.stderr)
    return 0 if check.ok else 1


def _valid_guide(args: argparse.Namespace) -> Guide | None:
    """The playbooks, or None after printing why they cannot be used."""
    from bot.guide import load_guide

    guide, problems = load_guide(_content_dirs(args, ("playbooks",))[1])
    if guide is None:
        _report(problems)
        print("repbot: the playbooks have errors (run `repbot check`)", file=sys.stderr)
    return guide


def cmd_summary(args: argparse.Namespace) -> int:
    from bot.reporting.export import to_csv, to_markdown
    from bot.reporting.summary import summary_labels
    from bot.reporting.weekly import weekly_summary

    load_env_file()
    read = Environment()
    # All a post needs of Slack's settings, asked for before anything else is done.
    slack = (read.bot_token(), read.api_url()) if args.post else None
    guide = _valid_guide(args)
    if guide is None:
        return 1
    store = _store(args)
    # The FAQ's questions label the top topics (entries a broken file lost read as words),
    # and its matcher groups the unanswered questions by need, as /kb gaps does.
    knowledge = load_knowledge(_content_dirs(args, ("knowledge",))[0])
    labels = summary_labels(knowledge.entries, guide.tone, guide.teams)
    summary = weekly_summary(
        store,
        guide.goals,
        guide.solutions,
        args.week,
        labels,
        # grouping reads questions by their words alone: no sentence encoder to load
        Matcher.for_knowledge(knowledge, encoder=None),
    )
    if slack is None:
        print(to_csv(summary) if args.format == "csv" else to_markdown(summary), end="")
        return 0
    # Only a post needs Slack (and Bolt, and the chart): printing a week never loads them.
    from bot.slack.app import check_slack, web_client
    from bot.slack.outbox import Outbox, Sender
    from bot.slack.weekly import queue_summary

    check_slack(*slack)  # one line when Slack cannot be reached or refuses the token
    channel = guide.roles.channels["management"]  # there is no guide without one
    # Through the outbox like every post, sent here and now (no executor): by hand, each
    # --post is a post of its own.
    outbox = Outbox(store, Sender(web_client(*slack), store), f"summary-by-hand:{uuid.uuid4()}")
    key = f"{outbox.prefix}:{summary.label}"
    with store.transaction():
        queue_summary(outbox, store, guide, summary, channel, key)
    outbox.kick()
    item = outbox.item(f"{key}:post")
    if item is None or item["status"] != "sent":
        why = item["error"] if item else "not queued"
        queued = item is not None and item["status"] == "pending"
        later = "; it stays queued, and a running repbot sends it" if queued else ""
        print(f"repbot: the post did not go through ({why}){later}", file=sys.stderr)
        return 1
    print(f"posted the summary of {summary.label} to {channel}")
    return 0


def cmd_retention_apply(args: argparse.Namespace) -> int:
    from bot.privacy.policy import KINDS
    from bot.privacy.retention import apply

    guide = _valid_guide(args)
    if guide is None:
        return 1
    store = _store(args)
    # The week's top unanswered questions are kept grouped as the summary groups them.
    knowledge = load_knowledge(_content_dirs(args, ("knowledge",))[0])
    counts = apply(
        store, guide.retention, store.clock.now(), args.dry_run,
        tz=guide.goals.schedule.tz, matcher=Matcher.for_knowledge(knowledge, encoder=None),
    )  # fmt: skip
    days = guide.retention.days()
    verb = "would be emptied" if args.dry_run else "emptied"
    for kind, label in KINDS.items():
        print(f"{kind}: {counts[kind]} {verb} (kept {days[kind]} days): {label}")
    total = sum(counts.values())
    records = f"{total} record{'' if total == 1 else 's'}"
    if args.dry_run:
        print(f"dry run: {records} would be handled; nothing was changed")
    elif total:
        print(f"{records} handled; the audit log has a row with these counts")
    else:
        print("nothing past its retention period; nothing changed")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from bot.privacy.purge import purge

    store = _store(args)
    if not args.yes and not _confirmed(
        f"Delete every row of {store.path}, the audit log too?", "purge"
    ):
        print("nothing deleted")
        return 1
    rows = purge(store)
    print(f"purged {store.path}: {rows} rows deleted, the WAL emptied, the file compacted; "
          "repbot starts on it as on a new database")  # fmt: skip
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from bot.runtime import run

    if args.env_file is not None and not args.env_file.exists():  # a typo would go unnoticed
        raise SettingError(f"--env-file {args.env_file}: there is no such file")
    load_env_file(args.env_file or ".env")
    # With several worker processes, the process id tells whose line it is.
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s [%(process)d] %(levelname)s %(name)s: %(message)s",
    )
    settings = read_settings()
    if settings.slack_api_url == SLACK_API_DEFAULT:  # not the emulator, whose team it is
        _warn_of_the_sample_team(settings.playbooks_dir)
    return run(settings)


def _warn_of_the_sample_team(playbooks_dir: Path) -> None:
    """roles.yaml as shipped names the demo's sample people and channels, which Slack's own
    workspaces do not have: leads would never see an approval. Said once at start, in the log."""
    from bot.emulator.team import CHANNELS, TEAM
    from bot.shared.roles import FILE_NAME, load_roles

    roles, _ = load_roles(playbooks_dir)  # its problems are the content check's, later
    sample = {m.id for m in TEAM} | set(CHANNELS)
    named = sorted({*roles.by_user, *roles.channels.values()} & sample)
    if named:
        logging.getLogger(__name__).warning(
            "%s still names the demo's sample team and channels (%s): put your team's member "
            "ids and channel ids there (the README's 'Connecting to a real Slack workspace', "
            "step 4), or approvals, callbacks and the weekly summary go to no one",
            playbooks_dir / FILE_NAME,
            ", ".join(named),
        )


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    knowledge_dir, playbooks_dir = _content_dirs(args, ("knowledge", "playbooks"))
    if args.db is not None:
        # The database given is DATABASE_PATH for this run, as for `repbot run`: the semantic
        # tier keeps its phrasing vector cache beside it (bot/faq/semantic.py), where an
        # erasure or a purge with the same --db finds it. The other commands that take --db
        # load no encoder, and find the cache beside the database they open.
        os.environ["DATABASE_PATH"] = str(args.db)
    return run_demo(
        knowledge_dir,
        playbooks_dir,
        db_path=args.db,
        script=args.script,
        start=args.start,
        notifications=args.notifications,
    )


if __name__ == "__main__":
    sys.exit(main())

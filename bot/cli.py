"""`repbot run | demo | check | match`: the command line mirrors the library."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from bot.config import SettingError, load_env_file, read_settings
from bot.core.knowledge import Knowledge, load_knowledge
from bot.core.matching import Matcher


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="repbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="connect to Slack (Socket Mode or HTTP) and serve")
    run.add_argument("--env-file", default=".env", help="settings file (default: .env)")
    run.set_defaults(handler=cmd_run)

    demo = commands.add_parser("demo", help="a local Slack and the bot, driven from the terminal")
    demo.add_argument("--script", type=Path, help="play the lines of FILE and print a transcript")
    demo.add_argument("--db", type=Path, help="database to use (default: a fresh temporary one)")
    demo.add_argument("--knowledge", type=Path, help="knowledge directory (default: KNOWLEDGE_DIR)")
    demo.set_defaults(handler=cmd_demo)

    check = commands.add_parser("check", help="validate knowledge/ and print every problem")
    check.add_argument(
        "--knowledge", type=Path, help="knowledge directory (default: KNOWLEDGE_DIR)"
    )
    check.set_defaults(handler=cmd_check)

    match = commands.add_parser(
        "match", help="match questions from standard input, one per line, against the FAQ"
    )
    match.add_argument(
        "--knowledge", type=Path, help="knowledge directory (default: KNOWLEDGE_DIR)"
    )
    match.add_argument("--top", type=int, default=3, help="matches per question (default: 3)")
    match.add_argument("--json", action="store_true", help="one JSON object per line")
    match.set_defaults(handler=cmd_match)

    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except SettingError as error:
        print(f"repbot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader stopped early (`repbot match ... | head`); Python must not complain
        # again when it flushes standard output at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _knowledge_dir(args: argparse.Namespace) -> Path:
    if args.knowledge is not None:
        return args.knowledge
    load_env_file()
    return read_settings(need_slack=False).knowledge_dir


def _report(knowledge: Knowledge) -> None:
    for problem in knowledge.problems:
        print(problem, file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    directory = _knowledge_dir(args)
    knowledge = load_knowledge(directory)
    _report(knowledge)
    errors = len(knowledge.errors)
    warnings = len(knowledge.problems) - errors
    print(
        f"{directory}: {len(knowledge.entries)} entries in {len(knowledge.files)} files, "
        f"{errors} errors, {warnings} warnings"
    )
    return 1 if errors else 0


def cmd_match(args: argparse.Namespace) -> int:
    knowledge = load_knowledge(_knowledge_dir(args))
    if knowledge.errors:
        _report(knowledge)
        print("repbot: the knowledge base has errors (run `repbot check`)", file=sys.stderr)
        return 1
    if args.top < 1:
        print("repbot: --top must be at least 1", file=sys.stderr)
        return 2
    matcher = Matcher(knowledge.entries)
    for line in sys.stdin:
        query = line.rstrip("\n")
        if not query.strip():
            continue
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


def cmd_run(args: argparse.Namespace) -> int:
    from bot.runtime import run

    load_env_file(args.env_file)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return run(read_settings())


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    load_env_file()
    return run_demo(knowledge_dir=_knowledge_dir(args), db_path=args.db, script=args.script)


if __name__ == "__main__":
    sys.exit(main())

"""How well /tone tells hurtful phrasing from clean: precision and recall on
tests/data/tone_sentences.csv, where a sentence counts as flagged when check_tone finds any
phrase in it. Prints both, then every miss; exits 1 when either is below 0.9. Run:

    .venv/bin/python scripts/tone_quality.py [--playbooks playbooks] [--data FILE]
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

from bot.core.tone import ToneRules, check_tone, load_tone_rules

ROOT = Path(__file__).resolve().parent.parent
BAR = 0.9


@dataclass(frozen=True)
class Quality:
    precision: float
    recall: float
    false_positives: list[tuple[str, str]]  # clean sentences flagged, with what was flagged
    false_negatives: list[tuple[str, str]]  # sentences to flag that passed, with the category


def measure(rules: ToneRules, data: Path) -> Quality:
    with data.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    true_positives = 0
    false_positives: list[tuple[str, str]] = []
    false_negatives: list[tuple[str, str]] = []
    for row in rows:
        flags = check_tone(row["text"], rules).flags
        if row["label"] == "flag" and flags:
            true_positives += 1
        elif row["label"] == "flag":
            false_negatives.append((row["text"], row["category"]))
        elif flags:
            found = ", ".join(f"{flag.phrase!r} ({flag.rule})" for flag in flags)
            false_positives.append((row["text"], found))
    flagged = true_positives + len(false_positives)
    to_flag = true_positives + len(false_negatives)
    precision = true_positives / flagged if flagged else 1.0
    recall = true_positives / to_flag if to_flag else 1.0
    return Quality(precision, recall, false_positives, false_negatives)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--playbooks", type=Path, default=ROOT / "playbooks")
    parser.add_argument("--data", type=Path, default=ROOT / "tests/data/tone_sentences.csv")
    args = parser.parse_args()
    rules, problems = load_tone_rules(args.playbooks)
    for problem in problems:
        print(problem, file=sys.stderr)
    if any(problem.severity == "error" for problem in problems):
        return 1
    quality = measure(rules, args.data)
    print(f"precision {quality.precision:.3f}  recall {quality.recall:.3f}  (bar {BAR})")
    for text, found in quality.false_positives:
        print(f"  flagged but clean: {text}  <- {found}")
    for text, category in quality.false_negatives:
        print(f"  missed ({category}): {text}")
    return 0 if quality.precision >= BAR and quality.recall >= BAR else 1


if __name__ == "__main__":
    sys.exit(main())

"""Write a synthetic knowledge base of any size, for the benchmarks (never shipped data).

The shipped FAQ (knowledge/), grown with `bench_match.grow` (clones with words of their own
and perturbed phrasings) to the number of entries asked for, in one YAML file as leads write
them, with the shipped synonyms. Run:

    .venv/bin/python scripts/make_faq.py 10000 /tmp/faq-10000
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_match import grow  # noqa: E402

from bot.faq.knowledge import SYNONYMS_FILE, load_valid_knowledge  # noqa: E402


def write_faq(size: int, directory: Path) -> Path:
    """`directory`, made to hold a knowledge base of `size` entries (and the synonyms)."""
    starter = load_valid_knowledge(ROOT / "knowledge").entries
    directory.mkdir(parents=True, exist_ok=True)
    rows = [
        {"id": e.id, "question": e.question, "variants": list(e.variants), "answer": e.answer}
        for e in grow(starter, size)
    ]
    (directory / "faq.yaml").write_text(yaml.safe_dump(rows, sort_keys=False, width=1000))
    shutil.copy(ROOT / "knowledge" / SYNONYMS_FILE, directory / SYNONYMS_FILE)
    return directory


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("entries", type=int)
    parser.add_argument("directory", type=Path)
    args = parser.parse_args()
    write_faq(args.entries, args.directory)
    print(f"{args.entries} entries in {args.directory}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`repbot check` and `repbot match`, as a team lead runs them."""

import json
import subprocess
import sys
from pathlib import Path

KNOWLEDGE = Path(__file__).parent.parent / "knowledge"


def repbot(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_passes_the_shipped_knowledge_base():
    done = repbot("check", "--knowledge", str(KNOWLEDGE))
    assert done.returncode == 0
    assert "0 errors" in done.stdout


def test_check_prints_every_problem_with_file_and_line_and_exits_1(tmp_path):
    bad = tmp_path / "faq.yaml"
    bad.write_text("- id: a\n  question: Q?\n  answer: ''\n- question: R?\n  answer: S\n")
    done = repbot("check", "--knowledge", str(tmp_path))
    assert done.returncode == 1
    assert f"{bad}:3: error: entry 'a': empty answer" in done.stderr
    assert f"{bad}:4: error: missing id" in done.stderr
    assert "2 errors" in done.stdout


def test_match_writes_one_json_object_per_question():
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


def test_match_refuses_a_broken_knowledge_base(tmp_path):
    (tmp_path / "faq.yaml").write_text("- id: a\n  question: [\n")
    done = repbot("match", "--knowledge", str(tmp_path), "--json", stdin="hello\n")
    assert done.returncode == 1
    assert "faq.yaml:" in done.stderr

"""The README's examples do what they show: its demo transcripts are played, in order, as one
demo session (`repbot demo --script`), and every line a transcript shows must be in what the
demo printed for that command, in the same order ("..." stands for text left out). The
commands it gives as examples in its text (`/case C-1003`) are played after them, by a lead,
and none may be answered with its usage, an unknown case or an error."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.emulator.team import TEAM
from bot.slack.ids import Command

ROOT = Path(__file__).parent.parent
DEMO_START = "2026-11-30T22:30"  # when the README's transcripts were played: the times they show
PROMPT = re.compile(rf"^({'|'.join(m.name for m in TEAM)})> (.+)$")


@dataclass
class Step:
    """A line typed at the demo's prompt, and the lines the README shows it printing."""

    user: str
    line: str
    shown: list[str] = field(default_factory=list)


def readme_steps(markdown: str) -> list[Step]:
    """The steps of every ```text block that shows a demo prompt (`ana> /faq ...`)."""
    steps: list[Step] = []
    for block in re.findall(r"```text\n(.*?)```", markdown, flags=re.DOTALL):
        step = None
        for line in block.splitlines():
            prompt = PROMPT.match(line)
            if prompt:
                step = Step(*prompt.groups())
                steps.append(step)
            elif step and line.strip() and line.strip() != "...":
                step.shown.append(line.strip())
    return steps


def inline_examples(markdown: str) -> list[str]:
    """The whole commands the README's text gives as examples (`/case C-1003`), without the
    ones that only show a command's form (`/followup <when> <what> [case]`, `/note C-1003 ...`)."""
    markdown = re.sub(r"```.*?```", "", markdown, flags=re.DOTALL)
    examples = []
    for span in re.findall(r"`([^`]+)`", markdown):
        line = " ".join(span.split())
        command, _, rest = line.partition(" ")
        if command in set(Command) and rest and not re.search(r"[<\[]|\.\.\.", rest):
            examples.append(line)
    return examples


# What the bot says to a command it could not carry out as asked.
NOT_DONE = ("Usage:", "There is no ", "Something went wrong", "! ")


def printed_per_step(transcript: str) -> list[tuple[str, list[str]]]:
    """The demo's transcript as (the prompt line, the lines it printed after it), without the
    `as NAME` lines the script adds to switch users."""
    printed: list[tuple[str, list[str]]] = []
    lines: list[str] = []  # where the current prompt's output goes
    for line in transcript.splitlines():
        prompt = PROMPT.match(line)
        if prompt:
            lines = []
            if not prompt[2].startswith("as "):
                printed.append((line, lines))
        elif line.strip():
            lines.append(line.strip())
    return printed


def shows(expected: str, printed: str) -> bool:
    pattern = ".*".join(re.escape(part.strip()) for part in expected.split("..."))
    return re.fullmatch(pattern, printed) is not None


def missing_lines(step: Step, printed: list[str]) -> list[str]:
    """The lines the README shows for the step that the demo did not print, in order."""
    missing, at = [], 0
    for expected in step.shown:
        found = next((i for i in range(at, len(printed)) if shows(expected, printed[i])), None)
        if found is None:
            missing.append(expected)
        else:
            at = found + 1
    return missing


def test_the_parser_reads_a_transcript_block_and_examples_in_the_text():
    markdown = (
        "x\n```text\nana> /faq hi\n  *Hello* ...\n  ...\nlee> home\n```\n`ana> no` `/case C-1\n"
        "`, `/note C-1 ...`, `/followup <when> <what>`, `/faq`, `/nope x`\n"
    )
    steps = readme_steps(markdown)
    assert steps == [Step("ana", "/faq hi", ["*Hello* ..."]), Step("lee", "home")]
    assert inline_examples(markdown) == ["/case C-1"]
    assert missing_lines(steps[0], ["#support:", "*Hello* there"]) == []
    assert missing_lines(steps[0], ["*Hell* there"]) == ["*Hello* ..."]


def test_every_demo_transcript_in_the_readme_does_what_it_shows(repbot, tmp_path, tier):
    steps = readme_steps((ROOT / "README.md").read_text())
    assert len(steps) >= 30, "the README shows its features as demo transcripts"
    examples = inline_examples((ROOT / "README.md").read_text())
    assert len(examples) >= 10, "the README's text gives whole commands as examples"
    script, user = [], "ana"
    for step in [*steps, *(Step("lee", example) for example in examples)]:
        if step.user != user:
            script.append(f"as {step.user}")
            user = step.user
        script.append(step.line)
    (tmp_path / "readme.txt").write_text("\n".join(script) + "\n")

    done = repbot("demo", "--start", DEMO_START, "--script", str(tmp_path / "readme.txt"))

    assert done.returncode == 0, done.stderr
    printed = printed_per_step(done.stdout)
    transcripts, played_examples = printed[: len(steps)], printed[len(steps) :]
    assert [line for line, _ in transcripts] == [f"{s.user}> {s.line}" for s in steps]
    unlike = {
        f"{step.user}> {step.line}": missing
        for step, (_, lines) in zip(steps, transcripts, strict=True)
        if (missing := missing_lines(step, lines))
    }
    assert unlike == {}, "README examples that show what the demo does not print"
    assert [line for line, _ in played_examples] == [f"lee> {e}" for e in examples]
    not_done = {
        line: said
        for line, lines in played_examples
        if (said := [text for text in lines if text.startswith(NOT_DONE)]) or not lines
    }
    assert not_done == {}, "examples in the README's text that the bot could not carry out"

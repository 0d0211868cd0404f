"""The README's examples do what they show: its demo transcripts are played, in order, as one
demo session (`repbot demo --script`), and every line a transcript shows must be in what the
demo printed for that command, in the same order ("..." stands for text left out)."""

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.emulator.team import TEAM

ROOT = Path(__file__).parent.parent
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


def test_the_parser_reads_a_transcript_block():
    markdown = "x\n```text\nana> /faq hi\n  *Hello* ...\n  ...\nlee> home\n```\n`ana> no`\n"
    steps = readme_steps(markdown)
    assert steps == [Step("ana", "/faq hi", ["*Hello* ..."]), Step("lee", "home")]
    assert missing_lines(steps[0], ["#support:", "*Hello* there"]) == []
    assert missing_lines(steps[0], ["*Hell* there"]) == ["*Hello* ..."]


def test_every_demo_transcript_in_the_readme_does_what_it_shows(repbot, tmp_path):
    steps = readme_steps((ROOT / "README.md").read_text())
    assert len(steps) >= 30, "the README shows its features as demo transcripts"
    script, user = [], "ana"
    for step in steps:
        if step.user != user:
            script.append(f"as {step.user}")
            user = step.user
        script.append(step.line)
    (tmp_path / "readme.txt").write_text("\n".join(script) + "\n")

    done = repbot("demo", "--script", str(tmp_path / "readme.txt"))

    assert done.returncode == 0, done.stderr
    printed = printed_per_step(done.stdout)
    assert [line for line, _ in printed] == [f"{s.user}> {s.line}" for s in steps]
    unlike = {
        f"{step.user}> {step.line}": missing
        for step, (_, lines) in zip(steps, printed, strict=True)
        if (missing := missing_lines(step, lines))
    }
    assert unlike == {}, "README examples that show what the demo does not print"

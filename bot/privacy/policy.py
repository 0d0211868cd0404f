"""playbooks/retention.yaml: how many days each kind of personal data is kept (see the file's
own comments for what each kind covers)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from pydantic import ConfigDict, Field

from bot.shared.content import Problem, Shape, load_shape

FILE_NAME = "retention.yaml"

# Each kind with what it covers, as `repbot retention apply` prints it.
KINDS = {
    "faq_questions": "FAQ question texts",
    "drafts": "drafts (the customer's words and the reply)",
    "tone_checks": "tone checks (reps' texts)",
    "closed_cases": "closed cases' texts (topic, notes, promises, redirect notes, reasons)",
}


@dataclass(frozen=True)
class RetentionPolicy:
    """Days each kind is kept; the defaults are those the shipped file sets."""

    faq_questions: int = 90
    drafts: int = 180
    tone_checks: int = 60
    closed_cases: int = 730

    def days(self) -> dict[str, int]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


# A text is needed after its day only for the gaps list (questions), the draft's buttons
# (drafts) and the case history (cases), so those keep at least a day; a tone check is done
# once it is answered, so 0 (removed at the next daily run) is allowed.
_AT_LEAST_A_DAY = Field(ge=1, description="a whole number of days, 1 or more")


class RetentionFile(Shape):
    model_config = ConfigDict(title="kind")

    faq_questions: int = _AT_LEAST_A_DAY
    drafts: int = _AT_LEAST_A_DAY
    tone_checks: int = Field(ge=0, description="a whole number of days, 0 or more")
    closed_cases: int = _AT_LEAST_A_DAY


def load_retention(playbooks_dir: str | Path) -> tuple[RetentionPolicy, list[Problem]]:
    """The periods of playbooks/retention.yaml, and a problem (file:line) for each thing wrong
    with it. Without the file: the defaults, with a warning; with errors: the defaults too,
    which the guide never uses, since an error keeps it from loading."""
    path = Path(playbooks_dir) / FILE_NAME
    if not path.is_file():
        return RetentionPolicy(), [
            Problem(str(path), 0, "file not found: the default retention periods apply", "warning")
        ]
    problems: list[Problem] = []
    loaded = load_shape(path, RetentionFile, problems)
    if loaded is None:
        return RetentionPolicy(), problems
    return RetentionPolicy(**loaded[0].model_dump()), problems

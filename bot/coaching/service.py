"""The writing coach: can-do drafts from the playbooks and tone checks of a rep's own words,
with the playbooks (and roles) reloaded in place when leads edit them."""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.cases.solutions import SolutionPolicy, load_solution_policy
from bot.coaching import queries as coaching_db
from bot.coaching.drafts import Draft, draft_reply
from bot.coaching.playbooks import Playbooks, load_playbooks
from bot.coaching.tone import ToneReport, ToneRules, check_tone, load_tone_rules
from bot.faq.knowledge import Entry
from bot.followups.redirects import Team, load_teams
from bot.reporting.summary import Goals, load_goals
from bot.shared.clock import iso
from bot.shared.content import Problem
from bot.shared.db import Store
from bot.shared.roles import Roles, load_roles

PLAYBOOK_SUFFIXES = (".yaml", ".yml", ".j2")


@dataclass(frozen=True)
class Guide:
    """One loaded version of the playbooks directory, replaced whole on reload."""

    roles: Roles
    playbooks: Playbooks
    tone: ToneRules
    solutions: SolutionPolicy
    teams: dict[str, Team]  # /redirect targets, by id
    signature: tuple
    goals: Goals = Goals()  # the weekly summary's schedule and experience goals


def playbooks_signature(directory: Path) -> tuple:
    """Changes whenever a playbook file is added, removed or edited."""
    signature = []
    for path in sorted(directory.rglob("*")):
        if path.suffix in PLAYBOOK_SUFFIXES and path.is_file():
            stat = path.stat()
            signature.append((str(path), stat.st_mtime_ns, stat.st_size))
    return tuple(signature)


def load_guide(directory: Path) -> tuple[Guide | None, list[Problem]]:
    """Everything under playbooks/, with every problem; no guide when any is an error."""
    signature = playbooks_signature(directory)
    roles, problems = load_roles(directory)
    playbooks, playbook_problems = load_playbooks(directory)
    tone, tone_problems = load_tone_rules(directory)
    # Without situations (their file has errors) solutions cannot be checked against them.
    situations = {s.id for s in playbooks.situations} or None
    if situations and playbooks.fallback:
        situations.add(playbooks.fallback.id)
    solutions, solution_problems = load_solution_policy(directory, situations)
    teams, team_problems = load_teams(directory)
    goals, goal_problems = load_goals(directory)
    problems = problems + playbook_problems + tone_problems + solution_problems + team_problems
    problems += goal_problems
    if any(p.severity == "error" for p in problems):
        return None, problems
    return Guide(roles, playbooks, tone, solutions, teams, signature, goals), problems


@dataclass(frozen=True)
class Drafted:
    draft_id: int
    draft: Draft
    tone: ToneReport


class Coach:
    def __init__(self, playbooks_dir: Path, guide: Guide, store: Store) -> None:
        self.playbooks_dir = Path(playbooks_dir)
        self.store = store
        self._guide = guide
        self._tried = guide.signature
        self._reloading = threading.Lock()

    @property
    def guide(self) -> Guide:
        return self._guide

    def reload(self, *, force: bool = False) -> list[Problem] | None:
        """Read the playbooks again if they changed (or if forced); returns their problems, or
        None when nothing changed. With errors, the last good guide stays in service."""
        with self._reloading:
            signature = playbooks_signature(self.playbooks_dir)
            if not force and signature == self._tried:
                return None
            guide, problems = load_guide(self.playbooks_dir)
            self._tried = signature
            if guide is not None:
                self._guide = guide
            return problems

    def draft(
        self,
        message: str,
        *,
        user_id: str,
        entry: Entry | None,
        now: datetime,
        tz: ZoneInfo,
        customer_name: str | None = None,
        case_id: str | None = None,
        style: str = "standard",
        version: int = 0,
        synonyms: Mapping[str, Sequence[str]] | None = None,
        request_key: str | None = None,
    ) -> Drafted:
        """Write a draft, check its tone, and store both; raises CannotDraft for text it cannot
        work with (its message is for the rep)."""
        guide = self._guide
        draft = draft_reply(
            guide.playbooks, message, entry=entry, now=now, tz=tz, customer_name=customer_name,
            case_id=case_id, style=style, version=version, synonyms=synonyms,
        )  # fmt: skip
        tone = check_tone(draft.text, guide.tone)
        draft_id = coaching_db.record_draft(self.store,
            {
                "user_id": user_id, "case_id": case_id, "customer_name": customer_name,
                "message": message, "entry_id": entry.id if entry else None,
                "situation": draft.situation, "emotion": draft.emotion, "style": style,
                "version": version, "text": draft.text, "due_at": iso(draft.due),
                "tone_score": tone.score,
            },
            request_key,
        )  # fmt: skip
        return Drafted(draft_id, draft, tone)

    def check(self, text: str, *, user_id: str, request_key: str | None = None) -> ToneReport:
        report = check_tone(text, self._guide.tone)
        coaching_db.record_tone_check(
            self.store,
            user_id,
            text,
            report.score,
            [flag.rule for flag in report.flags],
            request_key,
        )
        return report

"""/kb gaps | /kb reload | /kb try: team leads curate the FAQ from what the floor asks, put
their edits to knowledge/ and playbooks/ into service, and try a question as /faq answers it."""

from slack_bolt import Ack, Respond

from bot.faq.gaps import find_gaps
from bot.services import Services
from bot.slack.access import may_use
from bot.slack.blocks import kb as kb_blocks
from bot.slack.boundary import Listeners
from bot.slack.ids import Command

SUBCOMMANDS = ("gaps", "reload", "try")


def _subcommand(command: dict, services: Services) -> str | None:
    """The subcommand to run, or None when the user may not or did not say one."""
    words = command.get("text", "").split()
    wanted = words[0].lower() if words else ""
    allowed = may_use(services.roles, command.get("user_id", ""), Command.KB)
    return wanted if allowed and wanted in SUBCOMMANDS else None


def acknowledge(ack: Ack, command: dict, services: Services) -> None:
    if not may_use(services.roles, command.get("user_id", ""), Command.KB):
        ack(response_type="ephemeral", **kb_blocks.not_allowed())
    elif (subcommand := _subcommand(command, services)) is None:
        ack(response_type="ephemeral", **kb_blocks.usage())
    elif subcommand == "try":
        # Matching takes milliseconds and nothing is recorded: the answer rides on the ack.
        asked = command.get("text", "").strip()[len(subcommand) :].strip()
        if not asked:
            ack(response_type="ephemeral", **kb_blocks.try_usage())
        else:
            ack(response_type="ephemeral", **kb_blocks.trial(asked, services.faq.trial(asked)))
    else:
        ack()  # the work can take longer than Slack waits; the answer follows


def run(command: dict, respond: Respond, services: Services) -> None:
    subcommand = _subcommand(command, services)
    if subcommand == "gaps":
        gaps = find_gaps(services.store, services.faq.edition, services.store.clock.now())
        respond(response_type="ephemeral", **kb_blocks.gaps_list(gaps))
    elif subcommand == "reload":
        knowledge = services.faq.reload(force=True)
        playbook_problems = services.playbooks.reload(force=True)
        message = kb_blocks.joined(
            kb_blocks.knowledge_reload(knowledge, len(services.faq.entries)),
            kb_blocks.playbooks_reload(playbook_problems),
        )
        respond(response_type="ephemeral", **message)


def register(app: Listeners) -> None:
    app.command(Command.KB)(ack=acknowledge, lazy=[run])

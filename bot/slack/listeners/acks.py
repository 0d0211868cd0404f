"""Acknowledgements shared by listeners whose work happens in lazy listeners."""

from slack_bolt import Ack


def acknowledge(ack: Ack) -> None:
    """Tell Slack the request arrived; the lazy listener does the work and answers."""
    ack()

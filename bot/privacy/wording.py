"""How an erased customer reads wherever repbot shows them, from the erasure on: on their
record, in their case cards and redirect packets, in the texts that named them, in the CLI's
and the modal's report and in the bot's messages in Slack rewritten for them. One wording, with
their random reference (also in the audit log and the export), so a rep or a lead reading two
erased customers tells them apart, and nothing leads back to the person."""

from __future__ import annotations

ERASED_WORDS = "[erased]"  # what their own words (topics, notes, reasons, promises) read


def erased_customer(ref: str) -> str:
    """The customer whose reference is `ref`, once erased: "Erased customer P-950a29587e7e"."""
    return f"Erased customer {ref}"

"""The audit log's hashing, shared by the log (bot/cases/audit.py) and the schema step that
moved personal data out of it (bot/shared/migrations.py).

A row's hash covers its id, time, actor, action, subject and details, and the digest of its
personal part when it has one. The personal part itself (a customer's words, a free-text
reason) is kept beside the chain, under a random salt: erasing it leaves the digest, which
without the salt cannot be checked against a guess, and the chain still verifies."""

from __future__ import annotations

import hashlib
import json
import secrets

GENESIS = "0" * 64  # the "previous hash" of the first row


def canonical(value: dict) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_hash(prev_hash: str, row_id: int, at: str, actor: str, action: str, subject: str,
             details: dict, personal: str | None) -> str:  # fmt: skip
    row = {"id": row_id, "at": at, "actor": actor, "action": action, "subject": subject,
           "details": details}  # fmt: skip
    if personal is not None:  # rows without a personal part hash as they always did
        row["personal"] = personal
    return hashlib.sha256((prev_hash + canonical(row)).encode("utf-8")).hexdigest()


def new_salt() -> str:
    return secrets.token_hex(16)


def personal_digest(salt: str, data: dict) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + canonical(data).encode("utf-8")).hexdigest()

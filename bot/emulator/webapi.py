"""The Web API methods of the fake Slack (bot/emulator/server.py), as Slack answers them:
the same arguments, the same errors, Slack's limits on what a message or view may hold."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from bot.emulator.limits import check_message, check_view
from bot.emulator.team import APP_ID, BOT_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID, Member, channel_id

# What files.completeUploadExternal's channel_id must look like (Slack's own check).
CONVERSATION_ID = re.compile(r"^[CGDZ][A-Z0-9]{8,}$")

TRIGGER_LIFETIME = 3.0  # seconds
HISTORY_LIMIT_DEFAULT = 100
HISTORY_LIMIT_MAX = 999

Json = dict[str, Any]


def with_block_ids(blocks: list[Json]) -> list[Json]:
    """Copies of `blocks` with the block_id / action_id that Slack adds where the app left
    them out, so interaction payloads can name them as Slack would."""
    result = []
    for index, original in enumerate(blocks):
        block = copy.deepcopy(original)
        block.setdefault("block_id", _short_hash(index, block))
        elements = list(block.get("elements", [])) if block.get("type") == "actions" else []
        elements += [block[key] for key in ("accessory", "element") if key in block]
        for n, element in enumerate(elements):
            if element.get("type") != "image":
                element.setdefault("action_id", _short_hash(n, element))
        result.append(block)
    return result


def _short_hash(index: int, value: Any) -> str:
    text = f"{index}:{json.dumps(value, sort_keys=True)}"
    return hashlib.sha1(text.encode()).hexdigest()[:6]


def slack_error(error: str) -> Json:
    return {"ok": False, "error": error}


def missing_argument(name: str) -> Json:
    # What Slack answers when a required argument is absent on the newer methods.
    return {
        "ok": False,
        "error": "invalid_arguments",
        "response_metadata": {"messages": [f"[ERROR] missing required field: {name}"]},
    }


def _is_true(value: Any) -> bool:
    # slack_sdk sends booleans in query strings as "1" / "0"; JSON bodies send true / false.
    return str(value).lower() in ("1", "true")


def message_metadata(body: Json) -> tuple[Json | None, Json | None]:
    """The message metadata in `body` (None if there is none) and Slack's error, if any."""
    metadata = body.get("metadata")
    if metadata in (None, ""):
        return None, None
    if isinstance(metadata, str):  # form bodies carry it as a JSON string
        try:
            metadata = json.loads(metadata)
        except ValueError:
            return None, slack_error("invalid_metadata_format")
    if (
        not isinstance(metadata, dict)
        or not isinstance(metadata.get("event_type"), str)
        or not metadata["event_type"]
        or not isinstance(metadata.get("event_payload"), dict)
    ):
        return None, slack_error("invalid_metadata_schema")
    return {"event_type": metadata["event_type"], "event_payload": metadata["event_payload"]}, None


def _cursor(ts: str) -> str:
    return base64.b64encode(f"next_ts:{ts}".encode()).decode()


def _cursor_ts(cursor: str) -> float | None:
    try:
        return float(base64.b64decode(cursor).decode().removeprefix("next_ts:"))
    except ValueError:
        return None


def _checked(body: Json) -> tuple[Json | None, Json | None]:
    """A message to post or update: (its metadata, None) if Slack takes it, else (None, the
    refusal Slack answers with): limits first, then the metadata's shape."""
    refused = check_message(body)
    return (None, refused) if refused is not None else message_metadata(body)


class WebApiMethods:
    """FakeSlack's methods named after Slack's (`_chat_post_message` is chat.postMessage);
    they read and change the workspace state that FakeSlack keeps, declared here."""

    clock: Callable[[], float]
    members: Sequence[Member]
    channels: dict[str, str]  # id -> name
    archived: set[str]  # channel ids
    left: set[str]  # channel ids the bot was removed from
    deactivated: set[str]  # user ids
    files: dict[str, Json]  # uploaded files by id: name, title, content, channel
    upload_base: str  # where files are uploaded to, once the server listens
    _messages: dict[tuple[str, str], Json]  # (channel, ts) -> message
    _views: dict[str, Json]
    _dms: dict[tuple[str, ...], str]
    _counter: Iterator[int]
    _cond: threading.Condition

    def new_ts(self) -> str:
        """A message timestamp, unique in this fake, as Slack gives every message."""
        return f"{int(self.clock())}.{next(self._counter):06d}"

    def open_view(self, spec: Json, replacing: str | None = None) -> Json:
        """Store a view that Slack itself opens or updates for the app (a view_submission ack
        with response_action "push" or "update"), so later views.update calls find it."""
        with self._cond:
            old = self._views.get(replacing or "")
            if old is not None:
                return self._new_view(spec, old["id"], old["root_view_id"])
            return self._new_view(spec, f"V{next(self._counter):09d}")

    def _member(self, user_id: Any) -> Member | None:
        # Slack's methods take user ids, never names.
        return next((m for m in self.members if m.id == user_id), None)

    def dm_reader(self, channel: str) -> str | None:
        """The one person who reads a direct message channel with the bot, if it is one."""
        with self._cond:
            members = next((m for m, dm in self._dms.items() if dm == channel), None)
        return members[0] if members and len(members) == 1 else None

    def _channel(self, value: Any) -> str | None:
        """The channel id Slack would post to: a known channel (by id or name), an open DM,
        or a member's DM when given a user id."""
        value = str(value or "")
        if value in self._dms.values():
            return value
        if self._member(value) is not None:
            return self._dm_for((value,))
        try:
            return channel_id(value, self.channels)
        except KeyError:
            return None

    def _postable(self, body: Json) -> str | Json:
        """The channel a post or an update names (a channel id, or a member's for their DM), or
        Slack's refusal: no such channel, archived, the bot removed from it, or the DM of a
        deactivated member."""
        given = body.get("channel")
        channel = self._channel(given)
        if channel is None:
            return slack_error("channel_not_found")
        if str(given) in self.deactivated:
            return slack_error("user_disabled")
        if channel in self.archived or self.dm_reader(channel) in self.deactivated:
            return slack_error("is_archived")
        if channel in self.left:
            return slack_error("not_in_channel")
        return channel

    def _dm_for(self, user_ids: tuple[str, ...]) -> str:
        key = tuple(sorted(user_ids))
        if key not in self._dms:
            self._dms[key] = f"D{len(self._dms) + 1:09d}"
        return self._dms[key]

    def _message(self, body: Json, ts: str, metadata: Json | None = None) -> Json:
        message: Json = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "team": TEAM_ID,
            "text": body.get("text", ""),
            "ts": ts,
        }
        if body.get("blocks"):
            message["blocks"] = with_block_ids(body["blocks"])
        if body.get("thread_ts"):
            message["thread_ts"] = str(body["thread_ts"])
        if metadata is not None:
            message["metadata"] = metadata
        return message

    def _new_view(self, spec: Json, view_id: str, root_view_id: str | None = None) -> Json:
        view: Json = {
            "id": view_id,
            "team_id": TEAM_ID,
            "type": spec.get("type", "modal"),
            "title": spec.get("title"),
            "submit": spec.get("submit"),
            "close": spec.get("close"),
            "blocks": with_block_ids(spec.get("blocks", [])),
            "private_metadata": spec.get("private_metadata", ""),
            "callback_id": spec.get("callback_id", ""),
            "external_id": spec.get("external_id", ""),
            "clear_on_close": spec.get("clear_on_close", False),
            "notify_on_close": spec.get("notify_on_close", False),
            "state": {"values": {}},
            "hash": f"{int(self.clock())}.{secrets.token_hex(4)}",
            "root_view_id": root_view_id or view_id,
            "previous_view_id": None,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
        }
        self._views[view_id] = view
        return view

    # --- the Web API methods ---------------------------------------------------------------

    def _auth_test(self, body: Json) -> Json:
        return {
            "ok": True,
            "url": f"https://{TEAM_DOMAIN}.slack.com/",
            "team": "Repbot Demo",
            "user": "repbot",
            "team_id": TEAM_ID,
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _chat_post_message(self, body: Json) -> Json:
        channel = self._postable(body)
        if not isinstance(channel, str):
            return channel
        metadata, refused = _checked(body)
        if refused is not None:
            return refused
        message = self._message(body, self.new_ts(), metadata)
        self._messages[(channel, message["ts"])] = message
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    def _chat_post_ephemeral(self, body: Json) -> Json:
        channel = self._postable(body)
        if not isinstance(channel, str):
            return channel
        if self._member(body.get("user")) is None:
            return slack_error("user_not_in_channel")
        return check_message(body) or {"ok": True, "message_ts": self.new_ts()}

    def replace_message(self, channel: str, ts: str, body: Json) -> None:
        """A message replaced through a response URL (replace_original): Slack changes it for
        everyone, so conversations.history shows the new one, its metadata kept."""
        old = self._messages.get((channel, ts))
        if old is not None:
            self._messages[(channel, ts)] = self._message(body, ts, old.get("metadata"))

    def _chat_update(self, body: Json) -> Json:
        channel = self._postable(body)
        if not isinstance(channel, str):
            return channel
        ts = str(body.get("ts", ""))
        old = self._messages.get((channel, ts))
        if old is None:
            return slack_error("message_not_found")
        metadata, refused = _checked(body)
        if refused is not None:
            return refused
        message = self._message(body, ts, metadata or old.get("metadata"))
        self._messages[(channel, ts)] = message
        return {
            "ok": True,
            "channel": channel,
            "ts": ts,
            "text": message["text"],
            "message": message,
        }

    def _views_open(self, body: Json) -> Json:  # views.open and views.push
        trigger_id = body.get("trigger_id")
        if not trigger_id:
            return missing_argument("trigger_id")
        if not isinstance(body.get("view"), dict):
            return missing_argument("view")
        # SignedClient's trigger ids start with their issue time in ms; Slack lets a trigger
        # live 3 s, so a bot that opens a modal too late fails here as it would in Slack.
        issued_ms = str(trigger_id).split(".")[0]
        if issued_ms.isdigit() and time.time() - int(issued_ms) / 1000 > TRIGGER_LIFETIME:
            return slack_error("expired_trigger_id")
        return check_view(body["view"]) or {"ok": True, "view": self.open_view(body["view"])}

    def _views_update(self, body: Json) -> Json:
        if not isinstance(body.get("view"), dict):
            return missing_argument("view")
        view_id = body.get("view_id")
        if not view_id and body.get("external_id"):
            found = [v for v in self._views.values() if v["external_id"] == body["external_id"]]
            view_id = found[0]["id"] if found else None
        if not view_id:
            return missing_argument("view_id")
        old = self._views.get(str(view_id))
        if old is None:
            return slack_error("not_found")
        if body.get("hash") and body["hash"] != old["hash"]:
            return slack_error("hash_conflict")
        refused = check_view(body["view"])
        if refused is not None:
            return refused
        return {"ok": True, "view": self.open_view(body["view"], replacing=old["id"])}

    def _views_publish(self, body: Json) -> Json:
        if not body.get("user_id"):
            return missing_argument("user_id")
        if self._member(body["user_id"]) is None:
            return slack_error("user_not_found")
        if not isinstance(body.get("view"), dict):
            return missing_argument("view")
        return check_view(body["view"]) or {"ok": True, "view": self.open_view(body["view"])}

    def _users_info(self, body: Json) -> Json:
        user = self._member(body.get("user"))
        if user is None:
            return slack_error("user_not_found")
        return {
            "ok": True,
            "user": {
                "id": user.id,
                "team_id": TEAM_ID,
                "name": user.name,
                "deleted": user.id in self.deactivated,
                "real_name": user.real_name,
                "tz": user.tz,
                "tz_offset": user.tz_offset(),
                "is_bot": False,
                "profile": {"real_name": user.real_name, "display_name": user.name},
            },
        }

    def _files_get_upload_url(self, body: Json) -> Json:
        if not body.get("filename") or not str(body.get("length", "")).isdigit():
            return missing_argument("filename" if not body.get("filename") else "length")
        file_id = f"F{next(self._counter):08d}"
        self.files[file_id] = {"id": file_id, "name": body["filename"], "content": b""}
        return {"ok": True, "upload_url": f"{self.upload_base}{file_id}", "file_id": file_id}

    def _receive_upload(self, file_id: str, body: Json) -> tuple[int, Json]:
        if file_id not in self.files:
            return 404, slack_error("file_not_found")
        self.files[file_id]["content"] = body.pop("_raw", b"")  # kept here, not in the call log
        return 200, {"ok": True}

    def _files_complete_upload(self, body: Json) -> Json:
        files = body.get("files")
        if isinstance(files, str):
            files = json.loads(files)
        if not files or any(f.get("id") not in self.files for f in files):
            return slack_error("file_not_found")
        if body.get("channel_id") and not CONVERSATION_ID.match(str(body["channel_id"])):
            # Slack takes a conversation's id here, never a member's: a DM is opened first.
            return slack_error("invalid_arguments")
        channel = self._channel(body.get("channel_id")) if body.get("channel_id") else None
        for f in files:
            self.files[f["id"]].update(title=f.get("title", ""), channel=channel)
        shown = [{"id": f["id"], "title": f.get("title", ""), "name": self.files[f["id"]]["name"],
                  "user": BOT_USER_ID} for f in files]  # fmt: skip
        if channel is not None:
            # Shared in a conversation, the files are a message of the app's there, which
            # conversations.history shows (with the initial comment as its text).
            ts = self.new_ts()
            self._messages[(channel, ts)] = {
                "type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID, "team": TEAM_ID,
                "text": body.get("initial_comment", ""), "ts": ts, "upload": True,
                "display_as_bot": False, "files": shown,
            }  # fmt: skip
        return {"ok": True, "files": shown, "channel": channel}

    def _conversations_open(self, body: Json) -> Json:
        if body.get("channel"):
            channel = self._channel(body["channel"])
            return (
                {"ok": True, "channel": {"id": channel}}
                if channel
                else slack_error("channel_not_found")
            )
        users = body.get("users")
        if not users:
            return slack_error("users_list_not_supplied")
        ids = users if isinstance(users, list) else str(users).split(",")
        found = [self._member(u.strip()) for u in ids]
        if any(m is None for m in found):
            return slack_error("user_not_found")
        if any(m.id in self.deactivated for m in found if m):
            return slack_error("user_disabled")
        return {"ok": True, "channel": {"id": self._dm_for(tuple(m.id for m in found if m))}}

    def _conversations_history(self, body: Json) -> Json:
        """A channel's or DM's messages, newest first; thread replies are left out as Slack
        leaves them out (they are in conversations.replies)."""
        channel = str(body.get("channel") or "")
        # Slack wants a conversation id here: not a name, not a user id.
        if channel not in self.channels and channel not in self._dms.values():
            return slack_error("channel_not_found")
        if channel in self.left:
            return slack_error("not_in_channel")
        try:
            limit = int(body.get("limit") or HISTORY_LIMIT_DEFAULT)
            oldest = float(body.get("oldest") or 0)
            latest = float(body.get("latest") or "inf")
        except ValueError:
            return slack_error("invalid_arguments")
        if body.get("cursor"):
            after = _cursor_ts(str(body["cursor"]))
            if after is None:
                return slack_error("invalid_cursor")
            latest = min(latest, after)
        limit = max(1, min(limit, HISTORY_LIMIT_MAX))
        inclusive = _is_true(body.get("inclusive"))
        with_metadata = _is_true(body.get("include_all_metadata"))
        found = []
        for (in_channel, ts), message in self._messages.items():
            if in_channel != channel or message.get("thread_ts", ts) != ts:
                continue
            at = float(ts)
            if oldest < at < latest or (inclusive and at in (oldest, latest)):
                found.append(message)
        found.sort(key=lambda m: float(m["ts"]), reverse=True)
        page = [copy.deepcopy(m) for m in found[:limit]]
        if not with_metadata:
            for message in page:
                message.pop("metadata", None)
        has_more = len(found) > limit
        return {
            "ok": True,
            "messages": page,
            "has_more": has_more,
            "pin_count": 0,
            "response_metadata": {"next_cursor": _cursor(page[-1]["ts"]) if has_more else ""},
        }

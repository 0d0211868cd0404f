"""Slack's documented limits on what an app sends, as pure checks.

Each check returns the refusal Slack would answer ({"ok": false, "error": ...} with Slack's
"[ERROR] ... [json-pointer:...]" explanations), or None when Slack would accept the payload.
Where Slack's documents leave a limit in doubt, the stricter reading is taken.
"""

from typing import Any

Json = dict[str, Any]

MESSAGE_TEXT_MAX = 40_000
MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
SECTION_TEXT_MAX = 3_000
TEXT_OBJECT_MAX = 3_000  # any text object's, a context's elements among them
SECTION_FIELDS_MAX = 10
SECTION_FIELD_TEXT_MAX = 2_000
HEADER_TEXT_MAX = 150
CONTEXT_ELEMENTS_MAX = 10
ACTIONS_ELEMENTS_MAX = 25
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2_000
OPTION_TEXT_MAX = 75
OPTION_VALUE_MAX = 150
MENU_OPTIONS_MAX = 100
# Overflow menus, radio buttons and checkboxes hold fewer options than select menus.
FEW_OPTIONS_MAX = {"overflow": 5, "radio_buttons": 10, "checkboxes": 10}
MRKDWN_OPTIONS = ("radio_buttons", "checkboxes")  # the others' options are plain text only
INPUT_LABEL_MAX = 2_000  # also an input's hint
PLACEHOLDER_MAX = 150
ID_MAX = 255  # block_id and action_id
VIEW_TITLE_MAX = 24  # also submit and close
PRIVATE_METADATA_MAX = 3_000
TEXT_INPUT_MAX = 3_000  # what a plain_text_input holds, its max_length and initial_value


def refusal(error: str, messages: list[str] | None = None) -> Json:
    """Slack's error answer, with its explanations when it gives any."""
    answer: Json = {"ok": False, "error": error}
    if messages:
        answer["response_metadata"] = {"messages": messages}
    return answer


def check_message(body: Json) -> Json | None:
    """Slack's refusal of a message (chat.postMessage, chat.postEphemeral, chat.update,
    or a response_url post), or None if Slack would take it."""
    text = body.get("text")
    blocks = body.get("blocks")
    if not (text or blocks or body.get("attachments")):
        return refusal("no_text")
    if isinstance(text, str) and len(text) > MESSAGE_TEXT_MAX:
        return refusal("msg_too_long")
    if blocks:
        problems = block_problems(blocks, MESSAGE_BLOCKS_MAX, "")
        if problems:
            return refusal("invalid_blocks", problems)
    return None


def check_view(view: Any) -> Json | None:
    """Slack's refusal of a modal or Home tab view (views.open/push/update/publish), or None."""
    if not isinstance(view, dict):
        return refusal("invalid_arguments", ["[ERROR] missing required field: view"])
    problems = []
    for key in ("title", "submit", "close"):
        text = _text(view.get(key))
        if text is not None and len(text) > VIEW_TITLE_MAX:
            problems += [
                f"[ERROR] failed to match all allowed schemas [json-pointer:/view/{key}]",
                _too_long(VIEW_TITLE_MAX, f"/view/{key}/text"),
            ]
        problems += _plain_problems(view.get(key), f"/view/{key}")
    if len(str(view.get("private_metadata") or "")) > PRIVATE_METADATA_MAX:
        problems.append(_too_long(PRIVATE_METADATA_MAX, "/view/private_metadata"))
    if problems:
        return refusal("invalid_arguments", problems)
    problems = block_problems(view.get("blocks") or [], VIEW_BLOCKS_MAX, "/view")
    if problems:
        return refusal("invalid_blocks", problems)
    inputs = [n for n, block in enumerate(view.get("blocks") or []) if block.get("type") == "input"]
    if view.get("type") == "modal" and inputs and not view.get("submit"):
        # Slack shows such a modal no submit button: what is typed in it could never be sent
        return refusal(
            "invalid_arguments",
            [f"[ERROR] must define submit to use input block "
             f"[json-pointer:/view/blocks/{inputs[0]}/input]"],
        )  # fmt: skip
    return None


def block_problems(blocks: Any, max_blocks: int, prefix: str) -> list[str]:
    """Slack's explanations of what breaks its limits in `blocks`; `prefix` is where the
    blocks sit in the payload ("" for a message, "/view" for a view)."""
    where = f"{prefix}/blocks"
    if not isinstance(blocks, list):
        return [f"[ERROR] must be an array [json-pointer:{where}]"]
    problems = []
    if len(blocks) > max_blocks:
        problems.append(_too_many(max_blocks, where))
    seen_block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        pointer = f"{where}/{index}"
        if not isinstance(block, dict):
            problems.append(f"[ERROR] must be an object [json-pointer:{pointer}]")
            continue
        problems += _id_problems(block, "block_id", seen_block_ids, pointer)
        problems += _one_block_problems(block, pointer)
    return problems


def _one_block_problems(block: Json, pointer: str) -> list[str]:
    kind = block.get("type")
    problems = []
    if kind == "section":
        problems += _text_problems(block.get("text"), SECTION_TEXT_MAX, f"{pointer}/text")
        fields = block.get("fields") or []
        if len(fields) > SECTION_FIELDS_MAX:
            problems.append(_too_many(SECTION_FIELDS_MAX, f"{pointer}/fields"))
        for n, field in enumerate(fields):
            problems += _text_problems(field, SECTION_FIELD_TEXT_MAX, f"{pointer}/fields/{n}")
        if block.get("text") is None and not fields:
            problems.append(f"[ERROR] must provide either text or fields [json-pointer:{pointer}]")
    elif kind == "header":
        problems += _text_problems(block.get("text"), HEADER_TEXT_MAX, f"{pointer}/text")
        problems += _plain_problems(block.get("text"), f"{pointer}/text")
        if block.get("text") is None:
            problems.append(f"[ERROR] missing required field: text [json-pointer:{pointer}]")
    elif kind == "input":
        problems += _text_problems(block.get("label"), INPUT_LABEL_MAX, f"{pointer}/label")
        problems += _text_problems(block.get("hint"), INPUT_LABEL_MAX, f"{pointer}/hint")
        problems += _plain_problems(block.get("label"), f"{pointer}/label")
        problems += _plain_problems(block.get("hint"), f"{pointer}/hint")
        if block.get("label") is None:
            problems.append(f"[ERROR] missing required field: label [json-pointer:{pointer}]")
    elif kind == "context":
        elements = block.get("elements") or []
        if len(elements) > CONTEXT_ELEMENTS_MAX:
            problems.append(_too_many(CONTEXT_ELEMENTS_MAX, f"{pointer}/elements"))
        for n, element in enumerate(elements):
            if isinstance(element, dict) and element.get("type") in ("mrkdwn", "plain_text"):
                problems += _text_problems(
                    {"text": element.get("text")}, TEXT_OBJECT_MAX, f"{pointer}/elements/{n}"
                )
    elif kind == "actions" and len(block.get("elements") or []) > ACTIONS_ELEMENTS_MAX:
        problems.append(_too_many(ACTIONS_ELEMENTS_MAX, f"{pointer}/elements"))
    # Interactive elements: an actions block's elements, a section's accessory, an input's.
    elements = [
        (f"{pointer}/elements/{n}", e)
        for n, e in enumerate(block.get("elements") or [])
        if kind == "actions"
    ]
    elements += [
        (f"{pointer}/{key}", block[key]) for key in ("accessory", "element") if key in block
    ]
    seen_action_ids: set[str] = set()  # Slack wants action_id unique within its block
    for element_pointer, element in elements:
        if isinstance(element, dict):
            problems += _id_problems(element, "action_id", seen_action_ids, element_pointer)
            problems += _element_problems(element, element_pointer)
    return problems


def _element_problems(element: Json, pointer: str) -> list[str]:
    kind = element.get("type")
    problems = []
    if kind == "button":
        problems += _text_problems(element.get("text"), BUTTON_TEXT_MAX, f"{pointer}/text")
        problems += _plain_problems(element.get("text"), f"{pointer}/text")
        if len(str(element.get("value", ""))) > BUTTON_VALUE_MAX:
            problems.append(_too_long(BUTTON_VALUE_MAX, f"{pointer}/value"))
    if kind == "plain_text_input":
        problems += _text_input_problems(element, pointer)
    problems += _text_problems(
        element.get("placeholder"), PLACEHOLDER_MAX, f"{pointer}/placeholder"
    )
    problems += _plain_problems(element.get("placeholder"), f"{pointer}/placeholder")
    options = element.get("options") or []
    most = FEW_OPTIONS_MAX.get(str(kind), MENU_OPTIONS_MAX)
    if len(options) > most:
        problems.append(_too_many(most, f"{pointer}/options"))
    for n, option in enumerate(options):
        problems += _option_problems(option, f"{pointer}/options/{n}")
        if kind not in MRKDWN_OPTIONS and isinstance(option, dict):
            problems += _plain_problems(option.get("text"), f"{pointer}/options/{n}/text")
    for g, group in enumerate(element.get("option_groups") or []):
        group_options = group.get("options") or []
        if len(group_options) > MENU_OPTIONS_MAX:
            problems.append(_too_many(MENU_OPTIONS_MAX, f"{pointer}/option_groups/{g}/options"))
        for n, option in enumerate(group_options):
            problems += _option_problems(option, f"{pointer}/option_groups/{g}/options/{n}")
    return problems


def _option_problems(option: Any, pointer: str) -> list[str]:
    if not isinstance(option, dict):
        return [f"[ERROR] must be an object [json-pointer:{pointer}]"]
    problems = _text_problems(option.get("text"), OPTION_TEXT_MAX, f"{pointer}/text")
    if len(str(option.get("value", ""))) > OPTION_VALUE_MAX:
        problems.append(_too_long(OPTION_VALUE_MAX, f"{pointer}/value"))
    return problems


def _text_input_problems(element: Json, pointer: str) -> list[str]:
    """A plain_text_input holds at most 3,000 characters: its max_length may not say more, nor
    its initial_value be longer than it holds."""
    most = element.get("max_length")
    problems = []
    if isinstance(most, int) and most > TEXT_INPUT_MAX:
        problems.append(
            f"[ERROR] must be less than {TEXT_INPUT_MAX + 1} [json-pointer:{pointer}/max_length]"
        )
    holds = min(most, TEXT_INPUT_MAX) if isinstance(most, int) else TEXT_INPUT_MAX
    if len(str(element.get("initial_value") or "")) > holds:
        problems.append(_too_long(holds, f"{pointer}/initial_value"))
    return problems


def _plain_problems(text_object: Any, pointer: str) -> list[str]:
    """Where Slack takes plain text only (a header, a button, a label, a modal's title)."""
    if isinstance(text_object, dict) and text_object.get("type") != "plain_text":
        return [f"[ERROR] must be a plain_text text object [json-pointer:{pointer}/type]"]
    return []


def _id_problems(item: Json, key: str, seen: set[str], pointer: str) -> list[str]:
    value = item.get(key)
    if value is None:
        return []
    value = str(value)
    problems = []
    if len(value) > ID_MAX:
        problems.append(_too_long(ID_MAX, f"{pointer}/{key}"))
    if value in seen:
        problems.append(f"[ERROR] duplicate {key} [json-pointer:{pointer}/{key}]")
    seen.add(value)
    return problems


def _text_problems(text_object: Any, most: int, pointer: str) -> list[str]:
    """A text object's text must be there, not empty and at most `most` characters."""
    if text_object is None:
        return []
    text = _text(text_object)
    if text is None:
        return [f"[ERROR] missing required field: text [json-pointer:{pointer}]"]
    if not text:
        return [f"[ERROR] must be more than 0 characters [json-pointer:{pointer}/text]"]
    if len(text) > most:
        return [_too_long(most, f"{pointer}/text")]
    return []


def _text(text_object: Any) -> str | None:
    if isinstance(text_object, dict) and isinstance(text_object.get("text"), str):
        return text_object["text"]
    return None


def _too_long(most: int, pointer: str) -> str:
    # Slack words an inclusive limit of N as "less than N+1".
    return f"[ERROR] must be less than {most + 1} characters [json-pointer:{pointer}]"


def _too_many(most: int, pointer: str) -> str:
    return f"[ERROR] no more than {most} items allowed [json-pointer:{pointer}]"

"""The time zone a rep names after a time, the customer's clock the promise is kept on:
"tomorrow 10am London time", "4pm GMT", "3pm PST", "9am Europe/Paris", "10am New York time".

Cities and IANA names come from the tz database (zoneinfo): "<city> time" is any zone whose
name ends in that city ("New York time" is America/New_York). Abbreviations are a table of our
own, since the database does not map them back to zones: one names its region's clock, and a
due time is said back with the one in force that day ("10am EST" in July reads "10:00 AM EDT"),
so a rep sees the season they did not mean. One that names several zones (IST: India, Ireland,
Israel) is asked about, never guessed; so is a word that looks like a zone we do not know
("XYZ time", "Mumbai time") and "her time" (whose?), so no zone ends up in the promise's words.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.shared.english import everyday_words

# Abbreviations as support teams see them, each to the clock of its region. CST is US Central
# (China's is "Shanghai time"); BST is British Summer Time.
ABBREVIATIONS = {
    "UTC": "UTC", "GMT": "GMT",
    "BST": "Europe/London", "WET": "Europe/Lisbon", "WEST": "Europe/Lisbon",
    "CET": "Europe/Berlin", "CEST": "Europe/Berlin", "EET": "Europe/Athens",
    "EEST": "Europe/Athens", "MSK": "Europe/Moscow",
    "EST": "America/New_York", "EDT": "America/New_York", "ET": "America/New_York",
    "CST": "America/Chicago", "CDT": "America/Chicago", "CT": "America/Chicago",
    "MST": "America/Denver", "MDT": "America/Denver", "MT": "America/Denver",
    "PST": "America/Los_Angeles", "PDT": "America/Los_Angeles", "PT": "America/Los_Angeles",
    "AKST": "America/Anchorage", "AKDT": "America/Anchorage", "HST": "Pacific/Honolulu",
    "NST": "America/St_Johns", "NDT": "America/St_Johns", "ADT": "America/Halifax",
    "AEST": "Australia/Sydney", "AEDT": "Australia/Sydney", "ACST": "Australia/Adelaide",
    "ACDT": "Australia/Adelaide", "AWST": "Australia/Perth", "NZST": "Pacific/Auckland",
    "NZDT": "Pacific/Auckland", "JST": "Asia/Tokyo", "KST": "Asia/Seoul",
    "SGT": "Asia/Singapore", "HKT": "Asia/Hong_Kong", "SAST": "Africa/Johannesburg",
}  # fmt: skip
# Read only as typed, in capitals: in lower case they are words ("et al", "pt 2", "west").
CAPITALS_ONLY = frozenset({"ET", "CT", "MT", "PT", "WEST"})
# Abbreviations of more than one zone: asked about, with the cities to say instead.
AMBIGUOUS = {
    "IST": ("India, Ireland and Israel", ("Kolkata time", "Dublin time", "Jerusalem time")),
    "AST": ("the Atlantic and Arabia", ("Halifax time", "Riyadh time")),
}
# North American names for their zones: "10am Eastern", "Pacific time", "Hawaii time".
REGIONS = {"eastern": "America/New_York", "central": "America/Chicago",
           "mountain": "America/Denver", "pacific": "America/Los_Angeles",
           "atlantic": "America/Halifax", "alaska": "America/Anchorage",
           "hawaii": "Pacific/Honolulu"}  # fmt: skip
# Said alone too ("10am Eastern"), as North Americans do; the others only with "time", so
# "10am Alaska Airlines refund" stays a promise.
ALONE = frozenset({"eastern", "central", "mountain", "pacific"})
# The first part of an IANA name: a word before "/" that is one of these looks like a zone.
AREAS = frozenset({"africa", "america", "antarctica", "arctic", "asia", "atlantic",
                   "australia", "europe", "indian", "pacific", "etc"})  # fmt: skip
# Whose clock "her time" is we cannot know: asked. "my time" is the rep's own.
WHOSE = frozenset({"her", "his", "their", "your", "local", "customer's", "customers",
                   "customer", "client's", "client", "caller's"})  # fmt: skip
MINE = frozenset({"my", "mine"})
# After "time", words that make it a thing of the promise: "Maria time off", "Tom time sheet".
COMPOUNDS = frozenset({"off", "sheet", "sheets", "card", "cards", "slot", "slots", "frame"})
CITY_WORDS = 3  # "Ho Chi Minh time", "Port of Spain time"
LOOKS_ABBREVIATED = re.compile(r"^[A-Z]{2,4}T$")  # "XYZT": a zone abbreviation we do not know
OFFSET = re.compile(r"^(?:UTC|GMT)([+-−])(\d{1,2})(?::?([0-5]\d))?$", re.IGNORECASE)
PUNCTUATION = "()[],.;:!?\"'"
FORMS = (
    'a city with "time" ("London time", "New York time"), an abbreviation such as UTC, GMT, '
    'CET, EST or PST, or a tz name such as "Europe/Paris"'
)


@dataclass(frozen=True)
class Zone:
    """A zone the rep named: its clock, and how a time on it is said back."""

    tz: ZoneInfo
    name: str  # "London time", "Paris time", "PST", "GMT", "UTC+2"
    abbreviated: bool = False  # said back with the abbreviation in force on the day

    def label(self, moment: datetime) -> str:
        """ "London time"; for an abbreviation, the one in force at `moment` ("PDT" in July
        for a "PST" typed), or the one typed where the database has none ("SGT")."""
        if not self.abbreviated:
            return self.name
        shown = moment.astimezone(self.tz).tzname() or ""
        return shown if shown.isalpha() else self.name


def kept_zone(key: str | None, name: str | None) -> Zone | None:
    """The zone a promise was made in, as stored with it (its tz name and the words it is said
    back in), as `read_zone` gave it: an abbreviation is one of ours that names that clock (a
    "UTC" typed as the offset "UTC+0" is Etc/GMT, said as typed). None when it was made on the
    rep's own clock, or the tz database no longer has the zone: the rep's clock still reads."""
    if not key or not name:
        return None
    try:
        tz = ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return Zone(tz, name, ABBREVIATIONS.get(name) == key)


@dataclass(frozen=True)
class Unclear:
    """Words meant as a zone that name none, or several: what to ask the rep."""

    question: str


def _bare(token: str) -> str:
    return token.strip(PUNCTUATION)


def _city_name(key: str) -> str:
    """ "America/New_York" -> "New York"."""
    return key.rsplit("/", 1)[-1].replace("_", " ")


def zone_said(tz: ZoneInfo) -> str:
    """A zone as people say it: "London time" for Europe/London, "UTC"; never the tz id."""
    key = tz.key
    if key in ("UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu"):
        return "UTC"
    return key if key.startswith("Etc/") or "/" not in key else f"{_city_name(key)} time"


@functools.cache
def _names() -> dict[str, str]:
    """Every IANA name, folded, to itself as the database spells it."""
    return {key.casefold(): key for key in available_timezones()}


@functools.cache
def _cities() -> dict[str, str]:
    """The last part of each zone's name, folded, with "_" for spaces, to the zone: a region's
    own name first (America/Argentina/Buenos_Aires rather than its old link
    America/Buenos_Aires), never the legacy ones without a region ("Jamaica") or of a country
    ("US/Eastern")."""
    cities: dict[str, str] = {}
    legacy = ("Etc/", "US/", "Canada/", "Brazil/", "Mexico/", "Chile/")
    for key in sorted(available_timezones(), key=lambda k: (-k.count("/"), k)):
        if "/" in key and not key.startswith(legacy):
            cities.setdefault(key.rsplit("/", 1)[-1].casefold(), key)
    return cities


def _abbreviation(word: str) -> Zone | Unclear | None:
    if match := OFFSET.match(word):
        return _offset(match)
    upper = word.upper()
    if word != upper and (upper in CAPITALS_ONLY or upper not in ABBREVIATIONS):
        return None
    if upper in AMBIGUOUS:
        places, cities = AMBIGUOUS[upper]
        named = ", ".join(f'"{city}"' for city in cities[:-1]) + f' or "{cities[-1]}"'
        return Unclear(
            f"{upper} is the time in {places}: which did you mean? Say the city, like {named}."
        )
    if upper in ABBREVIATIONS:
        return Zone(ZoneInfo(ABBREVIATIONS[upper]), upper, True)
    if LOOKS_ABBREVIATED.match(word) and word.lower() not in everyday_words():  # not "TEXT"
        return _unknown(word)
    return None


def _offset(match: re.Match[str]) -> Zone | Unclear:
    """ "UTC+2", "GMT-5": a fixed offset, in whole hours, which the tz database has ("Etc/GMT-2"
    is UTC+2: its signs are POSIX's, the other way round)."""
    sign = "-" if match[1] in "-−" else "+"
    hours = int(match[2])
    said = match[0]
    if (match[3] and match[3] != "00") or hours > 14 or (sign == "-" and hours > 12):
        return Unclear(
            f"I read offsets in whole hours only ({said!r} is not one): name the city instead, "
            'like "Kolkata time" or "Adelaide time".'
        )
    flipped = "+" if sign == "-" else "-"
    key = "Etc/GMT" if hours == 0 else f"Etc/GMT{flipped}{hours}"
    return Zone(ZoneInfo(key), f"UTC{sign}{hours}" if hours else "UTC")


def _with_time(tokens: list[str], taken: int) -> int:
    """`taken`, and one more for a "time" after it ("PST time", "Europe/Paris time")."""
    has_time = len(tokens) > taken and _bare(tokens[taken]).casefold() == "time"
    return taken + 1 if has_time else taken


def _unknown(said: str) -> Unclear:
    return Unclear(f"I don't know the time zone {said!r}. Name it as {FORMS}; leave it out for "
                   "your own.")  # fmt: skip


def read_zone(tokens: list[str]) -> tuple[Zone | None, int] | Unclear | None:
    """The zone named at the start of `tokens` and how many tokens it took (None for the
    rep's own: "my time"); Unclear for words meant as a zone that name none we can use; None
    when the tokens do not start with a zone."""
    if not tokens:
        return None
    first = _bare(tokens[0])
    if not first:
        return None
    if "/" in first:  # an IANA name, "Europe/Paris"
        key = _names().get(first.casefold())
        if key is not None:
            tz = ZoneInfo(key)
            return Zone(tz, zone_said(tz)), _with_time(tokens, 1)
        area = first.split("/", 1)[0].casefold()
        return _unknown(first) if area in AREAS else None
    found = _abbreviation(first)
    if isinstance(found, Zone):
        return found, _with_time(tokens, 1)
    if found is not None:
        return found
    words = [_bare(token) for token in tokens[: CITY_WORDS + 1]]
    folded = [word.casefold() for word in words]
    if folded[0] in ALONE and words[0][:1].isupper() and folded[1:2] != ["time"]:
        return Zone(ZoneInfo(REGIONS[folded[0]]), f"{words[0].capitalize()} time"), 1  # "Eastern"
    if "time" not in folded[1:]:
        return None
    end = folded.index("time", 1)
    if len(tokens) > end + 1 and _bare(tokens[end + 1]).casefold() in COMPOUNDS:
        return None
    place = "_".join(folded[:end])
    said = " ".join(words[: end + 1])
    if end == 1 and folded[0] in MINE:
        return None, 2
    if place in REGIONS:
        return Zone(ZoneInfo(REGIONS[place]), f"{words[0].capitalize()} time"), end + 1
    if key := _cities().get(place):
        return Zone(ZoneInfo(key), f"{_city_name(key)} time"), end + 1
    if folded[end - 1] in WHOSE:
        return Unclear(f"Whose clock is {said!r}? Name the zone, as {FORMS}; leave it out "
                       "for your own.")  # fmt: skip
    if all(word[:1].isupper() for word in words[:end]):  # "Mumbai time", "XYZ time"
        return _unknown(said)
    return None

"""English words as the FAQ's matching and the coaching's language check read them: Snowball
stems, which stems are English words at all, and whether a text reads as English."""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from typing import Literal

import Stemmer
from spellchecker import SpellChecker

_STEMMERS = threading.local()


def stem(word: str) -> str:
    """The word's Snowball English stem, so that "cards" and "card", "arrival" and "arrived",
    "cancellation" and "cancelled" meet. Words with digits stay as they are ("4g", "x100")."""
    if not word.isalpha():
        return word
    try:
        stemmer = _STEMMERS.english
    except AttributeError:  # a Stemmer keeps state while it stems: one per thread
        stemmer = _STEMMERS.english = Stemmer.Stemmer("english", 0)  # callers cache stems
    return stemmer.stemWord(word)


@functools.cache
def english_stems() -> frozenset[str]:
    """The stems of the 160,000 English words of pyspellchecker's word frequency list. Read
    when first wanted, not on import: 0.15 s (a server reads it before its workers fork, to
    share it)."""
    return frozenset(stem(word) for word in _word_counts() if word.isalpha())


# How often a word must occur in pyspellchecker's list (drawn from subtitles, so it holds
# names too) to be an everyday word: surnames that are such words are above it (Baker 1,794,
# Brook 1,428, Marsh 1,524, Reed 1,813, Green 107,189), surnames that are words in name only
# below (Holloway 66, Patel 87, Clarke 211, Bennett 261, Reid 465).
EVERYDAY = 1000


@functools.cache
def everyday_words() -> frozenset[str]:
    """The words common enough in English that a text using one may mean the word and not a
    person named so ("a green box", not Mrs Green). Read when first wanted, not on import."""
    return frozenset(word for word, count in _word_counts().items() if count >= EVERYDAY)


def _word_counts() -> dict[str, int]:
    """pyspellchecker's English words, lower case, with how often each occurs."""
    return SpellChecker(language="en").word_frequency.dictionary


# Common words that are not English (and not English words too), to notice a message in
# Spanish, French, German, Dutch, Italian or Portuguese. Two of them outweighing the English
# ones is enough: support messages are short.
FOREIGN_BY_LANGUAGE = {
    "es": "el la los las que del por para una es está esta mi mis pedido paquete hola gracias "
    "pero muy cuando dónde donde todavía llegado tengo cómo porque nada señor",
    "fr": "le les des est une je mes pas pour avec bonjour merci colis commande toujours reçu "
    "et du au ce il elle nous vous qui suis",
    "de": "ich nicht und der das ist mein meine mit habe noch kein keine bitte danke paket "
    "bestellung wo warum ein eine auf für sie wir",
    "nl": "ik niet een het mijn nog geen pakket waar waarom bedankt alstublieft",
    "it": "il che sono mio mia ancora pacco ordine grazie ciao perché",
    "pt": "não meu minha encomenda obrigado olá ainda pacote você",
}
FOREIGN_WORDS = frozenset(w for words in FOREIGN_BY_LANGUAGE.values() for w in words.split())
ENGLISH = (
    "the a an my is to i and it of you in for not have was this me your on with but be can why "
    "what where how still again please has had been do does did will would that there when "
    "order box get got hi hello thanks thank just it's im i'm they we our"
)
ENGLISH_WORDS = frozenset(ENGLISH.split())
# A text of at least SHARE_OF words, under half of them English words, reads as another
# language: "Lo siento, no podemos hacer eso", "A minha caixa chegou danificada". None of 17,898
# English questions of four businesses did (Banking77, telecom, CLINC150, HWU64); with 3 words
# two did ("esim qr code").
ENGLISH_SHARE = 0.5
SHARE_OF = 4
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# An emoji as Slack sends it in text: ":smile:", ":+1:", ":flag-gb:". Its name is no word.
EMOJI_CODE = re.compile(r":[a-z0-9_+\-]+:")


def has_words(text: str) -> bool:
    """Whether a person's text says anything in letters or digits, and not only in emoji
    (":smile:" or "😀") and symbols."""
    return any(c.isalnum() for c in EMOJI_CODE.sub(" ", text))


def language_of(text: str) -> Literal["none", "other", "english"]:
    """Whether the text has no letters, reads as another language, or as English."""
    letters = [c for c in EMOJI_CODE.sub(" ", text) if c.isalpha()]
    if not letters:
        return "none"
    latin = sum(1 for c in letters if unicodedata.name(c, "").startswith("LATIN"))
    if latin * 2 < len(letters):
        return "other"
    if "¡" in text or "¿" in text:  # Spanish opens an exclamation or a question; English never
        return "other"
    # each sentence's words, once: all of them for the common-word counts; those not taken for
    # names (capitalised inside a sentence) for the share of English words
    sentences = [_WORD.findall(part) for part in _SENTENCE_END.split(text.replace("’", "'"))]
    words = [word.lower() for found in sentences for word in found]
    foreign = sum(1 for word in words if word in FOREIGN_WORDS)
    english = sum(1 for word in words if word in ENGLISH_WORDS)
    if foreign >= 2 and foreign > english:
        return "other"
    unnamed = [
        w for found in sentences for n, w in enumerate(found) if n == 0 or not w[0].isupper()
    ]
    share = _english_share(unnamed)
    # A word with a letter English writes only in loans ("llegó", "señor"), and no English word
    # even without its marks ("café", "résumé" are), tips a tie: half the words of "Mi caja
    # llegó rota" are English by chance.
    marked = any(not w.isascii() and not _is_english(w) for w in unnamed)
    return "other" if share < ENGLISH_SHARE or (marked and share <= ENGLISH_SHARE) else "english"


def _is_english(word: str) -> bool:
    """An English word, as written or without its accents ("résumé", "naïve", "façade")."""
    known = english_stems()
    word = word.split("'")[0].lower()
    bare = "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))
    return stem(word) in known or stem(bare) in known


def _english_share(words: list[str]) -> float:
    """The share of the words that are English words (1 for fewer than `SHARE_OF` words, too
    few to tell): "Thandiwe Nkosi ordered Rooibos", its names left out, is English."""
    if len(words) < SHARE_OF:
        return 1.0
    return sum(1 for word in words if _is_english(word)) / len(words)

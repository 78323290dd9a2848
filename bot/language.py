"""Which language a message is written in, and which language the bot answers in.

The one place that decides a reply's language. A message in Bengali script or in Bengali
written with Latin letters is answered in Bengali, a message in English in English, and so
on; where a message does not say (a button, "ok", a term's name alone), the conversation's
language holds: the user's /language choice, else Telegram's language, else English.
The words that mark each language are data, in nlu/languages.yml.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Optional

import yaml

from bot import paths
from bot.text import fold, words

DEFAULT_LANGUAGE = "en"
BENGALI = "bn"
# Bengali typed in Latin letters: served in Bengali, counted apart in the statistics.
ROMANISED_BENGALI = "bn-Latn"
BENGALI_BLOCK = (0x0980, 0x09FF)
# A message whose letters are at least this share Bengali is Bengali, English words and all.
BENGALI_SHARE = 0.3
# Letters that only one of the Latin-script languages uses.
SIGNATURE_LETTERS = {"ñ": "es", "¿": "es", "¡": "es", "ç": "fr", "œ": "fr", "è": "fr", "ê": "fr", "à": "fr", "ù": "fr"}


@dataclass(frozen=True)
class Detection:
    """What a message's own words say of its language.

    `variant` is what the statistics count: the language, or bn-Latn for romanised Bengali.
    Both are None when the message does not tell.
    """

    language: Optional[str]
    variant: Optional[str]

    @property
    def confident(self) -> bool:
        return self.language is not None


UNDECIDED = Detection(None, None)


@dataclass(frozen=True)
class Markers:
    """Words that mark exactly one language (variant -> words)."""

    by_variant: Dict[str, FrozenSet[str]]

    @classmethod
    def load(cls, path: Path = paths.LANGUAGES_FILE) -> "Markers":
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        # Folded as message words are: people type "que" for "qué".
        neutral = {fold(str(w)) for w in data.get("neutral") or ()}
        listed = {variant: {fold(str(w)) for w in ws} - neutral for variant, ws in data["markers"].items()}
        shared = {w for v, ws in listed.items() for w in ws if any(w in o for u, o in listed.items() if u != v)}
        return cls({variant: frozenset(ws - shared) for variant, ws in listed.items()})


def language_of_variant(variant: str) -> str:
    return BENGALI if variant == ROMANISED_BENGALI else variant


def _bengali_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha() or unicodedata.category(ch).startswith("M")]
    if not letters:
        return 0.0
    bengali = sum(1 for ch in letters if BENGALI_BLOCK[0] <= ord(ch) <= BENGALI_BLOCK[1])
    return bengali / len(letters)


def detect(text: Optional[str], markers: Optional[Markers] = None) -> Detection:
    """The language of a message, when its words tell with confidence."""
    if not text or text.startswith("/"):
        return UNDECIDED
    if _bengali_share(text) >= BENGALI_SHARE:
        return Detection(BENGALI, BENGALI)
    markers = markers or default_markers()
    scores = {variant: 0 for variant in markers.by_variant}
    for word in words(text):
        for variant, marked in markers.by_variant.items():
            if word in marked:
                scores[variant] += 1
    for letter, variant in SIGNATURE_LETTERS.items():
        if letter in text.lower() and variant in scores:
            scores[variant] += 1
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, top), runner_up = ranked[0], (ranked[1][1] if len(ranked) > 1 else 0)
    if top == 0 or top == runner_up:
        return UNDECIDED
    return Detection(language_of_variant(best), best)


@lru_cache(maxsize=1)
def default_markers() -> Markers:
    return Markers.load()


def served_language(
    detection: Detection, preferred: Optional[str], served: frozenset, forced: bool = False
) -> Optional[str]:
    """The language to answer in, or None to keep the conversation's.

    forced: the caller's language wins (`redheart ask --language`). Otherwise the message's
    own language, then the caller's preference (the /language choice or Telegram's language).
    """
    if forced and preferred in served:
        return preferred
    if detection.language in served:
        return detection.language
    return preferred if preferred in served else None

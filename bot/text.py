"""Words as the bot compares them, in every script it reads.

One folding for the tokenizer, the safety net, the known-words gate and language
detection, so a phrase in content/ and a message typed on a phone meet in the same form:
- lower case, with compatibility forms folded (NFKC);
- accents dropped from Latin letters ("qué" -> "que"), because people type without them,
  while Bengali vowel signs, hasanta (্), nukta (়) and chandrabindu (ঁ) are kept: they are
  letters of the word, and dropping them turns "কি" into "ক";
- Bengali digits read as Latin digits ("১০৯৮" -> "1098");
- zero-width joiners, which Bengali keyboards insert unseen, removed;
- apostrophes joined ("don't" -> "dont").
"""
from __future__ import annotations

import re
import unicodedata
from typing import List, Tuple

# Letters, digits, combining accents, the Bengali block's letters and signs, zero-width
# (non-)joiners, and apostrophes inside a word.
_WORD_CHARS = r"\w\u0300-\u036f\u0980-\u09f1\u200c\u200d"
WORD = re.compile(rf"[{_WORD_CHARS}]+(?:['’][{_WORD_CHARS}]+)*")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff'’"))
_BENGALI_DIGITS = {ord("০") + n: str(n) for n in range(10)}
_LATIN_END = 0x024F


def fold(word: str) -> str:
    text = unicodedata.normalize("NFKC", word).lower().translate(_INVISIBLE).translate(_BENGALI_DIGITS)
    kept: List[str] = []
    base = ""
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and base and ord(base) <= _LATIN_END:
            continue  # an accent on a Latin letter
        if not unicodedata.combining(ch):
            base = ch
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept))


def spans(text: str) -> List[Tuple[int, int, str]]:
    """Each word's start and end in the text as written, with its folded form."""
    found = []
    for match in WORD.finditer(text):
        folded = fold(match.group())
        if folded:
            found.append((match.start(), match.end(), folded))
    return found


def words(text: str) -> List[str]:
    return [folded for _, _, folded in spans(text)]

"""The safety net's phrase matching, on its own: normalised words, one-letter typos in long
words, precedence between safety answers, and whole-message words."""
from __future__ import annotations

import pytest

from bot.nlu.safety_net import PhraseMatcher, normalise

MATCHER = PhraseMatcher(
    phrases=[
        ("danger", [["right", "now"], ["is", "hurting", "me"]]),
        ("extortion", [["threatening", "to", "share"], ["will", "post", "my"]]),
    ],
    whole=[("helplines", [["help"], ["sos"]])],
)


@pytest.mark.parametrize(
    "text, intent",
    [
        ("he is hurting me", "danger"),
        ("HE IS HURTING ME!!!", "danger"),
        ("he is hurtnig me", "danger"),  # two letters swapped
        ("he is hurtng me", "danger"),  # a letter missing
        ("he is hurrting me", "danger"),  # a letter too many
        ("a man is threatning to share her photos", "extortion"),
        ("he will post my pics right now", "danger"),  # danger comes first
        ("help", "helplines"),
        ("SOS!", "helplines"),
        ("can you help me understand grooming", None),  # "help" counts only on its own
        ("is it hurting", None),
        ("what is sextortion", None),
        ("i'll post my homework", None),
    ],
)
def test_phrases_match_on_normalised_words(text, intent):
    assert MATCHER.match(text) == intent


def test_short_words_must_match_exactly():
    assert MATCHER.match("he iz hurting me") is None


def test_normalise_drops_accents_punctuation_and_apostrophes():
    assert normalise("Don't — CAFÉ, now!") == ["dont", "cafe", "now"]


def test_unless_phrases_cancel_a_match_for_questions_about_signs():
    matcher = PhraseMatcher(
        phrases=[("disclosure", [["is", "being", "abused"]])],
        whole=[],
        unless=[("disclosure", [["how", "can", "i", "tell", "if"]])],
    )
    assert matcher.match("my niece is being abused") == "disclosure"
    assert matcher.match("how can i tell if my son is being abused") is None

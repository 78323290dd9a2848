"""The safety net on its own: phrase matching (normalised words, one-letter typos in long
words, precedence, whole-message words), and how phrases, the safety classifier and the
intent classifier decide together which safety answer a message gets."""
from __future__ import annotations

import numpy as np
import pytest
import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.safety_classifier import SAFETY, recall_threshold
from bot.nlu.safety_net import PhraseMatcher, SafetyNet, normalise
from bot.paths import ROOT

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


# How the phrases, the safety classifier and the intent classifier decide together -----------

# The thresholds config.yml gives the safety net, with two recall intents for these tests.
CONFIGURED = next(c for c in yaml.safe_load((ROOT / "config.yml").read_text())["pipeline"] if c["name"].endswith("SafetyNet"))
NET_CONFIG = {**SafetyNet.get_default_config(), **CONFIGURED, "recall_intents": ["danger", "self_harm"]}


def _net() -> SafetyNet:
    return SafetyNet(NET_CONFIG, None, None, MATCHER)


def _message(text, judged=None, ranking=()):
    message = Message(data={TEXT: text})
    if judged is not None:
        message.set(SAFETY, judged)
    ranking = [{"name": name, "confidence": score} for name, score in ranking]
    message.set(INTENT, ranking[0] if ranking else {"name": "out_of_scope", "confidence": 0.9})
    message.set(INTENT_RANKING_KEY, ranking)
    return message


def _judged(flagged, **kinds):
    best = max(kinds, key=kinds.get)
    return {"kind": best, "score": sum(kinds.values()), "kinds": kinds, "flagged": flagged}


def _answer(message):
    return _net().process([message])[0].get(INTENT)["name"]


def test_a_phrase_takes_the_safety_path_and_the_classifier_names_the_kind():
    judged = _judged(True, self_harm=0.6, danger=0.1, harmful_request=0.0)
    assert _answer(_message("he is hurting me, i want to die", judged)) == "self_harm"


def test_a_phrase_keeps_its_own_answer_when_the_classifier_is_not_sure_of_a_kind():
    judged = _judged(False, self_harm=0.05, danger=0.04, harmful_request=0.0)
    assert _answer(_message("he is hurting me", judged)) == "danger"


def test_without_a_phrase_the_classifiers_flag_alone_takes_the_safety_path():
    judged = _judged(True, missing_child=0.7, danger=0.1, harmful_request=0.0)
    assert _answer(_message("she went to meet a facebook friend and never came back", judged)) == "missing_child"


def test_nothing_flagged_leaves_the_intent_classifiers_answer():
    judged = _judged(False, danger=0.05, harmful_request=0.01)
    message = _message("what is grooming", judged, [("term_grooming", 0.9), ("danger", 0.05)])
    assert _answer(message) == "term_grooming"


def test_a_refusal_needs_a_classifier_sure_of_it_a_worried_parent_is_never_refused_on_a_guess():
    sure = _judged(True, harmful_request=0.85, danger=0.05)
    fairly_sure = _judged(True, harmful_request=0.75, danger=0.05)
    unsure = _judged(True, harmful_request=0.4, danger=0.05)
    assert _answer(_message("how do i get a child alone", sure)) == "harmful_request"
    assert _answer(_message("how do i get a child alone", fairly_sure)) == "harmful_request"
    assert _answer(_message("how do predators get a child alone", unsure, [("topic_grooming_signs", 0.7)])) == "topic_grooming_signs"


def test_a_message_that_may_be_a_danger_gets_the_help_answer_not_a_refusal():
    judged = _judged(True, harmful_request=0.72, danger=0.25)  # sure enough of a refusal alone
    assert _answer(_message("a man wants my daughter alone at his house", judged)) == "danger"


def test_the_intent_classifiers_doubt_still_counts_for_safety():
    judged = _judged(False, danger=0.1, harmful_request=0.0)
    message = _message("she says nobody would miss her", judged, [("topic_signs_of_abuse", 0.5), ("self_harm", 0.4)])
    assert _answer(message) == "self_harm"


@pytest.mark.parametrize(
    "recall, threshold",
    [(1.0, 0.1), (0.75, 0.3), (0.5, 0.5)],
)
def test_the_threshold_is_the_highest_that_still_flags_the_target_share_of_safety_messages(recall, threshold):
    scores = np.array([0.1, 0.3, 0.5, 0.9, 0.95, 0.2])
    is_safety = np.array([True, True, True, True, False, False])
    assert recall_threshold(scores, is_safety, recall) == pytest.approx(threshold)

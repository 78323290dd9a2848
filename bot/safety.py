"""The safety path's kinds of message, named in one place.

Each kind has its own answer in content/safety.yml (`utter_<kind>`), and the safety layer
(bot/nlu/safety_net.py, bot/nlu/safety_classifier.py) routes a message to one of them. Every
help answer carries the emergency number and the child helpline of the user's country; a
refusal carries the way to help to stop instead.
"""
from __future__ import annotations

# Someone in danger or telling of harm: answered with the numbers, whatever else was asked.
HELP_KINDS = (
    "danger",
    "missing_child",
    "exploitation_now",
    "child_marriage_now",
    "self_harm",
    "child_disclosure",
    "sexual_assault",
    "extortion",
    "disclosure",
)
# Someone asking for abuse material or a way to reach children: refused.
REFUSAL = "harmful_request"
SAFETY_KINDS = frozenset(HELP_KINDS) | {REFUSAL}

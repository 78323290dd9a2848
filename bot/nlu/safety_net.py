"""The safety net: curated phrases that route a message to the safety path, whatever the
classifier thought.

People disclose danger in ways no classifier is sure about. This component runs last, after the
intent classifier and FallbackClassifier: when a message contains one of the
campaign's curated phrases (content/safety.yml, compiled into lookup tables named
`safety_<intent>`), the message's intent becomes that safety intent with full confidence.
Matching is on normalised words; a long word may be misspelt by one letter.

The safety classifier (bot/nlu/safety_classifier.py) runs before it: where it is sure enough
of a kind, it names which safety answer a phrase's message gets (a phrase about a child
"taken" may be a missing child), and where no phrase matches, its recall-first flag alone
takes the message to the safety path.

Where neither speaks, the intent classifier's doubt counts for safety, not against it: when a
safety intent scores at least `recall_threshold` anywhere in the ranking, that safety answer
is given, whatever scored higher (a danger message half-read as a guidance question still
gets the emergency number first). The threshold was chosen on the team's own tests
(tests/data/safety_messages.yml), where no ordinary question reaches it; the held-out sets
measure it.

It also holds the model to a higher bar for intents whose false positives hurt: a worried
parent must never be refused because the classifier half-thought they asked for abuse
material. Below `min_confidence`, such a prediction becomes nlu_fallback (the bot asks back).
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.safety_classifier import SAFETY
from bot.safety import HELP_KINDS, REFUSAL
from bot.text import words as normalise

FALLBACK_INTENT = "nlu_fallback"
# The curated phrases were written for the broad answers; the kinds that later got answers
# of their own refine them. A phrase's answer changes only into one of its refinements (a
# "took my son" phrase may be a missing child; a blackmail phrase stays sexual extortion).
REFINES = {
    "danger": frozenset({"missing_child", "exploitation_now", "child_marriage_now", "self_harm"}),
    "disclosure": frozenset({"sexual_assault"}),
}
# Lookup tables: safety_<intent> (phrases anywhere), safety_whole_message_<intent> (the whole
# message) and safety_unless_<intent> (phrases that cancel the intent's other matches).
LOOKUP_PREFIX = "safety_"
WHOLE_PREFIX = "safety_whole_message_"
UNLESS_PREFIX = "safety_unless_"
PHRASES_FILE = "safety_phrases.json"
# Words at least this long may differ by one edit and still match.
FUZZY_MIN_LENGTH = 5


def within_one_edit(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1 and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    shorter, longer = (a, b) if len(a) < len(b) else (b, a)
    for i in range(len(longer)):
        if longer[:i] + longer[i + 1 :] == shorter:
            return True
    return False


def _word_matches(phrase_word: str, word: str) -> bool:
    if len(phrase_word) >= FUZZY_MIN_LENGTH:
        return within_one_edit(phrase_word, word)
    return phrase_word == word


def contains(words: Sequence[str], phrase: Sequence[str]) -> bool:
    """Whether the phrase's words appear in order, next to each other, in words."""
    size = len(phrase)
    return any(
        all(_word_matches(phrase[j], words[i + j]) for j in range(size)) for i in range(len(words) - size + 1)
    )


def variants(word: str) -> List[str]:
    """The word and, if long enough to be fuzzy, each form with one letter deleted.

    Two words within one edit share at least one of these forms, so an index on them finds
    every candidate phrase without comparing each message word with each phrase.
    """
    if len(word) < FUZZY_MIN_LENGTH - 1:
        return [word]
    return [word, *{word[:i] + word[i + 1 :] for i in range(len(word))}]


Phrases = List[Tuple[str, List[List[str]]]]


class PhraseMatcher:
    """Ordered (intent, phrases) pairs; the first intent with a matching phrase wins.

    `whole` phrases match only a message that is exactly the phrase ("help"); an intent's
    `unless` phrases cancel its matches ("how can i tell if ... is being abused" asks about
    signs, it does not disclose).
    """

    def __init__(self, phrases: Phrases, whole: Phrases, unless: Optional[Phrases] = None) -> None:
        self.phrases = phrases
        self.whole = whole
        self.unless = unless or []
        self._unless = dict(self.unless)
        self._rank = {intent: rank for rank, (intent, _) in enumerate(phrases)}
        self._by_first_word: Dict[str, List[Tuple[str, List[str]]]] = {}
        for intent, intent_phrases in phrases:
            for phrase in intent_phrases:
                for variant in variants(phrase[0]):
                    self._by_first_word.setdefault(variant, []).append((intent, phrase))

    def match(self, text: str) -> Optional[str]:
        words = normalise(text)
        found: Optional[str] = None
        for start, word in enumerate(words):
            for variant in variants(word):
                for intent, phrase in self._by_first_word.get(variant, ()):
                    if found is not None and self._rank[intent] >= self._rank[found]:
                        continue
                    if contains(words[start : start + len(phrase)], phrase) and not self._cancelled(intent, words):
                        found = intent
        if found is not None:
            return found
        for intent, intent_phrases in self.whole:
            if words in intent_phrases:
                return intent
        return None

    def _cancelled(self, intent: str, words: List[str]) -> bool:
        return any(contains(words, phrase) for phrase in self._unless.get(intent, ()))

    def cancels(self, intent: str, text: str) -> bool:
        """Whether the text holds one of the intent's `unless` phrases."""
        return self._cancelled(intent, normalise(text))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SafetyNet(GraphComponent, IntentClassifier):
    """Overrides the predicted intent when a curated safety phrase is present."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Safety intents in order of precedence: the first that matches wins; the
        # confidence the classifier alone needs for an intent (no phrase matched); and the
        # score at which a safety intent anywhere in the ranking takes over.
        # kind_min: the share a help kind needs in the safety classifier to name the answer;
        # refine_min: the share it needs to make a phrase's broad answer a narrower one;
        # refusal_min: the share a refusal needs when no phrase asked for it, as the safety
        # classifier's first kind; refusal_help_guard: a help kind with this share makes it
        # a help answer instead (a message that may be a danger is never refused).
        return {
            "precedence": [],
            "min_confidence": {},
            "recall_threshold": None,
            "recall_intents": [],
            "kind_min": 0.2,
            "refine_min": 0.5,
            "refusal_min": 0.8,
            "refusal_help_guard": 0.2,
        }

    def __init__(self, config: Dict[Text, Any], storage: ModelStorage, resource: Resource, matcher: PhraseMatcher) -> None:
        self._config = config
        self._storage = storage
        self._resource = resource
        self.matcher = matcher

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext) -> "SafetyNet":
        return cls(config, model_storage, resource, PhraseMatcher([], []))

    def _ordered(self, tables: Dict[str, List[str]]) -> Phrases:
        precedence = list(self._config["precedence"])
        order = precedence + sorted(set(tables) - set(precedence))
        return [(intent, [normalise(p) for p in tables[intent] if normalise(p)]) for intent in order if intent in tables]

    def train(self, training_data: TrainingData) -> Resource:
        tables: Dict[str, Dict[str, List[str]]] = {WHOLE_PREFIX: {}, UNLESS_PREFIX: {}, LOOKUP_PREFIX: {}}
        for table in training_data.lookup_tables:
            prefix = next((p for p in tables if table["name"].startswith(p)), None)
            if prefix is not None:
                tables[prefix][table["name"][len(prefix):]] = table["elements"]
        self.matcher = PhraseMatcher(*(self._ordered(tables[p]) for p in (LOOKUP_PREFIX, WHOLE_PREFIX, UNLESS_PREFIX)))
        stored = {"phrases": self.matcher.phrases, "whole": self.matcher.whole, "unless": self.matcher.unless}
        with self._storage.write_to(self._resource) as directory:
            (directory / PHRASES_FILE).write_text(json.dumps(stored), encoding="utf-8")
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext, **kwargs: Any) -> "SafetyNet":
        with model_storage.read_from(resource) as directory:
            stored = json.loads((directory / PHRASES_FILE).read_text(encoding="utf-8"))
        matcher = PhraseMatcher(*([(i, p) for i, p in stored[key]] for key in ("phrases", "whole", "unless")))
        return cls(config, model_storage, resource, matcher)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT)
            intent = self._safety_answer(message, text) if text and not text.startswith("/") else None
            if intent is not None:
                self._route(message, intent)
            else:
                self._hold_to_minimum(message)
        return messages

    def _safety_answer(self, message: Message, text: str) -> Optional[str]:
        """The safety answer a typed message gets, if any.

        A curated phrase decides that the message takes the safety path; the safety
        classifier (bot/nlu/safety_classifier.py), when it is sure enough of a kind, names
        which answer. Without a phrase, the classifier's flag decides, then the intent
        classifier's doubt. A refusal needs a phrase or a classifier sure of it: a worried
        parent is never refused on a guess.
        """
        phrase = self.matcher.match(text)
        judged = message.get(SAFETY) or {}
        if phrase is not None and phrase not in HELP_KINDS:  # a refusal, or the word "help"
            return phrase
        if phrase is not None:
            refined = self._named_kind(judged, self._config["refine_min"])
            return refined if refined in REFINES.get(phrase, ()) else phrase
        if judged.get("flagged"):
            if self._refused(judged, text):
                return REFUSAL
            named = self._named_kind(judged)
            if named is not None:
                return named
        return self._doubted_safety(message)

    def _refused(self, judged: Dict[str, Any], text: str) -> bool:
        """A refusal without a phrase: the classifier's first kind, sure enough, no help kind near it."""
        kinds = judged.get("kinds") or {}
        if judged.get("kind") != REFUSAL or kinds.get(REFUSAL, 0.0) < self._config["refusal_min"]:
            return False
        if self._named_kind(judged, self._config["refusal_help_guard"]) is not None:
            return False
        return not self.matcher.cancels(REFUSAL, text)

    def _named_kind(self, judged: Dict[str, Any], minimum: Optional[float] = None) -> Optional[str]:
        """The help kind the safety classifier gives most weight, if it gives it enough."""
        kinds = {kind: score for kind, score in (judged.get("kinds") or {}).items() if kind in HELP_KINDS}
        best = max(kinds, key=kinds.get, default=None)
        needed = self._config["kind_min"] if minimum is None else minimum
        return best if best is not None and kinds[best] >= needed else None

    def _doubted_safety(self, message: Message) -> Optional[str]:
        """The best-scoring safety intent, if it scores at least the recall threshold."""
        threshold = self._config["recall_threshold"]
        if threshold is None:
            return None
        intents = self._config["recall_intents"]
        scored = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") in intents]
        best = max(scored, key=lambda r: r.get("confidence") or 0.0, default=None)
        return best["name"] if best and (best.get("confidence") or 0.0) >= threshold else None

    @staticmethod
    def _route(message: Message, intent: str) -> None:
        ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") not in (intent, FALLBACK_INTENT)]
        message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
        message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 1.0}, *ranking], add_to_output=True)

    def _hold_to_minimum(self, message: Message) -> None:
        predicted = message.get(INTENT) or {}
        if predicted.get("name") == REFUSAL and self.matcher.cancels(REFUSAL, message.get(TEXT) or ""):
            # "where can I report ...": a question about reporting is never refused.
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") not in (REFUSAL, FALLBACK_INTENT)]
            if ranking:
                message.set(INTENT, ranking[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
                return
        needed = self._config["min_confidence"].get(predicted.get("name"))
        if needed is not None and (predicted.get("confidence") or 0.0) < needed:
            fallback = {"name": FALLBACK_INTENT, "confidence": needed}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != FALLBACK_INTENT]
            message.set(INTENT, fallback, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [fallback, *ranking], add_to_output=True)

"""Never guess when a message shares no word with anything the bot knows.

A linear classifier always picks some intent, and on gibberish ("xqzv plorb") or a question
in a language it was not trained on it can be fairly sure of a wrong one. When none of a
message's words (or a word one letter away from them) appears in the training data, this
component sets the intent unknown_words with no other guesses: the bot says which language
it reads and gives the helplines, rather than offering buttons picked from noise.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Set, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.safety_net import within_one_edit, variants
from bot.text import words as normalise

VOCABULARY_FILE = "vocabulary.json"
UNKNOWN_WORDS_INTENT = "unknown_words"


class Vocabulary:
    def __init__(self, words: Set[str]) -> None:
        self.words = words
        # Each word under every form it takes with one letter deleted: two words within one
        # edit share a form, but so do some two edits apart ("plorb", "porbo"), so a shared
        # form is only a candidate.
        self.forms: Dict[str, Set[str]] = {}
        for word in words:
            for form in variants(word):
                self.forms.setdefault(form, set()).add(word)

    def knows(self, word: str) -> bool:
        if word in self.words:
            return True
        return any(within_one_edit(word, known) for form in variants(word) for known in self.forms.get(form, ()))

    def knows_any(self, words: List[str]) -> bool:
        return any(self.knows(word) for word in words)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class KnownWordsGate(GraphComponent, IntentClassifier):
    def __init__(self, storage: ModelStorage, resource: Resource, vocabulary: Vocabulary) -> None:
        self._storage = storage
        self._resource = resource
        self.vocabulary = vocabulary

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext) -> "KnownWordsGate":
        return cls(model_storage, resource, Vocabulary(set()))

    def train(self, training_data: TrainingData) -> Resource:
        # The examples of unknown_words are what the bot cannot read: their words stay unknown.
        examples = [e for e in training_data.intent_examples if e.get(INTENT) != UNKNOWN_WORDS_INTENT]
        words = {word for example in examples for word in normalise(example.get(TEXT) or "")}
        self.vocabulary = Vocabulary(words)
        with self._storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(json.dumps(sorted(words)), encoding="utf-8")
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext, **kwargs: Any) -> "KnownWordsGate":
        with model_storage.read_from(resource) as directory:
            words = set(json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8")))
        return cls(model_storage, resource, Vocabulary(words))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/") or self.vocabulary.knows_any(normalise(text)):
                continue
            unknown = {"name": UNKNOWN_WORDS_INTENT, "confidence": 1.0}
            message.set(INTENT, unknown, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [unknown], add_to_output=True)
        return messages

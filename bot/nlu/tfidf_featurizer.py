"""One sentence vector per message: TF-IDF of its words (and word pairs) beside TF-IDF of its
character n-grams, each part scaled to unit length.

Why not Rasa's CountVectorsFeaturizer: raw counts let a long message's hundreds of character
n-grams outweigh its few words, and the classifier on them needed 7 minutes to train and
still lost to a plain TF-IDF baseline on questions nobody on the team wrote (README,
Evaluation). Sublinear TF-IDF with each part normalised is what that baseline uses. The text
is the tokenizer's folded words (bot/text.py), so Bengali vowel signs stay inside their
word and accents, Bengali digits and zero-width joiners read as the safety net reads them.
Only sentence features are made: the classifiers read nothing else, and per-token
character vectors cost time on every message.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Text, Tuple, Type

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.sparse_featurizer.sparse_featurizer import SparseFeaturizer
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import TfidfVectorizer

PARTS_FILE = "tfidf.json"


def _vectorizers(config: Dict[Text, Any]) -> Dict[str, TfidfVectorizer]:
    common = {"sublinear_tf": True, "lowercase": False, "min_df": config["min_df"], "dtype": np.float32}
    return {
        # The tokenizer has split and folded the words: a space separates them.
        "words": TfidfVectorizer(token_pattern=r"\S+", ngram_range=tuple(config["word_ngrams"]), **common),
        "chars": TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(config["char_ngrams"]), **common),
    }


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class TfidfFeaturizer(SparseFeaturizer, GraphComponent):
    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**SparseFeaturizer.get_default_config(), "word_ngrams": [1, 2], "char_ngrams": [2, 5], "min_df": 2}

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        for key in ("word_ngrams", "char_ngrams"):
            low, high = config[key]
            if not 1 <= low <= high:
                raise ValueError(f"{cls.__name__}: {key} must be [low, high] with 1 <= low <= high, not {config[key]}")

    def __init__(self, config: Dict[Text, Any], name: Text, storage: ModelStorage, resource: Resource) -> None:
        super().__init__(name, {**self.get_default_config(), **config})
        self._storage = storage
        self._resource = resource
        self.parts: Dict[str, TfidfVectorizer] = {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext) -> "TfidfFeaturizer":
        return cls(config, execution_context.node_name, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        texts = [_folded_text(message) for message in training_data.training_examples if message.get(TEXT)]
        self.parts = _vectorizers(self._config)
        for vectorizer in self.parts.values():
            vectorizer.fit(texts)
        self._persist()
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        with_text = [message for message in messages if message.get(TEXT)]
        if not self.parts or not with_text:
            return messages
        texts = [_folded_text(message) for message in with_text]
        rows = scipy.sparse.hstack([vectorizer.transform(texts) for vectorizer in self.parts.values()]).tocsr()
        for number, message in enumerate(with_text):
            self.add_features_to_message(None, rows[number], TEXT, message)
        return messages

    def _persist(self) -> None:
        with self._storage.write_to(self._resource) as directory:
            saved = {name: _state(vectorizer) for name, vectorizer in self.parts.items()}
            (directory / PARTS_FILE).write_text(json.dumps(saved, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(
        cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext, **kwargs: Any,
    ) -> "TfidfFeaturizer":
        component = cls(config, execution_context.node_name, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                saved = json.loads((directory / PARTS_FILE).read_text(encoding="utf-8"))
        except ValueError:  # nothing stored: the model was trained without examples
            return component
        component.parts = _vectorizers(component._config)
        for name, vectorizer in component.parts.items():
            _restore(vectorizer, *saved[name])
        return component


def _folded_text(message: Message) -> str:
    tokens = message.get(TOKENS_NAMES[TEXT]) or []
    return " ".join(token.text for token in tokens) or (message.get(TEXT) or "")


def _state(vectorizer: TfidfVectorizer) -> Tuple[Dict[str, int], List[float]]:
    vocabulary = {term: int(index) for term, index in vectorizer.vocabulary_.items()}
    return vocabulary, [float(weight) for weight in vectorizer.idf_]


def _restore(vectorizer: TfidfVectorizer, vocabulary: Dict[str, int], idf: List[float]) -> None:
    """A fitted vectorizer from its vocabulary and weights: JSON, never a pickle, in the model."""
    vectorizer.vocabulary_ = vocabulary
    vectorizer.idf_ = np.asarray(idf)

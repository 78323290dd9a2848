"""A second, recall-first model that only tells the safety kinds from everything else.

The intent classifier spreads its confidence over a hundred items, so a frightened message
worded unlike its examples can score low for every safety intent. This model reads the same
features but learns one question, "which safety kind, if any?", with the safety kinds
weighted up (together they weigh as much as all other examples), and its threshold is
chosen for recall: trained on most of
the examples, it takes the highest threshold at which `target_recall` of the rest's safety
messages are flagged, then it is trained again on all of them.

It sets `safety` on the message ({"kind", "score", "flagged"}) and changes nothing else; the
safety net (bot/nlu/safety_net.py) decides what to answer.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.linear_classifier import LinearIntentClassifier
from bot.safety import SAFETY_KINDS

logger = logging.getLogger(__name__)

SAFETY = "safety"
NOT_SAFETY = "none"
THRESHOLD_FILE = "safety_threshold.json"


def safety_weights(labels: np.ndarray) -> Dict[str, float]:
    """Class weights under which all safety kinds together weigh as much as everything else.

    Balancing every kind against the rest would weigh each small kind as much as the whole
    of the rest, and the model would see danger in every worried question."""
    kinds, counts = np.unique(labels, return_counts=True)
    others = counts[kinds == NOT_SAFETY].sum()
    safety = counts[kinds != NOT_SAFETY].sum()
    return {str(kind): 1.0 if kind == NOT_SAFETY else float(others / max(safety, 1)) for kind in kinds}


def recall_threshold(scores: np.ndarray, is_safety: np.ndarray, target_recall: float) -> float:
    """The highest score threshold that still flags `target_recall` of the safety messages."""
    safety_scores = np.sort(scores[is_safety])
    if safety_scores.size == 0:
        return 0.5
    missed = int(np.floor((1.0 - target_recall) * safety_scores.size))
    return float(safety_scores[missed])


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SafetyClassifier(LinearIntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # Its own model (_new_model below): none of the intent classifier's SGD settings.
        # target_recall: share of held-back safety examples the threshold must flag;
        # threshold bounds keep a threshold learnt from few examples sensible.
        return {
            "random_state": 42,
            "C": 10.0,
            "max_iter": 300,
            "target_recall": 0.97,
            "holdout": 0.2,
            "min_threshold": 0.2,
            "max_threshold": 0.6,
        }

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage, resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.threshold = self.config["max_threshold"]

    def _new_model(self) -> Any:
        # Eleven classes only: a fully fitted logistic regression trains in seconds, and its
        # softmax gives the sharp, comparable scores the safety net's bars are set on.
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(C=self.config["C"], max_iter=self.config["max_iter"], random_state=self.config["random_state"])

    def _labelled(self, training_data: TrainingData) -> List[Message]:
        return [e for e in training_data.intent_examples if e.get(INTENT) and e.get("text")]

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.base import clone
        from sklearn.model_selection import train_test_split

        examples = self._labelled(training_data)
        if not examples:
            return self._resource
        X = self._create_X(examples)
        y = np.array([e.get(INTENT) if e.get(INTENT) in SAFETY_KINDS else NOT_SAFETY for e in examples])
        self.clf.set_params(class_weight=safety_weights(y))
        fit_idx, check_idx = train_test_split(
            np.arange(len(y)), test_size=self.config["holdout"], stratify=y, random_state=self.config["random_state"]
        )
        trial = clone(self.clf).fit(X[fit_idx], y[fit_idx])
        scores = self._safety_scores(trial, X[check_idx])
        is_safety = y[check_idx] != NOT_SAFETY
        learnt = recall_threshold(scores, is_safety, self.config["target_recall"])
        self.threshold = min(max(learnt, self.config["min_threshold"]), self.config["max_threshold"])
        logger.info(
            "Safety classifier: threshold %.3f; on held-back training examples %.1f%% of safety ones flagged, %.1f%% of others",
            self.threshold, 100 * np.mean(scores[is_safety] >= self.threshold), 100 * np.mean(scores[~is_safety] >= self.threshold),
        )
        self.clf.fit(X, y)
        self.persist()
        return self._resource

    @staticmethod
    def _safety_scores(clf: Any, X: Any) -> np.ndarray:
        none = list(clf.classes_).index(NOT_SAFETY)
        return 1.0 - clf.predict_proba(X)[:, none]

    def persist(self) -> None:
        super().persist()
        with self._model_storage.write_to(self._resource) as directory:
            (directory / THRESHOLD_FILE).write_text(json.dumps({"threshold": self.threshold}), encoding="utf-8")

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SafetyClassifier":
        component = super().load(config, model_storage, resource, execution_context, **kwargs)
        try:
            with model_storage.read_from(resource) as directory:
                component.threshold = json.loads((directory / THRESHOLD_FILE).read_text(encoding="utf-8"))["threshold"]
        except (ValueError, FileNotFoundError):
            pass  # nothing was trained: the default threshold, and no classes to score
        return component

    def process(self, messages: List[Message]) -> List[Message]:
        if not hasattr(self.clf, "classes_"):
            return messages
        X = self._create_X(messages)
        probabilities = self.clf.predict_proba(X)
        classes = list(self.clf.classes_)
        none = classes.index(NOT_SAFETY)
        for row, message in enumerate(messages):
            scores = probabilities[row]
            # A message none of whose features the model knows says nothing about safety.
            score = 0.0 if X[row].nnz == 0 else float(1.0 - scores[none])
            kinds = {kind: float(p) for kind, p in zip(classes, scores) if kind != NOT_SAFETY}
            best = max(kinds, key=kinds.get)
            message.set(SAFETY, {"kind": best, "score": score, "kinds": kinds, "flagged": score >= self.threshold})
        return messages

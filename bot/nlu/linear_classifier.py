"""The intent classifier: a linear model on the TF-IDF features (bot/nlu/tfidf_featurizer.py),
trained by stochastic gradient descent on the logistic loss.

Rasa's LogisticRegressionClassifier fits with lbfgs: on 120 intents and ~130,000 n-grams that
took minutes and stopped before converging. On the same features, in an offline comparison on
the earlier real held-out sets, SGD scored within about two points of a fully fitted logistic
regression (C=10), in seconds instead of minutes. An intent's confidence is its logistic
score, the scores normalised to sum to one.

The weights are stored as plain arrays (never a pickle) and loaded in column order: scipy
then multiplies a message by the transposed weights without copying them, and a reply is
about a fifth faster (benchmarks/benchmark.py).
"""
from __future__ import annotations

from typing import Any, Dict, Text

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from sklearn.linear_model import SGDClassifier

WEIGHTS_FILE = "weights.npz"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(LogisticRegressionClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # alpha: how strongly the weights are kept small; epochs: passes over the examples;
        # class_weight "balanced": an intent with few examples counts as much as a large one.
        return {
            "alpha": 1e-5, "epochs": 15, "class_weight": "balanced", "n_jobs": 1, "random_state": 42, "ranking_length": 10,
        }

    def __init__(self, config: Dict[Text, Any], name: Text, model_storage: ModelStorage, resource: Resource) -> None:
        self.name = name
        self.config = {**self.get_default_config(), **config}
        self.clf = self._new_model()
        self._model_storage = model_storage
        self._resource = resource

    def _new_model(self) -> SGDClassifier:
        return SGDClassifier(
            loss="log_loss", alpha=self.config["alpha"], max_iter=self.config["epochs"], tol=None,
            class_weight=self.config["class_weight"], n_jobs=self.config["n_jobs"], random_state=self.config["random_state"],
        )

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            np.savez(directory / WEIGHTS_FILE, coef=self.clf.coef_, intercept=self.clf.intercept_, classes=self.clf.classes_.astype(str))

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LinearIntentClassifier":
        component = cls(config, execution_context.node_name, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as weights:
                    component.clf.coef_ = np.asfortranarray(weights["coef"])
                    component.clf.intercept_ = weights["intercept"]
                    component.clf.classes_ = weights["classes"]
        except (ValueError, FileNotFoundError):
            return component  # nothing was trained (no examples): no classes to score
        component.clf.n_features_in_ = component.clf.coef_.shape[1]
        return component

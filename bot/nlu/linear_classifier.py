"""Rasa's LogisticRegressionClassifier, with its weights laid out for one message at a time.

scikit-learn scores a message as `features @ coef_.T`. With `coef_` in row order, scipy
copies the whole transposed weight matrix (intents x n-grams) on every call; in column
order the transpose is already contiguous and nothing is copied. The scores are the same;
a reply is about a fifth faster (benchmarks/benchmark.py).
"""
from __future__ import annotations

from typing import Any, Dict, Text

import numpy as np
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(LogisticRegressionClassifier):
    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "LinearIntentClassifier":
        component = super().load(config, model_storage, resource, execution_context, **kwargs)
        if hasattr(component.clf, "coef_"):  # absent when no trained classifier was stored
            component.clf.coef_ = np.asfortranarray(component.clf.coef_)
        return component

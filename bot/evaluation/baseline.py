"""A plain baseline beside every figure: TF-IDF (words and character n-grams) and logistic
regression, trained on exactly the examples the model trains on, answering with its top
intent and never asking back. If the model does not beat it, the model's machinery is not
earning its keep."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable, List, Sequence, Tuple

from bot.evaluation.heldout import Example
from bot.evaluation.overlap import example_lines


def training_pairs(data_paths: Iterable[Path]) -> List[Tuple[str, str]]:
    """(text, intent) for every NLU example in the training files; lookup tables aside."""
    return [(_plain_text(text), str(entry["intent"])) for entry, text in example_lines(data_paths) if "intent" in entry]


def _plain_text(example: str) -> str:
    """Rasa's entity annotations ("[france](country)") as the words a person typed."""
    return re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", example)


class Baseline:
    def __init__(self, pairs: Sequence[Tuple[str, str]]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import FeatureUnion, make_pipeline

        features = FeatureUnion(
            [
                ("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
                ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
            ]
        )
        self.model = make_pipeline(features, LogisticRegression(max_iter=1000, C=10.0))
        texts, intents = zip(*pairs)
        self.model.fit(list(texts), list(intents))

    def predict(self, texts: Sequence[str]) -> List[str]:
        return [str(intent) for intent in self.model.predict(list(texts))]


def baseline_accuracy(baseline: Baseline, examples: Sequence[Example], known: Iterable[str]) -> Tuple[float, int]:
    """Accuracy on the examples whose label the model knows, and how many those are."""
    known = set(known)
    scored = [e for e in examples if e.label in known]
    if not scored:
        return 0.0, 0
    predicted = baseline.predict([e.text for e in scored])
    return sum(p == e.label for p, e in zip(predicted, scored)) / len(scored), len(scored)

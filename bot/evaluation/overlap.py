"""Whether a held-out text was trained on: the test that keeps held-out sets honest."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Set, Tuple

import yaml

from bot.evaluation.heldout import Example
from bot.text import words


def example_lines(data_paths: Iterable[Path]) -> Iterator[Tuple[Dict[str, Any], str]]:
    """(its entry, the text) for every "- text" line of every NLU entry in the training files:
    intents' examples and lookup tables' phrases alike."""
    for root in data_paths:
        for path in [root] if root.is_file() else sorted(root.rglob("*.yml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            for entry in data.get("nlu") or []:
                for line in str(entry.get("examples") or "").splitlines():
                    line = line.strip()
                    if line.startswith("- "):
                        yield entry, line[2:]


def _normalise(text: str) -> str:
    """The words as the bot folds them: case, punctuation, digits' script and accents aside."""
    return " ".join(words(text))


def training_examples(data_paths: Iterable[Path]) -> Set[str]:
    """Every NLU example and lookup phrase in the training data, folded."""
    return {_normalise(text) for _, text in example_lines(data_paths)}


def overlap_with_training(examples: Iterable[Example], data_paths: Iterable[Path]) -> List[str]:
    """Held-out texts that equal a training example (case, punctuation and spacing ignored)."""
    seen = training_examples(data_paths)
    return [e.text for e in examples if _normalise(e.text) in seen]



"""How well the trained model answers questions it never saw in training.

`redheart evaluate` sends every question of the held-out set (tests/data/heldout.yml) through
the same entry point as `redheart ask` (bot.conversation.Conversations, without statistics),
each in a conversation of its own, and compares the item that answered with the label.

What it reports:
- accuracy overall and per kind (term, topic, helpline, ...): the right item answered;
- the most confused pairs (expected -> what answered);
- the "not sure" rate: the bot asked back (intent nlu_fallback, utter_ask_back,
  utter_fallback or utter_unknown_words) instead of answering;
- the wrong-confident rate: a wrong item answered without asking back, the worst outcome;
- safety: safety-path questions answered with a term or topic card, and ordinary questions
  sent to the safety path;
- unknown labels: questions labelled with an item the model does not have (a term or topic
  not yet written). They are counted apart and left out of every rate.
"""
from __future__ import annotations

import asyncio
import json
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set, Tuple

import yaml

from bot import paths
from bot.language import language_of_variant
from bot.safety import SAFETY_KINDS
from bot.stats.events import FALLBACK_ACTIONS

HELDOUT_FILE = paths.ROOT / "tests" / "data" / "heldout.yml"
KINDS = ("term", "topic", "helpline", "service", "campaign", "safety", "small_talk", "out_of_scope")
FALLBACK_INTENT = "nlu_fallback"
ASK_BACK_ACTIONS = FALLBACK_ACTIONS | {"utter_ask_back"}
SAFETY_PATH = SAFETY_KINDS


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    kind: str
    # The script or variant the text is written in (bn, bn-Latn, en, fr, es): the bot must
    # answer in its language. Where the text comes from, for sets of real questions.
    script: str = "en"
    source: str = ""
    origin: str = ""
    # The country the asker is in, where the source says (answers about helplines depend on it).
    country: str = ""
    # "child" when a child or teenager asks for themselves; the labeller's reason for a label.
    voice: str = ""
    note: str = ""

    @property
    def language(self) -> str:
        return language_of_variant(self.script)


@dataclass(frozen=True)
class Outcome:
    """What the bot did with one held-out question."""

    example: Example
    intent: str
    confidence: float = 0.0
    actions: Tuple[str, ...] = ()
    language: str = "en"

    @property
    def in_its_language(self) -> bool:
        return self.language == self.example.language

    @property
    def asked_back(self) -> bool:
        return self.intent == FALLBACK_INTENT or bool(ASK_BACK_ACTIONS.intersection(self.actions))

    @property
    def correct(self) -> bool:
        return self.intent == self.example.label and not self.asked_back


@dataclass
class KindScore:
    total: int = 0
    correct: int = 0
    asked_back: int = 0
    wrong_confident: int = 0
    unknown_label: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0


@dataclass
class Report:
    total: int
    evaluated: int
    correct: int
    asked_back: int
    wrong_confident: int
    unknown_label: int
    unknown_labels: List[str]
    by_kind: Dict[str, KindScore]
    confused: List[Tuple[str, str, int]]
    wrong_confident_items: List[Tuple[str, str, str]]
    safety_answered_as_item: List[Tuple[str, str, str]]
    ordinary_sent_to_safety: List[Tuple[str, str, str]]
    unknown_label_items: List[Tuple[str, str, str]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.evaluated if self.evaluated else 0.0

    @property
    def not_sure_rate(self) -> float:
        return self.asked_back / self.evaluated if self.evaluated else 0.0

    @property
    def wrong_confident_rate(self) -> float:
        return self.wrong_confident / self.evaluated if self.evaluated else 0.0

    def as_dict(self) -> Dict[str, Any]:
        return {
            "total": self.total,
            "evaluated": self.evaluated,
            "unknown_label": self.unknown_label,
            "unknown_labels": self.unknown_labels,
            "accuracy": round(self.accuracy, 4),
            "not_sure_rate": round(self.not_sure_rate, 4),
            "wrong_confident_rate": round(self.wrong_confident_rate, 4),
            "correct": self.correct,
            "asked_back": self.asked_back,
            "wrong_confident": self.wrong_confident,
            "by_kind": {
                kind: {**asdict(score), "accuracy": round(score.accuracy, 4)} for kind, score in self.by_kind.items()
            },
            "confused": [{"expected": e, "got": g, "count": n} for e, g, n in self.confused],
            "wrong_confident_items": [{"text": t, "expected": e, "got": g} for t, e, g in self.wrong_confident_items],
            "safety_answered_as_item": [{"text": t, "expected": e, "got": g} for t, e, g in self.safety_answered_as_item],
            "ordinary_sent_to_safety": [{"text": t, "expected": e, "got": g} for t, e, g in self.ordinary_sent_to_safety],
            "unknown_label_items": [{"text": t, "expected": e, "got": g} for t, e, g in self.unknown_label_items],
        }


REQUIRED_KEYS = {"text", "label", "kind"}
OPTIONAL_KEYS = {"script", "source", "origin", "country", "voice", "note"}


def load_heldout(path: Path = HELDOUT_FILE) -> List[Example]:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    examples = []
    for number, item in enumerate(data["items"]):
        if not REQUIRED_KEYS <= set(item) <= REQUIRED_KEYS | OPTIONAL_KEYS or item["kind"] not in KINDS:
            raise ValueError(f"{path}: item {number} must have text, label and a kind from {KINDS}: {item}")
        examples.append(Example(**{key: str(value) for key, value in item.items()}))
    return examples


def heldout_files() -> List[Path]:
    """Every held-out set of questions: the team's own (heldout.yml) and real ones per language."""
    return sorted(HELDOUT_FILE.parent.glob("heldout*.yml"))


def _is_item(intent: str) -> bool:
    return intent.startswith("term_") or intent.startswith("topic_")


def summarise(outcomes: Sequence[Outcome], known_intents: Iterable[str], top: int = 10) -> Report:
    """The figures for a list of outcomes; labels not in known_intents are counted apart."""
    known: Set[str] = set(known_intents)
    by_kind: Dict[str, KindScore] = defaultdict(KindScore)
    confused: Counter = Counter()
    unknown: List[Outcome] = []
    wrong_confident: List[Outcome] = []
    safety_as_item: List[Outcome] = []
    ordinary_to_safety: List[Outcome] = []
    correct = asked_back = 0
    for outcome in outcomes:
        example = outcome.example
        score = by_kind[example.kind]
        # Checked for every question, known label or not: the safety path is never optional.
        if example.kind == "safety" and _is_item(outcome.intent) and not outcome.asked_back:
            safety_as_item.append(outcome)
        if example.kind != "safety" and outcome.intent in SAFETY_PATH:
            ordinary_to_safety.append(outcome)
        if example.label not in known:
            score.unknown_label += 1
            unknown.append(outcome)
            continue
        score.total += 1
        if outcome.correct:
            score.correct += 1
            correct += 1
            continue
        got = outcome.intent or "none"
        if outcome.asked_back and got != FALLBACK_INTENT:
            got += " (asked back)"
        confused[(example.label, got)] += 1
        if outcome.asked_back:
            score.asked_back += 1
            asked_back += 1
        else:
            score.wrong_confident += 1
            wrong_confident.append(outcome)
    evaluated = sum(s.total for s in by_kind.values())

    def rows(items: List[Outcome]) -> List[Tuple[str, str, str]]:
        return [(o.example.text, o.example.label, o.intent) for o in items]

    return Report(
        total=len(outcomes),
        evaluated=evaluated,
        correct=correct,
        asked_back=asked_back,
        wrong_confident=len(wrong_confident),
        unknown_label=len(unknown),
        unknown_labels=sorted({o.example.label for o in unknown}),
        by_kind={kind: by_kind[kind] for kind in KINDS if kind in by_kind},
        confused=[(e, g, n) for (e, g), n in confused.most_common(top)],
        wrong_confident_items=rows(wrong_confident),
        safety_answered_as_item=rows(safety_as_item),
        ordinary_sent_to_safety=rows(ordinary_to_safety),
        unknown_label_items=rows(unknown),
    )


async def predict(conversations: Any, examples: Sequence[Example], channel: str = "evaluate") -> List[Outcome]:
    """Ask every question, each in a conversation of its own, as `redheart ask` does."""
    outcomes = []
    for number, example in enumerate(examples):
        reply = await conversations.handle(channel, f"heldout-{number}", example.text, country=example.country or None)
        turn = reply.turn
        outcomes.append(Outcome(example, turn.intent, turn.confidence, tuple(turn.actions), reply.language))
    return outcomes


def evaluate(conversations: Any, examples: Optional[Sequence[Example]] = None, top: int = 10) -> Report:
    examples = list(examples) if examples is not None else load_heldout()
    outcomes = asyncio.run(predict(conversations, examples))
    return summarise(outcomes, conversations.intents, top=top)


def format_report(report: Report, texts: bool = True) -> str:
    lines = [
        f"Held-out questions: {report.total}; evaluated: {report.evaluated}; "
        f"unknown label (item not in the model): {report.unknown_label}",
        f"Accuracy: {report.accuracy:.1%} ({report.correct}/{report.evaluated})",
        f"Not sure (asked back): {report.not_sure_rate:.1%} ({report.asked_back})",
        f"Wrong and confident (no ask-back): {report.wrong_confident_rate:.1%} ({report.wrong_confident})",
        "",
        f"{'kind':<14}{'n':>5}{'accuracy':>10}{'asked back':>12}{'wrong conf.':>13}{'unknown':>9}",
    ]
    for kind, score in report.by_kind.items():
        lines.append(
            f"{kind:<14}{score.total:>5}{score.accuracy:>10.1%}{score.asked_back:>12}"
            f"{score.wrong_confident:>13}{score.unknown_label:>9}"
        )
    if report.confused:
        lines += ["", "Most confused (expected -> got):"]
        lines += [f"  {n:>3}  {e} -> {g}" for e, g, n in report.confused]
    if report.wrong_confident_items and texts:
        lines += ["", "Wrong and confident:"]
        lines += [f"  {t!r}: {e} -> {g}" for t, e, g in report.wrong_confident_items]
    lines += ["", f"Safety questions answered with a term or topic: {len(report.safety_answered_as_item)}"]
    lines += [f"  {t!r}: {e} -> {g}" for t, e, g in report.safety_answered_as_item if texts]
    lines += [f"Ordinary questions sent to the safety path: {len(report.ordinary_sent_to_safety)}"]
    lines += [f"  {t!r}: {e} -> {g}" for t, e, g in report.ordinary_sent_to_safety if texts]
    if report.unknown_labels:
        lines += ["", "Labels the model does not know: " + ", ".join(report.unknown_labels)]
    return "\n".join(lines)


def report_json(report: Report) -> str:
    return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)

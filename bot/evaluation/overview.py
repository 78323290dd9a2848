"""`redheart evaluate`: every held-out set, per language and script, with the baseline
beside the model, then the held-out safety sets."""
from __future__ import annotations

import asyncio
from dataclasses import asdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from bot.content.schema import Content
from bot.evaluation.baseline import Baseline, baseline_accuracy, training_pairs
from bot.evaluation.heldout import Outcome, Report, format_report, heldout_files, load_heldout, predict, summarise
from bot.evaluation.safety import SAFETY_FILES, SafetyReport, evaluate_safety, format_safety, load_safety_set


def by_script(outcomes: Sequence[Outcome]) -> Dict[str, List[Outcome]]:
    groups: Dict[str, List[Outcome]] = {}
    for outcome in outcomes:
        groups.setdefault(outcome.example.script, []).append(outcome)
    return groups


def language_rate(outcomes: Sequence[Outcome]) -> float:
    """The share of replies given in the language the question was written in."""
    return sum(o.in_its_language for o in outcomes) / len(outcomes) if outcomes else 0.0


class Overview:
    """`others`: more models answering through the same path (Rasa's default configuration
    trained on the same data), reported beside the project's model and the baseline."""

    def __init__(self, conversations: Any, content: Content, data_paths: Sequence[Path], others: Optional[Dict[str, Any]] = None) -> None:
        self.conversations = conversations
        self.content = content
        self.baseline = Baseline(training_pairs(data_paths))
        self.others = others or {}

    def heldout(self, path: Path, top: int = 10) -> Dict[str, Any]:
        examples = load_heldout(path)
        outcomes = asyncio.run(predict(self.conversations, examples))
        known = self.conversations.intents
        others = {name: by_script(asyncio.run(predict(other, examples))) for name, other in self.others.items()}
        sets: Dict[str, Any] = {}
        for script, group in sorted(by_script(outcomes).items()):
            accuracy, _ = baseline_accuracy(self.baseline, [o.example for o in group], known)
            sets[script] = {
                "report": summarise(group, known, top=top),
                "baseline_accuracy": accuracy,
                "in_its_language": language_rate(group),
                "others": {name: summarise(o[script], known).accuracy for name, o in others.items()},
            }
        return sets

    def safety(self, path: Path) -> SafetyReport:
        return evaluate_safety(self.conversations, self.content, load_safety_set(path), baseline=self.baseline)


def format_heldout(name: str, sets: Dict[str, Any], texts: bool = False) -> str:
    lines = [f"== {name}"]
    for script, figures in sets.items():
        report: Report = figures["report"]
        others = "".join(f", {name} {accuracy:.1%}" for name, accuracy in figures.get("others", {}).items())
        lines += [
            "",
            f"-- script {script}: model {report.accuracy:.1%}{others}, TF-IDF baseline {figures['baseline_accuracy']:.1%}, "
            f"answered in its language {figures['in_its_language']:.1%}",
            format_report(report, texts),
        ]
    return "\n".join(lines)


def run_overview(
    conversations: Any, content: Content, data_paths: Sequence[Path], heldout: Optional[Path] = None, top: int = 10,
    others: Optional[Dict[str, Any]] = None,
) -> Dict[str, Any]:
    """{file name: figures}: held-out sets by script, then (for the full run) the safety sets."""
    overview = Overview(conversations, content, data_paths, others)
    results: Dict[str, Any] = {path.name: overview.heldout(path, top) for path in ([heldout] if heldout else heldout_files())}
    if heldout is None:
        results.update({path.name: overview.safety(path) for path in SAFETY_FILES})
    return results


def format_overview(results: Dict[str, Any], texts: bool = False) -> str:
    """The figures; with `texts`, also the held-out messages that went wrong. Held-out texts
    stay out of sight by default: whoever reads them must not write training data after."""
    return "\n\n".join(
        f"== {name}\n{format_safety(figures, texts)}" if isinstance(figures, SafetyReport) else format_heldout(name, figures, texts)
        for name, figures in results.items()
    )


# Report lists whose items carry a held-out text.
ITEM_LISTS = ("wrong_confident_items", "safety_answered_as_item", "ordinary_sent_to_safety", "unknown_label_items")


def overview_json(results: Dict[str, Any], texts: bool = False) -> Dict[str, Any]:
    """The figures as plain data; held-out texts only with `texts` (whoever reads them writes no
    training data), otherwise each listed item keeps only its labels."""

    def plain(figures: Any) -> Any:
        if isinstance(figures, SafetyReport):
            report = asdict(figures)
            for scores in (report["safety"], report["ordinary"], report["by_label"]):
                for score in scores.values():
                    score["missed"] = [m if texts else m.rsplit(" -> ", 1)[-1] for m in score["missed"]]
            return report
        return {
            script: {
                **_items_without_texts(f["report"].as_dict(), texts),
                "baseline_accuracy": round(f["baseline_accuracy"], 4),
                "in_its_language": round(f["in_its_language"], 4),
                **{f"{name}_accuracy": round(a, 4) for name, a in f.get("others", {}).items()},
            }
            for script, f in figures.items()
        }

    return {name: plain(figures) for name, figures in results.items()}


def _items_without_texts(report: Dict[str, Any], texts: bool) -> Dict[str, Any]:
    if texts:
        return report
    return {key: [_labels(item) for item in value] if key in ITEM_LISTS else value for key, value in report.items()}


def _labels(item: Dict[str, Any]) -> Dict[str, Any]:
    return {key: value for key, value in item.items() if key != "text"}


"""How well the trained model does on messages it never saw in training: held-out questions
(heldout.py), held-out safety messages (safety.py), a TF-IDF baseline on the same training
data (baseline.py), and Rasa's own checks (rasa_checks.py)."""
from bot.evaluation.heldout import (
    HELDOUT_FILE,
    KINDS,
    SAFETY_PATH,
    Example,
    Outcome,
    Report,
    evaluate,
    format_report,
    heldout_files,
    load_heldout,
    predict,
    report_json,
    summarise,
)
from bot.evaluation.overlap import overlap_with_training, training_examples
from bot.evaluation.rasa_checks import run_crossvalidation, run_story_tests

__all__ = [
    "HELDOUT_FILE", "KINDS", "SAFETY_PATH", "Example", "Outcome", "Report", "evaluate", "format_report",
    "heldout_files", "load_heldout", "predict", "report_json", "summarise", "overlap_with_training",
    "training_examples", "run_crossvalidation", "run_story_tests",
]

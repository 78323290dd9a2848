"""Rasa's own checks: NLU cross-validation and story tests."""
from __future__ import annotations

import shutil
from pathlib import Path

from bot import paths


RESULTS_DIR = paths.ROOT / "results"
TEST_STORIES = paths.ROOT / "tests" / "test_stories.yml"


def run_crossvalidation(folds: int = 3, out: Path = RESULTS_DIR / "crossvalidation") -> int:
    """`rasa test nlu --cross-validation` on the built training data; its exit code."""
    import subprocess
    import sys

    from bot.training.train import build, rasa_environment

    files = build()
    # `rasa test nlu` takes one --nlu path: gather the hand-written and the generated
    # training files into one folder.
    gathered = paths.BUILD_DIR.parent / "crossvalidation" / "nlu"
    if gathered.exists():
        shutil.rmtree(gathered)
    gathered.mkdir(parents=True)
    for number, root in enumerate(files.data):
        for path in [root] if root.is_file() else sorted(root.rglob("*.yml")):
            shutil.copyfile(path, gathered / f"{number}_{path.name}")
    command = [
        sys.executable, "-m", "rasa", "test", "nlu", "--nlu", str(gathered),
        "--config", str(files.config),
        "--cross-validation", "--folds", str(folds),
        "--out", str(out),
    ]
    return subprocess.run(command, env=rasa_environment(), cwd=paths.ROOT).returncode


def run_story_tests(stories: Path = TEST_STORIES, model: Path = paths.MODEL_FILE, out: Path = RESULTS_DIR / "stories") -> int:
    """`rasa test core` on the test stories against the trained model; its exit code."""
    import subprocess
    import sys

    from bot.training.train import rasa_environment

    command = [
        sys.executable, "-m", "rasa", "test", "core",
        "--stories", str(stories),
        "--model", str(model),
        "--fail-on-prediction-errors",
        "--out", str(out),
    ]
    return subprocess.run(command, env=rasa_environment(), cwd=paths.ROOT).returncode

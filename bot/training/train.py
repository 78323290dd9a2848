"""Train the model when, and only when, its inputs changed since the last training."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Iterable, List, Optional

from bot import paths
from bot.content.load import load_content
from bot.training.generate import TrainingFiles, generate
from bot.training.progress import run_with_progress


def _files(roots: Iterable[Path]) -> List[Path]:
    found: List[Path] = []
    for root in roots:
        found += [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    return found


def fingerprint(files: TrainingFiles) -> str:
    """A hash of everything Rasa trains on: config, domain and training data."""
    digest = hashlib.sha256()
    for path in _files([files.config, files.domain, *files.data]):
        digest.update(str(path.relative_to(paths.ROOT)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def build() -> TrainingFiles:
    """Check content/ and write the generated training files."""
    return generate(load_content(paths.CONTENT_DIR))


def rasa_environment() -> dict:
    return {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}


def train(force: bool = False, model: Path = paths.MODEL_FILE, verbose: bool = False, config: Optional[Path] = None) -> bool:
    """Train if needed; True when a new model was trained. Rasa's own output is shown only
    when verbose (or when it fails); otherwise one line of progress. `config`: another
    pipeline on the same data (the evaluation's Rasa default baseline)."""
    files = build()
    if config is not None:
        files = replace(files, config=config)
    stamp = model.with_suffix("").with_suffix(".fingerprint")
    current = fingerprint(files)
    if not force and model.exists() and stamp.exists() and stamp.read_text() == current:
        print(f"Model is up to date: {model.relative_to(paths.ROOT) if model.is_relative_to(paths.ROOT) else model}")
        return False
    model.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "rasa", "train",
        "--config", str(files.config),
        "--domain", str(files.domain),
        "--data", *[str(p) for p in files.data],
        "--out", str(model.parent),
        "--fixed-model-name", model.name.removesuffix(".tar.gz"),
        "--force",
    ]
    if verbose:
        subprocess.run(command, check=True, env=rasa_environment(), cwd=paths.ROOT)
    else:
        run_with_progress(command, rasa_environment(), str(paths.ROOT), "Training the model")
    stamp.write_text(current)
    return True


def validate() -> int:
    """Run Rasa's own data validation on the built training files; its exit code."""
    files = build()
    command = [
        sys.executable, "-m", "rasa", "data", "validate",
        "--config", str(files.config),
        "--domain", str(files.domain),
        "--data", *[str(p) for p in files.data],
        "--fail-on-warnings",
    ]
    return subprocess.run(command, env=rasa_environment(), cwd=paths.ROOT).returncode

"""Where the project's files live, relative to the repository root."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONTENT_DIR = ROOT / "content"
NLU_DIR = ROOT / "nlu"
NLU_DATA_DIR = NLU_DIR / "data"
QUESTION_PATTERNS = NLU_DIR / "question_patterns.yml"
LANGUAGES_FILE = NLU_DIR / "languages.yml"
CONFIG_FILE = ROOT / "config.yml"
DOMAIN_FILE = ROOT / "domain.yml"
BUILD_DIR = ROOT / "build" / "rasa"
MODELS_DIR = ROOT / "models"
MODEL_FILE = MODELS_DIR / "redheart.tar.gz"
MODEL_FINGERPRINT = MODELS_DIR / "redheart.fingerprint"
# Rasa's default configuration on the same data: a baseline for `redheart evaluate --rasa-default`.
RASA_DEFAULT_CONFIG = ROOT / "benchmarks" / "default_config.yml"
RASA_DEFAULT_MODEL = MODELS_DIR / "rasa-default.tar.gz"
DEFAULT_DATA_DIR = ROOT / "data"

"""A quiet start: a person running the bot sees the bot, not the warnings of the libraries it
loads (TensorFlow, jax, SQLAlchemy, matplotlib, Rasa), unless they ask with --verbose; the
bot's own warnings still show; training shows one line of progress, not Rasa's screens."""
from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import paths
from bot.training.progress import run_with_progress
from bot.training.train import train

# Debian's fonts and the model's libraries are what they are: the test reads only the screen.
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}


def _bot(*arguments: str, stdin: str = "", env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot", *arguments], input=stdin, capture_output=True, text=True,
                          timeout=300, cwd=paths.ROOT, env=env or ENV)


def test_other_libraries_warnings_are_hidden_and_the_bots_own_are_shown():
    own = Path(paths.ROOT / "bot" / "stats" / "charts.py")
    script = f"""
import logging, warnings
from bot.logs import quiet_third_party
quiet_third_party()
warnings.warn_explicit("a library is deprecated", DeprecationWarning, "/venv/site-packages/jax/lib.py", 1, module="jax.lib")
warnings.warn_explicit("Slot auto-fill has been removed", UserWarning, "/venv/site-packages/rasa/slots.py", 1, module="rasa.slots")
logging.getLogger("sqlalchemy.engine").warning("a library logs a warning")
warnings.warn_explicit("the bot warns", UserWarning, {str(own)!r}, 1, module="bot.stats.charts")
logging.getLogger("bot.conversation").warning("the bot logs a warning")
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=paths.ROOT, env=ENV)
    assert "the bot warns" in result.stderr and "the bot logs a warning" in result.stderr
    assert "library" not in result.stderr and "Slot" not in result.stderr


def test_stats_prints_the_report_and_nothing_else(tmp_path: Path):
    result = _bot("stats", env={**ENV, "REDHEART_DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Red Heart bot usage") and result.stderr == ""


@pytest.fixture(scope="module")
def model() -> None:
    train()  # trains only if content, training data or config changed


def test_ask_and_chat_show_the_bot_alone_and_verbose_shows_everything(model):
    asked = _bot("ask", "what is grooming")
    assert asked.returncode == 0 and "grooming" in asked.stdout.lower()
    assert asked.stderr == ""
    chat = _bot("chat", stdin="hello\n/quit\n")
    assert chat.returncode == 0 and "bot>" in chat.stdout
    assert chat.stderr == ""
    verbose = _bot("ask", "--verbose", "what is grooming")
    assert "Warning" in verbose.stderr  # the libraries' own, shown when asked for


def test_training_shows_one_line_of_progress():
    steps = "; ".join(f"print(\"Starting to train component 'Step{n}'.\"); print('Epochs: 100%|####|')" for n in range(40))
    screen = io.StringIO()
    run_with_progress([sys.executable, "-c", steps], ENV, str(paths.ROOT), "Training the model", screen=screen)
    assert screen.getvalue().count("\n") == 1
    assert screen.getvalue().startswith("Training the model: done in ")


def test_a_failed_training_shows_what_went_wrong():
    screen = io.StringIO()
    failing = [sys.executable, "-c", "import sys; print('the domain is broken'); sys.exit(3)"]
    with pytest.raises(subprocess.CalledProcessError):
        run_with_progress(failing, ENV, str(paths.ROOT), "Training the model", screen=screen)
    assert "the domain is broken" in screen.getvalue()

"""Logging for the running bot: timestamps and levels, never what a user wrote; and a quiet
screen for the person running it.

Rasa logs message text at DEBUG and httpx logs request URLs, which hold the bot's token, at
INFO; both are held back here whatever the root level is (bot.assistant and
bot.telegram.app quieten them).

The libraries the bot loads (TensorFlow, jax, SQLAlchemy, matplotlib, Rasa itself) print
deprecation and configuration warnings at every start that the person running the bot can
do nothing about. Unless `--verbose` is given, warnings raised outside the bot's own code are
not shown and third-party loggers show only errors; the bot's own warnings still are.
"""
from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path
from typing import Callable, Optional

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
OWN_MODULES = r"bot(\..*)?$"
OWN_CODE = str(Path(__file__).resolve().parent)
OWN_LOGGER = "bot"
# Read by TensorFlow's C++ core and by Python in child processes (`rasa train`).
QUIET_ENVIRONMENT = {"TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONWARNINGS": "ignore", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}


def quiet_third_party(verbose: bool = False) -> None:
    """Hide other libraries' warnings from the screen (not the bot's own), unless verbose."""
    if verbose:
        warnings.simplefilter("default")
        return
    os.environ.update(QUIET_ENVIRONMENT)
    warnings.filterwarnings("ignore")
    warnings.filterwarnings("default", module=OWN_MODULES)
    # Libraries add their own filters when imported (one shows every DeprecationWarning
    # once), so filters alone do not hold: what reaches the screen is sieved as well.
    warnings.showwarning = _own_warnings_only(warnings.showwarning)
    logging.getLogger().setLevel(logging.ERROR)
    logging.getLogger(OWN_LOGGER).setLevel(logging.INFO)


def _own_warnings_only(show: Callable[..., None]) -> Callable[..., None]:
    def show_own(message, category, filename, lineno, file=None, line=None) -> None:
        if str(filename).startswith(OWN_CODE):
            show(message, category, filename, lineno, file, line)

    return show_own


def configure_logging(level: int = logging.INFO, log_file: Optional[Path] = None) -> None:
    from bot.assistant import quiet_rasa_logging
    from bot.telegram.app import quiet_logging

    handlers: list = [logging.StreamHandler()]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    logging.basicConfig(level=level, format=FORMAT, handlers=handlers, force=True)
    quiet_rasa_logging()
    quiet_logging()

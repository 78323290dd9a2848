"""Logging for the running bot: timestamps and levels, never what a user wrote.

Rasa logs message text at DEBUG and httpx logs request URLs, which hold the bot's token, at
INFO; both are held back here whatever the root level is (bot.assistant and
bot.telegram.app quieten them).
"""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Optional

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


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

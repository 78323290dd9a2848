"""Keyed hashes, so that no Telegram id is ever kept in clear.

Two kinds of key, kept apart from the statistics store:
- the conversation key names a chat's dialogue state for as long as it is kept;
- the day key counts distinct users in the statistics. A new one is made each day and the
  old ones are destroyed, so users are counted per day and can never be linked across days
  or back to Telegram (a plain hash could be reversed by trying every possible id).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Callable, Optional


def _read_or_create_key(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return bytes.fromhex(path.read_text().strip())
    key = secrets.token_bytes(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key.hex())
    return key


def keyed_hash(key: bytes, identity: str, length: int = 32) -> str:
    return hmac.new(key, identity.encode("utf-8"), hashlib.sha256).hexdigest()[:length]


class ConversationIds:
    """Turns a channel's chat identity into the id of its dialogue state."""

    def __init__(self, key_dir: Path) -> None:
        self._key = _read_or_create_key(key_dir / "conversation.key")

    def __call__(self, identity: str) -> str:
        return keyed_hash(self._key, identity)


class DailyPseudonyms:
    """Per-day pseudonyms for counting distinct users; yesterday's key is destroyed."""

    def __init__(self, key_dir: Path, today: Callable[[], dt.date] = lambda: dt.datetime.now(dt.timezone.utc).date()) -> None:
        self._dir = key_dir / "daily"
        self._today = today
        self._day: Optional[dt.date] = None
        self._key = b""

    def _rotate(self, day: dt.date) -> None:
        self._dir.mkdir(parents=True, exist_ok=True)
        current = self._dir / f"{day.isoformat()}.key"
        for old in self._dir.glob("*.key"):
            if old != current:
                old.unlink()
        self._key = _read_or_create_key(current)
        self._day = day

    def __call__(self, identity: str) -> str:
        day = self._today()
        if day != self._day:
            self._rotate(day)
        return keyed_hash(self._key, identity)

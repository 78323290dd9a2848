"""Sealing what the outbound queue must hold, so no Telegram id is ever stored in clear.

A queued reply has to name its chat to be sent at all. The chat id and the reply are kept
encrypted (Fernet: AES with an authentication code) with a key in the data folder's keys/,
apart from any queue; the queue's only clear column about a chat is a keyed hash, which keeps
each chat's replies in order without saying whose they are. Processes that share one queue
(Redis) must share the key folder too.
"""
from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, Dict

from cryptography.fernet import Fernet

from bot.pseudonyms import _read_or_create_key, keyed_hash


class Sealer:
    def __init__(self, key_dir: Path) -> None:
        key = _read_or_create_key(key_dir / "outbox.key")
        self._fernet = Fernet(base64.urlsafe_b64encode(key))
        self._key = key

    def chat_key(self, chat_id: int) -> str:
        return keyed_hash(self._key, f"chat:{chat_id}")

    def secret(self, purpose: str) -> str:
        """A secret for `purpose` that every process sharing the key folder knows."""
        return keyed_hash(self._key, f"secret:{purpose}", length=64)

    def seal(self, payload: Dict[str, Any]) -> bytes:
        return self._fernet.encrypt(json.dumps(payload, ensure_ascii=False).encode("utf-8"))

    def open(self, token: bytes) -> Dict[str, Any]:
        return json.loads(self._fernet.decrypt(token).decode("utf-8"))

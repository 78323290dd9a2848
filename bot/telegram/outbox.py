"""The outbound queue: the bot's replies, kept until Telegram has taken them.

The durable record of an update is its replies (the bot's own words, never the user's) and
its update id, written together in one transaction: once that is done the update counts as
handled and may be confirmed to Telegram. Before it, nothing of the update is kept anywhere,
so a crash makes Telegram deliver the update again (see bot/telegram/intake.py).

Each reply is sealed (bot/telegram/sealing.py): the chat id and the text are encrypted and
the only clear column about a chat is a keyed hash, which keeps a chat's replies in order.
Update ids already handled are kept for PROCESSED_RETENTION_SECONDS (Telegram keeps an
unconfirmed update for at most 24 hours), so an update delivered again is not answered twice.

SqliteOutbox is the one-process default, a file in REDHEART_DATA_DIR; RedisOutbox
(bot/telegram/outbox_redis.py) is shared by several processes.
"""
from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional, Protocol, Sequence

from bot.telegram.sealing import Sealer

PROCESSED_RETENTION_SECONDS = 48 * 3600
# Commits between two sweeps of expired update ids.
PRUNE_EVERY = 500


@dataclass(frozen=True)
class Outgoing:
    """One message to send. safety: its outcome, when unknown, is settled by sending it again."""

    chat_id: int
    html: str
    markup: Optional[Dict[str, Any]] = None
    safety: bool = False

    def sealed(self, sealer: Sealer) -> bytes:
        return sealer.seal({"chat": self.chat_id, "html": self.html, "markup": self.markup, "safety": self.safety})

    @classmethod
    def unsealed(cls, sealer: Sealer, token: bytes) -> "Outgoing":
        data = sealer.open(token)
        return cls(int(data["chat"]), data["html"], data.get("markup"), bool(data.get("safety")))


@dataclass(frozen=True)
class Queued:
    """A reply waiting in the queue: the first of its chat's replies not yet sent."""

    seq: int
    chat_key: str
    reply: Outgoing
    attempts: int
    # Handed out before and never settled: its sender died (or was stopped) mid-send, so
    # Telegram may have it already. It is sent again, and counted as a possible duplicate.
    retaken: bool = False


class Outbox(Protocol):
    def commit(self, update_id: int, replies: Sequence[Outgoing]) -> bool:
        """Queue an update's replies and mark it handled, atomically; False if it already was."""

    def is_processed(self, update_id: int) -> bool: ...

    def due(self, now: float, limit: int, busy: Sequence[str] = ()) -> List[Queued]:
        """The first waiting reply of each chat (not in `busy`) whose time has come, oldest first."""

    def sent(self, item: Queued) -> None:
        """The reply was taken by Telegram, or can never be: it leaves the queue."""

    def postpone(self, item: Queued, not_before: float) -> None:
        """Try the reply again at `not_before`; its chat's later replies wait behind it."""

    def waiting(self) -> int: ...

    def close(self) -> None: ...


SCHEMA = """
CREATE TABLE IF NOT EXISTS replies (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_key TEXT NOT NULL,
    sealed BLOB NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    not_before REAL NOT NULL DEFAULT 0,
    in_flight INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS replies_by_chat ON replies (chat_key, seq);
CREATE TABLE IF NOT EXISTS processed (update_id INTEGER PRIMARY KEY, at REAL NOT NULL);
CREATE INDEX IF NOT EXISTS processed_by_age ON processed (at);
"""


class SqliteOutbox:
    """The queue in one SQLite file. WAL: a commit survives the process being killed."""

    def __init__(self, path: Path, sealer: Sealer, clock=time.time) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.sealer = sealer
        self._clock = clock
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL mode loses nothing when the process dies; only a power cut could.
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()
        self._commits = 0

    def commit(self, update_id: int, replies: Sequence[Outgoing]) -> bool:
        now = self._clock()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                inserted = self._db.execute(
                    "INSERT OR IGNORE INTO processed (update_id, at) VALUES (?, ?)", (update_id, now)
                ).rowcount
                if inserted:
                    self._db.executemany(
                        "INSERT INTO replies (chat_key, sealed) VALUES (?, ?)",
                        [(self.sealer.chat_key(r.chat_id), r.sealed(self.sealer)) for r in replies],
                    )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._commits += 1
            if self._commits % PRUNE_EVERY == 0:
                self._db.execute("DELETE FROM processed WHERE at < ?", (now - PROCESSED_RETENTION_SECONDS,))
        return bool(inserted)

    def is_processed(self, update_id: int) -> bool:
        with self._lock:
            row = self._db.execute("SELECT 1 FROM processed WHERE update_id = ?", (update_id,)).fetchone()
        return row is not None

    def due(self, now: float, limit: int, busy: Sequence[str] = ()) -> List[Queued]:
        with self._lock:
            rows = self._db.execute(
                "SELECT r.seq, r.chat_key, r.sealed, r.attempts, r.in_flight FROM replies r"
                " JOIN (SELECT chat_key, MIN(seq) AS head FROM replies GROUP BY chat_key) h ON r.seq = h.head"
                " WHERE r.not_before <= ? ORDER BY r.seq",
                (now,),
            ).fetchall()
            skip = set(busy)
            fresh = [row for row in rows if row[1] not in skip][:limit]
            self._db.executemany("UPDATE replies SET in_flight = 1 WHERE seq = ?", [(row[0],) for row in fresh])
        return [Queued(seq, key, Outgoing.unsealed(self.sealer, sealed), attempts, bool(in_flight))
                for seq, key, sealed, attempts, in_flight in fresh]

    def sent(self, item: Queued) -> None:
        with self._lock:
            self._db.execute("DELETE FROM replies WHERE seq = ?", (item.seq,))

    def postpone(self, item: Queued, not_before: float) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE replies SET attempts = attempts + 1, not_before = ?, in_flight = 0 WHERE seq = ?",
                (not_before, item.seq),
            )

    def waiting(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM replies").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._db.close()

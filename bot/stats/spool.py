"""Usage events kept on disk while the statistics store is unreachable, so a restart loses none.

One JSON line per event, appended and synced; an event holds labels, the hour and the day's
pseudonym, never a message's text or a Telegram id. The file is bounded: past `capacity`
events, the recorder drops and counts new ones as it does when its memory buffer is full.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
from pathlib import Path
from typing import List, Sequence

from bot.stats.events import UsageEvent


class Spool:
    def __init__(self, path: Path, capacity: int = 100_000) -> None:
        self.path = path
        self.capacity = capacity
        path.parent.mkdir(parents=True, exist_ok=True)
        self._count = len(self.read())

    def __len__(self) -> int:
        return self._count

    def append(self, events: Sequence[UsageEvent]) -> int:
        """Keep as many of `events` as fit; how many did not."""
        kept = list(events[: max(self.capacity - self._count, 0)])
        if kept:
            lines = "".join(json.dumps({**dataclasses.asdict(e), "hour": e.hour.isoformat()}) + "\n" for e in kept)
            with open(self.path, "a", encoding="utf-8") as handle:
                handle.write(lines)
                handle.flush()
                os.fsync(handle.fileno())
            self._count += len(kept)
        return len(events) - len(kept)

    def read(self) -> List[UsageEvent]:
        if not self.path.exists():
            return []
        events = []
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                fields = json.loads(line)
                events.append(UsageEvent(**{**fields, "hour": dt.datetime.fromisoformat(fields["hour"])}))
            except (ValueError, TypeError, KeyError):
                continue  # a line cut short by a crash while it was written
        return events

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
        self._count = 0

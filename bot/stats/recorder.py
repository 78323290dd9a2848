"""Writing statistics without ever delaying or breaking a reply.

`StatsRecorder.record(event)` puts the event in a bounded in-memory buffer and returns at
once; it never raises. A background thread opens the store (upgrading its schema), writes
what is buffered, and folds old events into daily totals at start-up and once a day. While
the store is unreachable, events are moved to the spool on disk (bot/stats/spool.py), so a
restart or a kill loses none, and written when the store is back; the writer then tries
again after a backoff doubling up to `max_retry_seconds`, not on every new event. When the
buffer (or the spool) is full new events are dropped and counted, and the count is written
to the store as a daily total (`dropped_events`) with the next successful write. close()
writes what is in memory, or spools it when the store is down.

Nothing logged here carries an event's values: only counts and the kind of error.
"""
from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import logging
import threading
import time
from typing import Callable, Deque, Dict, Optional

from bot.stats.events import UsageEvent, usage_events
from bot.stats.spool import Spool
from bot.stats.store import StatsStore

logger = logging.getLogger(__name__)

BATCH = 500


def _fitted(event: UsageEvent) -> UsageEvent:
    """The event with every label cut to its column's length, so no write can fail on it."""
    changes = {}
    for column in usage_events.columns:
        value = getattr(event, column.name, None)
        length = getattr(column.type, "length", None)
        if isinstance(value, str) and length and len(value) > length:
            changes[column.name] = value[:length]
    return dataclasses.replace(event, **changes) if changes else event


def _utc_today() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


class StatsRecorder:
    def __init__(
        self,
        url: str,
        capacity: int = 10_000,
        retention_days: Optional[int] = 90,
        retry_seconds: float = 1.0,
        max_retry_seconds: float = 60.0,
        today: Callable[[], dt.date] = _utc_today,
        open_store: Callable[[str], StatsStore] = StatsStore,
        spool: Optional[Spool] = None,
    ) -> None:
        self.url = url
        self.capacity = max(int(capacity), 1)
        self.retention_days = retention_days
        self.retry_seconds = retry_seconds
        self.max_retry_seconds = max_retry_seconds
        self.today = today
        self._open_store = open_store
        self._store: Optional[StatsStore] = None
        self._buffer: Deque[UsageEvent] = collections.deque()
        self._dropped: Dict[dt.date, int] = {}
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._spool = spool
        self._spool_lock = threading.Lock()  # apart from _lock, which record() takes: disk is slow
        self._idle = threading.Condition(self._lock)
        self._stopping = False
        self._folded_on: Optional[dt.date] = None
        self.dropped_total = 0  # since start, for tests and the shutdown log line
        self._thread = threading.Thread(target=self._run, name="stats-writer", daemon=True)
        self._thread.start()

    # The bot's side: never blocks, never raises -------------------------------------------

    def record(self, event: UsageEvent) -> None:
        try:
            if not isinstance(event, UsageEvent):
                return  # nothing the store could take may block the events behind it
            event = _fitted(event)
            with self._lock:
                if len(self._buffer) >= self.capacity:
                    day = event.hour.date()
                    self._dropped[day] = self._dropped.get(day, 0) + 1
                    self.dropped_total += 1
                else:
                    self._buffer.append(event)
            self._wake.set()
        except Exception:  # pragma: no cover - nothing above should fail; a reply matters more
            pass

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._buffer)

    @property
    def store(self) -> Optional[StatsStore]:
        """The open store, for reading reports; None while it could not be opened."""
        return self._store

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything buffered or spooled (and every drop count) is written; False on timeout."""
        self._wake.set()
        with self._idle:
            return self._idle.wait_for(lambda: not self._buffer and not self._dropped and not self._spooled(), timeout)

    def _spooled(self) -> int:
        return len(self._spool) if self._spool is not None else 0

    def close(self, timeout: float = 5.0) -> None:
        """Write what can be written within `timeout`, then stop the writer and the store."""
        self._stopping = True
        self._wake.set()
        self._thread.join(timeout)
        self._to_spool()
        with self._lock:
            left, dropped = len(self._buffer), sum(self._dropped.values())
        if left or dropped:
            logger.warning("Stopped with %d usage event(s) unwritten and %d drop(s) uncounted", left, dropped)
        if self._store is not None:
            self._store.close()

    # The writer thread ------------------------------------------------------------------

    def _run(self) -> None:
        delay = self.retry_seconds
        while True:
            stopping = self._stopping
            try:
                self._step()
                delay = self.retry_seconds
                failed = False
            except Exception as error:  # the store is down or refused: keep the events, retry
                self._to_spool()
                logger.warning("Statistics store unavailable (%s); %d event(s) waiting, next try in %.0f s",
                               type(error).__name__, self.pending + self._spooled(), delay)
                failed = True
            if stopping:
                return
            if failed:
                self._wait_out(delay)
                delay = min(delay * 2, self.max_retry_seconds)
                if self._stopping:
                    # One last try to write what is buffered before the process ends.
                    try:
                        self._step()
                    except Exception:
                        pass
                    return
            else:
                # Wake for new events, and at least hourly to fold on a new day.
                self._wake.wait(3600)
            self._wake.clear()

    def _wait_out(self, delay: float) -> None:
        """The store failed: try it again after `delay`; meanwhile new events go to the spool."""
        deadline = time.monotonic() + delay
        while not self._stopping and deadline > time.monotonic():
            self._wake.wait(deadline - time.monotonic())
            self._wake.clear()
            self._to_spool()

    def _to_spool(self) -> None:
        """Move what waits in memory to the spool, where a restart will find it."""
        if self._spool is None:
            return
        with self._spool_lock:
            with self._lock:
                events = list(self._buffer)
                self._buffer.clear()
            left_out = self._spool.append(events)
        with self._lock:
            for event in events[len(events) - left_out:]:
                day = event.hour.date()
                self._dropped[day] = self._dropped.get(day, 0) + 1
                self.dropped_total += 1

    def _step(self) -> None:
        if self._store is None:
            self._store = self._open_store(self.url)
        store = self._store
        if self._spooled():
            with self._spool_lock:
                store.write(self._spool.read(), {})
                self._spool.clear()
        today = self.today()
        if self.retention_days is not None and self._folded_on != today:
            folded = store.fold(today, self.retention_days)
            self._folded_on = today
            if folded:
                logger.info("Folded %d usage event(s) older than %d days into daily totals", folded, self.retention_days)
        while True:
            with self._lock:
                batch = [self._buffer[index] for index in range(min(len(self._buffer), BATCH))]
                dropped = dict(self._dropped)
            if not batch and not any(dropped.values()):
                with self._idle:
                    self._idle.notify_all()
                return
            store.write(batch, dropped)
            with self._lock:
                for _ in batch:
                    self._buffer.popleft()
                for day, count in dropped.items():
                    remaining = self._dropped.get(day, 0) - count
                    if remaining > 0:
                        self._dropped[day] = remaining
                    else:
                        self._dropped.pop(day, None)

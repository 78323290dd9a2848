"""A Rasa tracker store that never keeps what a user wrote.

Rasa's own stores keep the full text of every message (in the event's `text` and in its
`parse_data`). This store removes it before a conversation's state is kept, keeps only the
current session, and forgets a conversation after a configurable idle time.
"""
from __future__ import annotations

import time
from typing import Callable, Dict, Iterable, Optional, Text, Tuple

from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

# How many saves pass between sweeps of idle conversations.
SWEEP_EVERY = 256
# Events kept per conversation. Rules look back a few turns only; a longer history would
# only make every prediction slower (Rasa replays the events each turn).
MAX_EVENTS = 30


def redact(tracker: DialogueStateTracker) -> None:
    """Blank the user's words in every event of the tracker, in place."""
    for event in tracker.events:
        if isinstance(event, UserUttered):
            event.text = None
            if event.parse_data:
                event.parse_data["text"] = None


def _current_session(tracker: DialogueStateTracker) -> DialogueStateTracker:
    starts = [
        index
        for index, event in enumerate(tracker.events)
        if isinstance(event, ActionExecuted) and event.action_name == ACTION_SESSION_START_NAME
    ]
    if len(starts) <= 1:
        return tracker
    events = list(tracker.events)[starts[-1] :]
    return DialogueStateTracker.from_events(
        tracker.sender_id, events, tracker.slots.values(), tracker._max_event_history
    )


class PrivateTrackerStore(TrackerStore):
    """In-memory conversation state without user text, forgotten when idle."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        idle_seconds: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(domain)
        self.max_event_history = MAX_EVENTS
        self.idle_seconds = idle_seconds
        self._clock = clock
        self._trackers: Dict[Text, Tuple[float, DialogueStateTracker]] = {}
        self._saves = 0

    async def save(self, tracker: DialogueStateTracker) -> None:
        redact(tracker)
        self._trackers[tracker.sender_id] = (self._clock(), _current_session(tracker))
        self._saves += 1
        if self._saves % SWEEP_EVERY == 0:
            self.forget_idle()

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        entry = self._trackers.get(sender_id)
        if entry is None:
            return None
        saved_at, tracker = entry
        if self._clock() - saved_at > self.idle_seconds:
            del self._trackers[sender_id]
            return None
        return tracker

    async def keys(self) -> Iterable[Text]:
        return list(self._trackers)

    async def delete(self, sender_id: Text) -> bool:
        """Forget one conversation; True if there was one."""
        return self._trackers.pop(sender_id, None) is not None

    def forget_idle(self) -> int:
        now = self._clock()
        idle = [key for key, (saved_at, _) in self._trackers.items() if now - saved_at > self.idle_seconds]
        for key in idle:
            del self._trackers[key]
        return len(idle)

"""Rasa runtime glue: load the trained model in-process and turn one message into replies.

Rasa's HTTP API is never started: the model runs inside this process, and only models this
project trained are loaded.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

from bot import paths
from bot.content.load import load_content
from bot.content.schema import DEFAULT_LANGUAGE
from bot.replies.catalogue import Catalogue

os.environ["RASA_TELEMETRY_ENABLED"] = "false"
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# Rasa logs message text at DEBUG level; nothing below WARNING from these ever reaches a log.
NOISY_LOGGERS = ("rasa", "tensorflow", "absl", "sanic", "apscheduler", "asyncio", "matplotlib", "h5py")


def quiet_rasa_logging() -> None:
    """Keep Rasa (and the libraries it loads) at WARNING so no user text is logged."""
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Response:
    text: str
    buttons: List[Button] = field(default_factory=list)
    # Data a front end may use (the Telegram menus' labels), never shown as it is.
    custom: Dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Turn:
    """What the model made of one message and what the bot answered."""

    intent: str
    confidence: float
    responses: List[Response]
    actions: List[str]
    # The language the reply was given in (the conversation's `language` slot).
    language: str = "en"


FALLBACK_INTENT = "nlu_fallback"
ASK_BACK_CHOICES = 3


def _collector() -> Any:
    from rasa.core.channels.channel import CollectingOutputChannel

    class WholeMessages(CollectingOutputChannel):
        """Collects each response whole: Rasa's channels split text at blank lines."""

        async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
            await self._persist_message(self._message(recipient_id, text=text))

    return WholeMessages()


class Assistant:
    """A loaded Rasa model with the project's private tracker store and the replies of content/."""

    def __init__(self, agent: Any, catalogue: Catalogue) -> None:
        self.agent = agent
        self.catalogue = catalogue

    @classmethod
    def load(
        cls, model_path: Path = paths.MODEL_FILE, idle_seconds: float = 3600.0, content_dir: Path = paths.CONTENT_DIR,
        tracker_store: Any = None,
    ) -> "Assistant":
        if not Path(model_path).exists():
            raise FileNotFoundError(f"No trained model at {model_path}: run `redheart train` first.")
        quiet_rasa_logging()
        from rasa.core.agent import Agent

        from bot.graph_runner import SequentialGraphRunner
        from bot.replies.generator import ContentReplies
        from bot.tracker_store import PrivateTrackerStore

        catalogue = Catalogue(load_content(content_dir))
        # Another store (bot/redis_state.py, for several processes) wraps the same redaction.
        agent = Agent.load(
            str(model_path), generator=ContentReplies(catalogue),
            tracker_store=tracker_store or PrivateTrackerStore(idle_seconds=idle_seconds),
        )
        agent.processor.graph_runner = SequentialGraphRunner(agent.processor.graph_runner)
        return cls(agent, catalogue)

    def slot_values(self, slot: str) -> List[str]:
        """The values a categorical slot of the model can take (languages, countries)."""
        for candidate in self.agent.domain.slots:
            if candidate.name == slot:
                return [str(v) for v in getattr(candidate, "values", []) if v != "__other__"]
        return []

    @property
    def tracker_store(self) -> Any:
        # Agent wraps the store in a FailSafeTrackerStore.
        return self.agent.tracker_store._tracker_store

    async def respond(self, conversation_id: str, text: str, slots: Dict[str, Optional[str]]) -> Turn:
        """Handle one message of one conversation; a slot given as None keeps its value."""
        from rasa.core.channels.channel import UserMessage
        from rasa.shared.core.events import SlotSet

        processor = self.agent.processor
        channel = _collector()
        async with self.agent.lock_store.lock(conversation_id):
            tracker = await processor.fetch_tracker_and_update_session(conversation_id, channel)
            changed = [SlotSet(k, v) for k, v in slots.items() if v is not None and tracker.get_slot(k) != v]
            if changed:
                tracker.update_with_events(changed, self.agent.domain)
                await processor.save_tracker(tracker)
            await processor.handle_message(UserMessage(text, channel, conversation_id))
            tracker = await processor.get_tracker(conversation_id)
            parse = tracker.latest_message.parse_data if tracker.latest_message else {}
            intent = (parse.get("intent") or {}).get("name") or ""
            confidence = float((parse.get("intent") or {}).get("confidence") or 0.0)
            actions = _actions_since_last_message(tracker)
            language = str(tracker.get_slot("language") or DEFAULT_LANGUAGE)
        responses = _responses(channel.messages, parse.get("intent_ranking") or [])
        return Turn(intent=intent, confidence=confidence, responses=responses, actions=actions, language=language)


def _actions_since_last_message(tracker: Any) -> List[str]:
    from rasa.shared.core.events import ActionExecuted, UserUttered

    actions: List[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted) and event.action_name:
            actions.append(event.action_name)
    return actions[::-1]


def _choices(custom: Dict[str, Any], ranking: List[Dict[str, Any]]) -> List[Button]:
    """The most likely items that have a label and score enough, as buttons."""
    labels, minimum = custom["labels"], custom.get("min_score", 0.0)
    ranked = [r.get("name") for r in ranking if r.get("name") != FALLBACK_INTENT and (r.get("confidence") or 0.0) >= minimum]
    return [Button(labels[name], f"/{name}") for name in ranked if name in labels][: custom.get("choices", ASK_BACK_CHOICES)]


def _responses(messages: List[Dict[str, Any]], ranking: List[Dict[str, Any]]) -> List[Response]:
    """Rasa's collected messages as responses; a response's custom labels become choices."""
    responses: List[Response] = []
    for message in messages:
        buttons = [Button(str(b.get("title", "")), str(b.get("payload", ""))) for b in message.get("buttons") or []]
        custom = message.get("custom") or {}
        if custom and responses:
            last = responses.pop()
            shown = {button.payload for button in last.buttons}
            choices = [b for b in _choices(custom, ranking) if b.payload not in shown] if custom.get("labels") else []
            extra = {key: value for key, value in custom.items() if key not in ("labels", "choices", "min_score")}
            responses.append(Response(last.text, last.buttons + choices, {**last.custom, **extra}))
        if message.get("text"):
            responses.append(Response(text=str(message["text"]), buttons=buttons))
    return responses

"""Rasa's response generator for this bot: each reply rendered from content/ for the
conversation's `language`, `country` and last item (`topic`) slots."""
from __future__ import annotations

from typing import Any, Dict, Optional, Text

from rasa.core.nlg import NaturalLanguageGenerator
from rasa.shared.core.trackers import DialogueStateTracker

from bot.replies.catalogue import Catalogue
from bot.replies.cards import TOPIC_SLOT


class ContentReplies(NaturalLanguageGenerator):
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    async def generate(
        self, utter_action: Text, tracker: DialogueStateTracker, output_channel: Text, **kwargs: Any
    ) -> Optional[Dict[Text, Any]]:
        audience = self.catalogue.audience(tracker.get_slot("language"), tracker.get_slot("country"))
        return self.catalogue.render(utter_action, audience, tracker.get_slot(TOPIC_SLOT))

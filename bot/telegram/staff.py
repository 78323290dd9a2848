"""/stats for campaign staff: a short summary and a chart, with small counts hidden.

Staff are recognised by comparing the sender's Telegram user id with REDHEART_STAFF_IDS, in
memory only; the id is never stored or logged. The handler runs in a group before the others
(see add_handlers): for anyone who is not staff it does nothing, so the update goes on to the
usual handlers and gets exactly what an unknown command gets. Staff requests stop there and
are not counted as usage.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import functools
import logging
from typing import Optional, Tuple

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CommandHandler, ContextTypes, filters

from bot.conversation import language_code
from bot.stats.config import StatsSettings

logger = logging.getLogger(__name__)

STAFF_IDS = "staff_ids"  # bot_data key: the frozenset of staff Telegram ids, from the settings
GROUP = -1  # runs before the conversation handlers in group 0
DAYS = 30
# Reports read the database in their own thread, so a slow or unreachable store can not take
# the threads replies use.
_reports = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="stats-report")


def is_staff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and user.id in context.bot_data.get(STAFF_IDS, frozenset())


@functools.lru_cache(maxsize=None)
def _names(language: str):
    from bot.stats.names import Names

    return Names.load(language)


def _summary(store, today: dt.date, language: str) -> Tuple[str, Optional[bytes], str]:
    """The summary, the chart over time (None when there is one day to show) and its caption."""
    from bot.stats.charts import chart
    from bot.stats.render import summary_text
    from bot.stats.report import build_report

    names = _names(language)
    threshold = StatsSettings.from_env().suppression_threshold
    since = today - dt.timedelta(days=DAYS - 1)
    report = build_report(store, names, since=since, until=today, by="day", threshold=threshold)
    picture = chart(report, "periods")
    return summary_text(report), picture.png if picture else None, names.text("telegram_caption", days=DAYS)


async def on_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None or not is_staff(update, context):
        return  # not handled here: the other handlers treat it like any unknown command
    # The report speaks the staff member's Telegram language where content/ has it.
    language = language_code(update.effective_user.language_code if update.effective_user else None)
    conversations = context.application.bot_data.get("conversations")
    recorder = getattr(conversations, "stats", None)
    store: Optional[object] = getattr(recorder, "store", None)
    loop = asyncio.get_running_loop()
    today = dt.datetime.now(dt.timezone.utc).date()
    try:
        if store is None:
            raise ConnectionError("no statistics store")
        text, picture, caption = await loop.run_in_executor(_reports, _summary, store, today, language)
    except Exception as error:
        logger.warning("Could not build the statistics summary (%s)", type(error).__name__)
        names = await loop.run_in_executor(_reports, _names, language)
        await context.bot.send_message(chat.id, names.text("telegram_unavailable"))
        raise ApplicationHandlerStop
    await context.bot.send_message(chat.id, text)
    if picture is not None:
        await context.bot.send_photo(chat.id, photo=picture, caption=caption)
    raise ApplicationHandlerStop


def stats_handler() -> CommandHandler:
    """Register with application.add_handler(stats_handler(), group=GROUP)."""
    return CommandHandler("stats", on_stats, filters=filters.ChatType.PRIVATE)

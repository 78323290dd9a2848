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
import logging
from typing import Optional, Tuple

from telegram import Update
from telegram.ext import ApplicationHandlerStop, CommandHandler, ContextTypes, filters

from bot.stats.config import StatsSettings

logger = logging.getLogger(__name__)

STAFF_IDS = "staff_ids"  # bot_data key: the frozenset of staff Telegram ids, from the settings
GROUP = -1  # runs before the conversation handlers in group 0
DAYS = 30
UNAVAILABLE = "Statistics are not available right now: the statistics store can not be reached."
# Reports read the database in their own thread, so a slow or unreachable store can not take
# the threads replies use.
_reports = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="stats-report")


def is_staff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and user.id in context.bot_data.get(STAFF_IDS, frozenset())


def _summary(store, today: dt.date) -> Tuple[str, bytes]:
    from bot.stats.charts import messages_chart
    from bot.stats.report import build_report, summary_text

    threshold = StatsSettings.from_env().suppression_threshold
    report = build_report(store, since=today - dt.timedelta(days=DAYS - 1), until=today, by="day", threshold=threshold)
    return summary_text(report), messages_chart(report)


async def on_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    chat = update.effective_chat
    if chat is None or not is_staff(update, context):
        return  # not handled here: the other handlers treat it like any unknown command
    conversations = context.application.bot_data.get("conversations")
    recorder = getattr(conversations, "stats", None)
    store: Optional[object] = getattr(recorder, "store", None)
    if store is None:
        await context.bot.send_message(chat.id, UNAVAILABLE)
        raise ApplicationHandlerStop
    today = dt.datetime.now(dt.timezone.utc).date()
    try:
        text, chart = await asyncio.get_running_loop().run_in_executor(_reports, _summary, store, today)
    except Exception as error:
        logger.warning("Could not build the statistics summary (%s)", type(error).__name__)
        await context.bot.send_message(chat.id, UNAVAILABLE)
        raise ApplicationHandlerStop
    await context.bot.send_message(chat.id, text)
    await context.bot.send_photo(chat.id, photo=chart, caption=f"Messages per day, last {DAYS} days")
    raise ApplicationHandlerStop


def stats_handler() -> CommandHandler:
    """Register with application.add_handler(stats_handler(), group=GROUP)."""
    return CommandHandler("stats", on_stats, filters=filters.ChatType.PRIVATE)

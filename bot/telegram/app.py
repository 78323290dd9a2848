"""The Telegram bot: one Application, typed async handlers, an error handler.

Every message goes through bot.conversation, like the terminal chat. No handler logs what
a user wrote or who they are.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Callable, Optional

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.conversation import Conversations
from bot.runtime import close_conversations, open_conversations
from bot.settings import Settings
from bot.telegram.render import keyboard, split_message, to_html
from bot.telegram.staff import GROUP, STAFF_IDS, stats_handler

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
CONVERSATIONS = "conversations"
# Commands and the intent each one asks for.
COMMAND_INTENTS = {"start": "greet", "help": "help", "helplines": "helplines"}


def conversations_of(context: ContextTypes.DEFAULT_TYPE) -> Conversations:
    return context.application.bot_data[CONVERSATIONS]


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE, text: Optional[str]) -> None:
    """Run one message through the conversation and send every reply, in order."""
    chat = update.effective_chat
    user = update.effective_user
    if chat is None:
        return
    reply = await conversations_of(context).handle(
        CHANNEL, str(chat.id), text, language=user.language_code if user else None
    )
    for response in reply.turn.responses:
        parts = split_message(response.text)
        for index, part in enumerate(parts):
            markup = keyboard(response.buttons) if index == len(parts) - 1 else None
            await context.bot.send_message(chat.id, to_html(part), parse_mode=ParseMode.HTML, reply_markup=markup)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await answer(update, context, update.effective_message.text if update.effective_message else None)


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = update.effective_message.text if update.effective_message else ""
    command = (text or "").split()[0].lstrip("/").split("@")[0].lower()
    await answer(update, context, f"/{COMMAND_INTENTS[command]}")


async def on_not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice and the like: never downloaded, answered kindly."""
    await answer(update, context, None)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    await answer(update, context, query.data)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    # The update itself is not logged: it holds what the user wrote and who they are.
    logger.error("Error while handling an update", exc_info=context.error)


def add_handlers(application: Application) -> None:
    private = filters.ChatType.PRIVATE
    application.add_handler(stats_handler(), group=GROUP)  # staff only; others fall through
    application.add_handler(CommandHandler(list(COMMAND_INTENTS), on_command))
    application.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, on_text))
    application.add_handler(MessageHandler(private & ~filters.TEXT & filters.UpdateType.MESSAGE, on_not_text))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_error_handler(on_error)


def build_application(
    settings: Settings,
    open_shared: Callable[[Settings], Conversations] = open_conversations,
) -> Application:
    """One Application; the model and stats store open in post_init and close in post_shutdown."""

    async def post_init(application: Application) -> None:
        application.bot_data[CONVERSATIONS] = await asyncio.to_thread(open_shared, settings)

    async def post_shutdown(application: Application) -> None:
        conversations = application.bot_data.pop(CONVERSATIONS, None)
        if conversations is not None:
            close_conversations(conversations)

    if not settings.telegram_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    builder: ApplicationBuilder = (
        Application.builder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_api_base_url)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    application = builder.build()
    application.bot_data[STAFF_IDS] = settings.staff_ids
    add_handlers(application)
    return application


def run(settings: Settings) -> None:
    """Long polling, or a webhook when a public webhook URL is configured."""
    application = build_application(settings)
    if settings.webhook_url:
        if not settings.webhook_secret:
            raise ValueError("TELEGRAM_WEBHOOK_SECRET is required with TELEGRAM_WEBHOOK_URL")
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=settings.webhook_path,
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)

"""The Telegram bot's assembly: one Application, its Bot API requests and rate limiter, the
model and statistics opened in post_init and closed in post_shutdown, polling or a webhook.
The handlers are in bot/telegram/handlers.py."""
from __future__ import annotations

import asyncio
import functools
import logging
from typing import Callable

from telegram import BotCommand, Update
from telegram.ext import Application, ApplicationBuilder
from telegram.request import HTTPXRequest

from bot.conversation import Conversations
from bot.runtime import close_conversations, open_conversations
from bot.settings import Settings
from bot.telegram import interface as ui
from bot.telegram import service
from bot.telegram.budget import PacedRateLimiter, paced_limiter
from bot.telegram.delivery import CONCURRENT_SENDS
from bot.telegram.handlers import COMMAND_INTENTS, CONVERSATIONS, add_handlers, could_not_answer
from bot.telegram.staff import STAFF_IDS

# Bot API timeouts (seconds); the read timeout is REDHEART_SEND_TIMEOUT (delivery.py says
# what a timeout means for the reply).
CONNECT_TIMEOUT = 5.0
WRITE_TIMEOUT = 20.0
POOL_TIMEOUT = 5.0
# Libraries that would log request URLs (holding the token) or whole updates below WARNING.
QUIET_LOGGERS = {"httpx": logging.WARNING, "httpcore": logging.WARNING, "telegram": logging.INFO}


def quiet_logging() -> None:
    for name, level in QUIET_LOGGERS.items():
        logging.getLogger(name).setLevel(level)


async def set_commands(application: Application, conversations: Conversations) -> None:
    """The menu of commands, in every language the content has descriptions in."""
    for language in [None, *conversations.languages]:
        prefs = ui.Preferences(language or "en", "BD")
        described = ui.interface(conversations, prefs)["commands"]
        commands = [BotCommand(name, described[name]) for name in COMMAND_INTENTS if described.get(name)]
        if language is not None and language != "en" and described == ui.interface(
            conversations, ui.Preferences("en", "BD")
        )["commands"]:
            continue  # the same as the default menu
        await application.bot.set_my_commands(commands, language_code=language)


def rate_limiter(settings: Settings) -> PacedRateLimiter:
    """30 messages in any second, 429s waited out and retried; with Redis, shared by all processes."""
    return paced_limiter(settings.redis_url)


def build_application(
    settings: Settings,
    open_shared: Callable[[Settings], Conversations] = open_conversations,
) -> Application:
    """One Application; the model and stats store open in post_init and close in post_shutdown."""

    async def post_init(application: Application) -> None:
        conversations = await asyncio.to_thread(open_shared, settings)
        application.bot_data[CONVERSATIONS] = conversations
        await set_commands(application, conversations)
        service.start_dispatcher(application, conversations)

    async def post_stop(application: Application) -> None:
        service.exit_if_stop_hangs()  # webhook mode: python-telegram-bot took the signal

    async def post_shutdown(application: Application) -> None:
        await service.stop_dispatcher(application)  # before the statistics it counts into close
        conversations = application.bot_data.pop(CONVERSATIONS, None)
        if conversations is not None:
            close_conversations(conversations)

    if not settings.telegram_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    quiet_logging()

    def request() -> HTTPXRequest:
        return HTTPXRequest(
            # One connection per send the dispatcher may have in flight, so none waits for a pool.
            connection_pool_size=CONCURRENT_SENDS,
            connect_timeout=CONNECT_TIMEOUT,
            read_timeout=settings.send_timeout,
            write_timeout=WRITE_TIMEOUT,
            pool_timeout=POOL_TIMEOUT,
        )

    builder: ApplicationBuilder = (
        Application.builder()
        .token(settings.telegram_token)
        .base_url(settings.telegram_api_base_url)
        .request(request())
        .get_updates_request(request())
        .rate_limiter(rate_limiter(settings))
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
    )
    builder, delivery = service.with_delivery(builder, settings)
    application = builder.build()
    application.bot_data[service.DELIVERY] = delivery
    application.bot_data[STAFF_IDS] = settings.staff_ids
    delivery.processor.could_not_answer = functools.partial(could_not_answer, application)
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
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        service.serve_polling(application, settings)

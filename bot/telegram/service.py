"""How updates reach the handlers and replies reach Telegram, in one process or several.

    Telegram ──getUpdates / webhook──> AcknowledgingQueue ──> DurableUpdateProcessor
        (per-chat lock, handlers) ──replies + update id, one transaction──> outbox
        ──> Dispatcher ──sendMessage, retried──> Telegram

An update is confirmed to Telegram only after its replies are in the outbox (intake.py).
The outbox is an SQLite file in REDHEART_DATA_DIR by default, or Redis when REDHEART_REDIS_URL
is set, so that several processes share it (outbox.py, outbox_redis.py).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import faulthandler
import re
import signal
from dataclasses import dataclass, field
from typing import FrozenSet, Optional

from telegram import Update
from telegram.ext import Application, ApplicationBuilder

from bot import paths
from bot.content.load import load_content
from bot.conversation import Conversations
from bot.settings import Settings
from bot.safety import SAFETY_KINDS
from bot.stats.events import delivery_event
from bot.telegram import handoff
from bot.telegram.delivery import Dispatcher
from bot.telegram.intake import POLL_TIMEOUT, AcknowledgingQueue, DurableUpdateProcessor, PollingReceiver
from bot.telegram.lease import ReceiverLease
from bot.telegram.outbox import Outbox, Outgoing, SqliteOutbox
from bot.telegram.sealing import Sealer

DELIVERY = "delivery"
# Seconds a process may take to stop after SIGTERM or SIGINT (the dispatcher's 10 s of sends,
# the statistics, the stores) before it exits anyway: one stop hung once under load (README,
# Delivery). Exiting loses nothing: unsent replies stay in the outbox, unconfirmed updates
# come again from Telegram, and statistics not yet written are the most it can cost.
STOP_DEADLINE = 30.0
# Answers whose loss would cost most: sent again when a send's outcome is unknown.
SAFETY_INTENTS = SAFETY_KINDS


@dataclass
class Delivery:
    outbox: Outbox
    processor: DurableUpdateProcessor
    queue: AcknowledgingQueue
    emergency: "re.Pattern[str]"
    dispatcher: Optional[Dispatcher] = field(default=None)

    def wake(self) -> None:
        if self.dispatcher is not None:
            self.dispatcher.wake()


def open_outbox(settings: Settings) -> Outbox:
    sealer = Sealer(settings.data_dir / "keys")
    if settings.redis_url:
        from bot.telegram.outbox_redis import RedisOutbox

        # A claimed chat is left alone for as long as a send to it can take.
        return RedisOutbox(settings.redis_url, sealer, lease=2 * settings.send_timeout + 10)
    return SqliteOutbox(settings.data_dir / "outbox.sqlite3", sealer)


def emergency_numbers() -> FrozenSet[str]:
    """Every country's emergency number, as the content lists it."""
    content = load_content(paths.CONTENT_DIR)
    return frozenset(
        contact.value
        for country in content.countries.values()
        for contact in content.helplines[country.emergency].contacts
        if contact.type == "phone"
    )


def with_delivery(builder: ApplicationBuilder, settings: Settings) -> tuple[ApplicationBuilder, Delivery]:
    outbox = open_outbox(settings)
    processor = DurableUpdateProcessor(outbox)
    queue = AcknowledgingQueue()
    queue.processor = processor
    numbers = "|".join(re.escape(number) for number in sorted(emergency_numbers()))
    delivery = Delivery(outbox, processor, queue, re.compile(rf"(?<![0-9])(?:{numbers})(?![0-9])"))
    processor.on_queued = delivery.wake  # replies just queued are sent at once
    return builder.update_queue(queue).concurrent_updates(processor), delivery


def delivery_of(application: Application) -> Delivery:
    return application.bot_data[DELIVERY]


def queue_reply(application: Application, update: Update, outgoing: Outgoing) -> None:
    delivery_of(application).processor.reply(update, outgoing)


def names_emergency(application: Application, text: str) -> bool:
    return bool(delivery_of(application).emergency.search(text))


def start_dispatcher(application: Application, conversations: Conversations) -> None:
    """Send what is queued, including what a previous run left."""

    def count(name: str) -> None:
        if conversations.stats is not None:
            conversations.stats.record(delivery_event(name, dt.datetime.now(dt.timezone.utc)))

    delivery = delivery_of(application)
    delivery.dispatcher = Dispatcher(application.bot, delivery.outbox, count)
    delivery.dispatcher.start()


async def stop_dispatcher(application: Application) -> None:
    delivery = delivery_of(application)
    if delivery.dispatcher is not None:
        await delivery.dispatcher.stop()
        delivery.dispatcher = None
    delivery.outbox.close()


def exit_if_stop_hangs(seconds: float = STOP_DEADLINE) -> None:
    """If the process still runs `seconds` from now, print where every thread is (file, line
    and function only: no values, so no user text) to stderr and exit with status 1."""
    faulthandler.dump_traceback_later(seconds, exit=True)


async def begin(application: Application) -> None:
    await application.initialize()
    await application.post_init(application)  # type: ignore[misc]
    await application.start()


async def end(application: Application) -> None:
    await application.stop()
    await application.post_shutdown(application)  # type: ignore[misc]
    await application.shutdown()


async def begin_polling(application: Application, timeout: int = POLL_TIMEOUT) -> PollingReceiver:
    await begin(application)
    receiver = PollingReceiver(application, Update.ALL_TYPES, timeout=timeout)
    await receiver.start()
    return receiver


async def end_polling(application: Application, receiver: PollingReceiver) -> None:
    await receiver.stop()
    await end(application)


def serve_polling(application: Application, settings: Settings) -> None:
    """Long polling until SIGINT or SIGTERM; then what is due is sent and the rest kept.

    With Redis, several processes run: the one holding the receiver lease polls and hands
    each chat's updates to one of them (handoff.py), and all of them send what is queued.
    """

    async def serve() -> None:
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()

        def stop() -> None:
            exit_if_stop_hangs()
            stopping.set()

        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop)
        if settings.redis_url:
            import redis.asyncio

            await begin(application)
            client = redis.asyncio.Redis.from_url(settings.redis_url)
            token = Sealer(settings.data_dir / "keys").secret("handoff")
            async with handoff.serving(application, client, token, settings.handoff_host, settings.handoff_port) as hand:
                lease = ReceiverLease(client, lambda: PollingReceiver(application, Update.ALL_TYPES, hand=hand))
                await lease.hold(stopping)
            await end(application)
            await client.close()
        else:
            receiver = await begin_polling(application)
            await stopping.wait()
            await end_polling(application, receiver)

    asyncio.run(serve())

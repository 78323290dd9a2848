"""Alembic environment: the store hands over an open connection (see bot.stats.store.upgrade).

There is no alembic.ini: the script location is set in code, and logging is left alone
(Alembic's fileConfig would reconfigure the bot's loggers).
"""
from __future__ import annotations

from alembic import context

from bot.stats.events import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # `alembic` run by hand with -x url=...
    from sqlalchemy import create_engine

    url = context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("Pass the database URL: alembic -x url=sqlite:///data/stats.sqlite3 upgrade head")
    with create_engine(url, future=True).begin() as own_connection:
        context.configure(connection=own_connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()

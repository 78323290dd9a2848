"""The Telegram front end, built on python-telegram-bot."""

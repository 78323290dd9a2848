"""The bot's replies, rendered from content/ for a language and a country."""

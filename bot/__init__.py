"""The Red Heart bot: the campaign booklet made conversational, on Telegram."""

"""Domain words of the Chinese gaokao shared by the ETL and the bot: regions, terms, names."""

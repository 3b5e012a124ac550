"""The bot core: parsing, name resolution, querying and answers, independent of any chat door."""

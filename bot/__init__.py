"""The gaokao chat bot: message understanding, answers and chat doors."""

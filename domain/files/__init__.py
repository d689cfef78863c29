"""File metadata: ``BotFile`` versions and indexing, file names and version ids."""

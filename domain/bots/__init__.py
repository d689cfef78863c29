"""The bot aggregate: registration, deletion and incarnations."""

"""``store.bots``."""

"""``store.memories`` and ``store.audit``."""

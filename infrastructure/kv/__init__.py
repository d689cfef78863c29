"""``store.kv``."""

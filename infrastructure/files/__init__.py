"""``store.files``."""

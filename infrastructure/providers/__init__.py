"""``store.providers`` and ``store.provider_health``."""

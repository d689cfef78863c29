"""The ``bots`` read model."""

"""The ``providers`` read model: ``provider_health`` and breaker state."""

"""LLM-provider health: the ``Provider`` aggregate and its circuit breaker."""

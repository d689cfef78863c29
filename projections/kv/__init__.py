"""The ``kv`` read model: ``bot_kv_store`` and its queries."""

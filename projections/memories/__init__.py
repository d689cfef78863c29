"""The ``memory_audit`` read model: the audit log, memory status and shares."""

"""The event index: one row per logged event, to find events without a scan."""

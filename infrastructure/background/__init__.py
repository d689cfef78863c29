"""Background projection: runners that follow the log, and waiting for them.

In background mode (``open_store(projections="background")``) a write commits
its events alone; runners (``boternity-store projections run``,
:class:`~.follower.Follower`) project them, and ``store.wait_for(position)``
waits until they have (:mod:`.waiter`).
"""

"""The per-bot key-value store: one ``KvKey`` stream per key, and the ``KvStore``
protocol.
"""

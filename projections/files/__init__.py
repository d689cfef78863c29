"""The ``files`` read model: ``bot_files``, versions and indexing status."""

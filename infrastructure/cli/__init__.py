"""The ``boternity-store`` command line."""

from __future__ import annotations

from boternity_store.infrastructure.cli.main import app, main

__all__ = ["app", "main"]

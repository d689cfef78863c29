"""``boternity-store bench``: our cost measured against the seed's CRUD design."""

from __future__ import annotations

from boternity_store.infrastructure.bench.run import BenchSizes, Figure, run_bench

__all__ = ["BenchSizes", "Figure", "run_bench"]

"""The store's testing kit (``pip install "boternity-store[testing]"``).

- :mod:`~boternity_store.testing.strategies`: hypothesis strategies for valid
  input (with the hard cases) and for invalid input paired with its error;
- :class:`ModelStore`: a pure-Python reference model with the store's API;
- :class:`StoreMachine`: a state machine that drives a real store and the
  model side by side and compares every answer; subclass it for your rules;
- :func:`given`: given/when/then tests of the domain's aggregates, no database;
- :class:`FakeClock`; and a pytest plugin with the fixtures ``store``,
  ``store_factory`` and ``fake_clock``.

Names are imported on first use, so the pytest plugin costs little to load.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from boternity_store.domain.lazy_exports import lazy_exports

if TYPE_CHECKING:
    from boternity_store.testing.answers import Universe, plain, read_answers
    from boternity_store.testing.clock import FakeClock
    from boternity_store.testing.fixtures import AggregateFixture, Expect, given
    from boternity_store.testing.machine import Mismatch, StoreMachine
    from boternity_store.testing.model import ModelStore

_EXPORTS = {
    "AggregateFixture": "boternity_store.testing.fixtures",
    "Expect": "boternity_store.testing.fixtures",
    "FakeClock": "boternity_store.testing.clock",
    "Mismatch": "boternity_store.testing.machine",
    "ModelStore": "boternity_store.testing.model",
    "StoreMachine": "boternity_store.testing.machine",
    "Universe": "boternity_store.testing.answers",
    "given": "boternity_store.testing.fixtures",
    "plain": "boternity_store.testing.answers",
    "read_answers": "boternity_store.testing.answers",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

__all__ = [
    "AggregateFixture",
    "Expect",
    "FakeClock",
    "Mismatch",
    "ModelStore",
    "StoreMachine",
    "Universe",
    "given",
    "plain",
    "read_answers",
]

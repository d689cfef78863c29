"""A reference model of the store (see :class:`ModelStore`)."""

from boternity_store.testing.model.store import ModelState, ModelStore

__all__ = ["ModelState", "ModelStore"]
